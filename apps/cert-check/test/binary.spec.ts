// The built binary (`node dist/main.js`), spawned: exit codes and no stack trace on stderr, whatever the input.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cli, corpus, scratchDir, STACK_TRACE } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const MAIN = `${APP_DIR}dist/main.js`;
const CERTS_DIST = fileURLToPath(new URL('../../../packages/certs/dist/index.js', import.meta.url));
const scratch = scratchDir();
let main: ChainFiles;

function run(
  argv: readonly string[],
  input?: string | Buffer,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...argv], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  if (!existsSync(CERTS_DIST))
    throw new Error('packages/certs is not built: run `npx nx run certs:build` (nx does it before test)');
  // The binary under test is this package's build output, built as `npm run build` does: tsc, then the bundle.
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], { cwd: APP_DIR, stdio: 'pipe' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: APP_DIR, stdio: 'pipe' });
  main = await writeChain(scratch, 'main');
}, 60_000);
afterAll(() => scratch.cleanup());

describe('the cert-check binary', () => {
  it('starts with a shebang and is declared as the package binary', () => {
    expect(readFileSync(MAIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const manifest = JSON.parse(readFileSync(`${APP_DIR}package.json`, 'utf8')) as {
      bin: Record<string, string>;
      private?: boolean;
      files: string[];
    };
    // The bin is a committed launcher, so npm links it on a fresh clone before anything is built.
    expect(manifest.bin).toEqual({ 'cert-check': './bin/cert-check.cjs' });
    expect(readFileSync(`${APP_DIR}bin/cert-check.cjs`, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(manifest.private).not.toBe(true);
    expect(manifest.files).toEqual(['bin', 'dist', 'README.md']);
  });

  it('runs through the launcher the package declares as its bin', () => {
    const launched = spawnSync(process.execPath, [`${APP_DIR}bin/cert-check.cjs`, '--version'], { encoding: 'utf8' });
    expect(launched.status).toBe(0);
    expect(launched.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each<[string, number, () => string[]]>([
    ['a missing file', 2, () => ['verify', `${scratch.dir}/missing.pem`]],
    ['a directory as the file', 2, () => ['verify', scratch.dir]],
    ['an empty file', 2, () => ['verify', scratch.file('empty.pem', '')]],
    ['a DER file', 1, () => ['verify', '--offline', scratch.file('leaf.der', main.chain.leaf.der)]],
    ['garbage bytes', 2, () => ['verify', scratch.file('garbage.bin', Buffer.from('30820a0b00ff13deadbeef', 'hex'))]],
    ['an unknown option', 2, () => ['verify', '--frobnicate', main.full]],
    ['an unknown command', 2, () => ['verifyy', main.full]],
    ['no command', 2, () => []],
    ['inspect of a missing file', 2, () => ['inspect', `${scratch.dir}/missing.pem`]],
    ['expiry of an empty file', 2, () => ['expiry', scratch.file('empty2.pem', '')]],
    ['fix into a missing folder', 2, () => ['fix', main.full, '-o', `${scratch.dir}/nope/out.pem`]],
    ['bundle of a missing file', 2, () => ['bundle', `${scratch.dir}/missing.pem`, '-o', `${scratch.dir}/out.zip`]],
  ])('%s: exit %i, a message, no stack trace', (_name, expected, argv) => {
    const result = run(argv());
    expect(result.code).toBe(expected);
    expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
    expect((expected === 1 ? result.stdout : result.stderr).trim()).not.toBe('');
  });

  it('a PKCS#12 file (made with openssl pkcs12 -export): exit 2, the extraction command, no stack trace', () => {
    const p12 = `${scratch.dir}/client.p12`;
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      main.full,
      '-inkey',
      main.leafKey,
      '-passout',
      'pass:secret',
      '-out',
      p12,
    ]);
    const result = run(['verify', '--offline', p12]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('openssl pkcs12 -in');
    expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
  });

  it('a passing chain: exit 0; --help and --version: exit 0', () => {
    expect(run(['verify', '--offline', '--trust', main.root, main.full]).code).toBe(0);
    const help = run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:/);
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reads a chain from standard input with "-"', () => {
    const result = run(['verify', '--offline', '--format', 'json', '--trust', main.root, '-'], main.chain.pem);
    expect(JSON.parse(result.stdout) as { file: string; ok: boolean }).toMatchObject({
      file: 'standard input',
      ok: true,
    });
    expect(result.code).toBe(0);
  });

  it('the unbundled ESM build (dist/esm/main.js) gives the same answers as the bundle', () => {
    for (const argv of [
      [
        'verify',
        '--offline',
        '--format',
        'json',
        '--at',
        '2026-11-29T00:00:00Z',
        corpus('chains/reversed-no-root.pem'),
      ],
      ['fix', main.gap, '-o', '-'],
    ]) {
      const bundled = run(argv);
      const esm = spawnSync(process.execPath, [`${APP_DIR}dist/esm/main.js`, ...argv], { encoding: 'utf8' });
      expect([esm.status, esm.stdout, esm.stderr]).toEqual([bundled.code, bundled.stdout, bundled.stderr]);
    }
  });

  it('runs the same without its code cache, or with a corrupt one (V8 rejects it and compiles as usual)', () => {
    const argv = ['verify', '--offline', '--trust', main.root, main.full];
    const expected = run(argv);
    const copy = `${scratch.dir}/relocated`;
    mkdirSync(copy);
    for (const name of ['main.js', 'cert-check.cjs', 'package.json'])
      copyFileSync(`${APP_DIR}dist/${name}`, `${copy}/${name}`);
    for (const cache of [
      undefined,
      Buffer.from('not a V8 code cache'),
      readFileSync(`${APP_DIR}dist/cert-check.cache`).subarray(0, 100),
    ]) {
      rmSync(`${copy}/cert-check.cache`, { force: true });
      if (cache) writeFileSync(`${copy}/cert-check.cache`, cache);
      const result = spawnSync(process.execPath, [`${copy}/main.js`, ...argv], { encoding: 'utf8' });
      expect([result.status, result.stdout, result.stderr]).toEqual([expected.code, expected.stdout, expected.stderr]);
    }
    expect(expected.code).toBe(0);
  });

  it('prints no colour when piped', () => {
    const result = spawnSync(process.execPath, [MAIN, 'verify', '--offline', corpus('chains/ordered-no-root.pem')], {
      encoding: 'utf8',
    });
    expect(result.stdout).not.toContain('\u001b');
  });
});

describe('failures nobody planned for', () => {
  it('an exception inside the program ends in one line and exit 2, in-process too', async () => {
    const { buildProgram } = await import('../src/cli.js');
    let stderr = '';
    const program = buildProgram({
      stdout: () => {
        throw new Error('stdout closed');
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    expect(await program.run(['expiry', main.full])).toBe(2);
    expect(stderr).toBe('cert-check: unexpected error: stdout closed (please report this with the command you ran)\n');
  });

  it('usage errors in-process never throw either', async () => {
    await expect(cli(['verify'])).resolves.toMatchObject({ code: 2 });
  });
});
