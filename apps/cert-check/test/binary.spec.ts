// The installed bin (node_modules/.bin/cert-check, what `npx cert-check` runs), spawned: exit codes and no
// stack trace on stderr, whatever the input; PSD2 QWACs read as dist/esm reads them; the code cache.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import type { JsonFileReport } from '../src/format/json.js';
import {
  APP_DIR,
  cliInProcess,
  corpus,
  CORPUS_AT,
  INSTALLED_BIN,
  jsonLines,
  run,
  scratchDir,
  STACK_TRACE,
} from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const MAIN = `${APP_DIR}dist/main.js`;
const scratch = scratchDir();
let main: ChainFiles;

beforeAll(async () => {
  main = await writeChain(scratch, 'main');
});
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

  it("is installed in the workspace as npm links it: node_modules/.bin/cert-check is this package's launcher", async () => {
    expect(realpathSync(INSTALLED_BIN)).toBe(realpathSync(`${APP_DIR}bin/cert-check.cjs`));
    const launched = await run(['--version']);
    expect(launched.code).toBe(0);
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
  ])('%s: exit %i, a message, no stack trace', async (_name, expected, argv) => {
    const result = await run(argv());
    expect(result.code).toBe(expected);
    expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
    expect((expected === 1 ? result.stdout : result.stderr).trim()).not.toBe('');
  });

  it('a PKCS#12 file (made with openssl pkcs12 -export): exit 2, the extraction command, no stack trace', async () => {
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
    const result = await run(['verify', '--offline', p12]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('openssl pkcs12 -in');
    expect(result.stderr + result.stdout).not.toMatch(STACK_TRACE);
  });

  it('a passing chain: exit 0; --help: exit 0', async () => {
    expect((await run(['verify', '--offline', '--trust', main.root, main.full])).code).toBe(0);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:/);
  });

  it('reads a chain from standard input with "-"', async () => {
    const result = await run(['verify', '--offline', '--format', 'json', '--trust', main.root, '-'], {
      input: main.chain.pem,
    });
    expect(JSON.parse(result.stdout) as { file: string; ok: boolean }).toMatchObject({
      file: 'standard input',
      ok: true,
    });
    expect(result.code).toBe(0);
  });

  it('the unbundled ESM build (dist/esm/main.js) gives the same answers as the bundle', async () => {
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
      ['inspect', '--format', 'json', '--at', CORPUS_AT, ...psd2Corpus()],
      ['verify', '--offline', '--psd2', '--at', CORPUS_AT, ...psd2Corpus()],
    ]) {
      const bundled = await run(argv);
      const esm = await run([`${APP_DIR}dist/esm/main.js`, ...argv], { executable: process.execPath });
      expect(esm).toEqual(bundled);
    }
  });

  it('runs the same without its code cache, or with a corrupt one (V8 rejects it and compiles as usual)', async () => {
    const argv = ['verify', '--offline', '--trust', main.root, main.full];
    const expected = await run(argv);
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
      expect(await run([`${copy}/main.js`, ...argv], { executable: process.execPath })).toEqual(expected);
    }
    expect(expected.code).toBe(0);
  });

  it('prints no colour when piped', async () => {
    const result = await run(['verify', '--offline', corpus('chains/ordered-no-root.pem')]);
    expect(result.stdout).toMatch(/ error +ca\.public-trust /);
    expect(result.stdout).not.toContain('\u001b');
  });
});

/** Every file in the corpus's psd2/ folder, so a QWAC added there is checked too. */
function psd2Corpus(): string[] {
  return readdirSync(corpus('psd2'))
    .filter((name) => name.endsWith('.pem'))
    .sort()
    .map((name) => corpus(`psd2/${name}`));
}

/** What ../shared/corpus/README.md says a correct checker reports for each PSD2 file. */
const PSD2_EXPECTED: Record<string, { roles: string; nca: string; psd2Findings: RegExp[] }> = {
  'moneymonk-psp-ai.pem': {
    roles: 'PSP_AI (0.4.0.19495.1.3)',
    nca: 'The Netherlands Bank / NL-DNB',
    psd2Findings: [],
  },
  'role-name-mismatch.pem': {
    roles: 'PSP_AS (0.4.0.19495.1.3)',
    nca: 'The Netherlands Bank / NL-DNB',
    psd2Findings: [/^psd2\.roles error .*PSP_AI.*"PSP_AS"/],
  },
  'roles-empty.pem': {
    roles: '(none)',
    nca: 'Federal Financial Supervisory Authority / DE-BAFIN',
    psd2Findings: [/^psd2\.roles error .*lists no roles/],
  },
};
/** How the bundle's broken import() showed (issue 12), and any other way a statement can fail to decode. */
const UNREADABLE = /unreadable|cannot be read|dynamic import|ExperimentalWarning/i;

describe('PSD2 QWACs through the installed bin (every file in ../shared/corpus/psd2)', () => {
  it('the corpus folder holds the files this test knows', () => {
    expect(psd2Corpus().map((file) => file.slice(file.lastIndexOf('/') + 1))).toEqual(
      Object.keys(PSD2_EXPECTED).sort(),
    );
  });

  it.each(psd2Corpus().map((file) => [file.slice(file.lastIndexOf('/') + 1), file]))(
    '%s: inspect shows its roles and NCA; verify --psd2 reads the statement and reports only its real defects',
    async (name, file) => {
      const expected = PSD2_EXPECTED[name];
      if (!expected) throw new Error(`${name} is new in the corpus: add what it should report to PSD2_EXPECTED`);
      const inspected = await run(['inspect', '--at', CORPUS_AT, file]);
      expect(inspected.code).toBe(0);
      expect(inspected.stdout + inspected.stderr).not.toMatch(UNREADABLE);
      expect(inspected.stdout).toMatch(/^ {2}QcStatements: +QcCompliance \(EU qualified\); QcType web$/m);
      expect(inspected.stdout).toContain(`  PSD2 roles: ${expected.roles}\n`);
      expect(inspected.stdout).toContain(`  PSD2 NCA: ${expected.nca}\n`);

      const verified = await run(['verify', '--offline', '--psd2', '--format', 'json', '--at', CORPUS_AT, file]);
      expect(verified.stdout + verified.stderr).not.toMatch(UNREADABLE);
      const [report] = jsonLines<JsonFileReport>(verified.stdout);
      const psd2 = (report?.findings ?? [])
        .filter((finding) => finding.rule.startsWith('psd2.'))
        .map((finding) => `${finding.rule} ${finding.severity} ${finding.message}`);
      expect(psd2).toHaveLength(expected.psd2Findings.length);
      expected.psd2Findings.forEach((pattern, index) => expect(psd2[index]).toMatch(pattern));
      // Every corpus QWAC is expired and lacks its issuer: exit 1 from those, whatever PSD2 says.
      expect(report?.findings.map((finding) => finding.rule)).toEqual(
        expect.arrayContaining(['validity.expired', 'chain.complete']),
      );
      expect(verified.code).toBe(1);
    },
  );
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
    await expect(cliInProcess(['verify'])).resolves.toMatchObject({ code: 2 });
  });
});
