import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServiceLogger, TurnBatchedDestination } from '../src/index.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function recording() {
  const writes: string[] = [];
  return { writes, destination: new TurnBatchedDestination({ write: (text: string) => writes.push(text) }) };
}

describe('TurnBatchedDestination', () => {
  it('writes the lines of one turn together, in order, once the turn ends', async () => {
    const { writes, destination } = recording();
    destination.write('one\n');
    destination.write('two\n');
    destination.write('three\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n']);
    destination.write('four\n');
    await nextTurn();
    expect(writes).toEqual(['one\ntwo\nthree\n', 'four\n']);
  });

  it('writes at once when 64 KB are waiting, so a burst is never held in memory', () => {
    const { writes, destination } = recording();
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < 64; i += 1) destination.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(64 * 1024);
  });

  it("writes everything waiting on the logger's flush, as a service does before it exits", () => {
    const { writes, destination } = recording();
    const logger = createServiceLogger({ service: { name: 'kit-test' }, destination });
    logger.info('stopped');
    let flushed = false;
    logger.flush(() => (flushed = true));
    expect(flushed).toBe(true);
    expect(writes).toHaveLength(1);
    expect(JSON.parse(writes[0] as string)).toMatchObject({ service: 'kit-test', msg: 'stopped' });
  });
});

describe('stdoutDestination', () => {
  // The built package, as a service runs it: needs `nx run service-kit:build` (test depends on it).
  const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

  function run(ending: string): { stdout: string; status: number | null } {
    if (!existsSync(built)) throw new Error(`build first (npx nx run service-kit:build): missing ${built}`);
    const program = [
      `import { createServiceLogger, stdoutDestination } from ${JSON.stringify(built)};`,
      `const logger = createServiceLogger({ service: { name: 'kit-test' }, destination: stdoutDestination() });`,
      `for (let i = 0; i < 3; i += 1) logger.info({ i }, 'line');`,
      ending,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' });
    return { stdout: result.stdout, status: result.status };
  }

  const lines = (stdout: string) =>
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { i: number });

  it('loses no line when the process exits in the same turn', () => {
    const { stdout, status } = run('process.exit(3);');
    expect(status).toBe(3);
    expect(lines(stdout).map((line) => line.i)).toEqual([0, 1, 2]);
  });

  it('loses no line written after a flush earlier in the same turn', () => {
    const { stdout, status } = run("logger.flush(); logger.info({ i: 3 }, 'line'); process.exit(3);");
    expect(status).toBe(3);
    expect(lines(stdout).map((line) => line.i)).toEqual([0, 1, 2, 3]);
  });

  it('loses no line when an uncaught exception ends the process', () => {
    const { stdout, status } = run("throw new Error('boom');");
    expect(status).toBe(1);
    expect(lines(stdout).map((line) => line.i)).toEqual([0, 1, 2]);
  });
});
