import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStorage } from '../src/index.js';
import { buildForChildProcess } from './support/child-build.js';
import { tempDir } from './support/sqlite-harness.js';

describe('SQLite durability', () => {
  let dir: string;

  beforeEach(() => {
    dir = tempDir('durability');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every delivery whose append resolved when the process is killed with SIGKILL mid-load', async () => {
    const script = await buildForChildProcess(join(dir, 'build'), 'test/fixtures/append-load.ts');
    const database = join(dir, 'inbox.sqlite');
    // Open once first so the child's start-up is not a migration.
    await (await openStorage(database)).close();

    const child = spawn(process.execPath, [script, database], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );

    const acknowledged = new Map<string, string>();
    const lines = createInterface({ input: child.stdout });
    for await (const line of lines) {
      const [id, key] = line.split(' ');
      if (id && key) acknowledged.set(id, key);
      // Kill while 32 appends are in flight, after several group commits have happened.
      if (acknowledged.size >= 400) {
        child.kill('SIGKILL');
        break;
      }
    }
    const signal = await exited;
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    expect(acknowledged.size).toBeGreaterThanOrEqual(400);

    const reopened = await openStorage(database);
    try {
      const missing: string[] = [];
      for (const [id, key] of acknowledged) {
        const event = await reopened.inbox.get(id);
        if (event?.deliveryKey !== key) missing.push(`${id} ${key}`);
      }
      expect(missing).toEqual([]);
      expect(
        (
          await reopened.inbox.append({
            deliveryKey: acknowledged.values().next().value as string,
            receivedAt: new Date(),
            headers: {},
            body: '',
          })
        ).duplicate,
      ).toBe(true);
    } finally {
      await reopened.close();
    }
  }, 30_000);

  it('leaves the file in WAL mode, so readers never block the writer', async () => {
    const database = join(dir, 'wal.sqlite');
    await (await openStorage(database)).close();
    const raw = new Database(database, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });
});
