// What a person sees: grouped text with fix hints, colour only on a TTY, formats the engine explains.
import { execFileSync } from 'node:child_process';
import { selfSigned } from '@connectpay-kit/testing-pki';
import type { JsonFileReport } from '../src/format/json.js';
import { cli, cliInProcess, corpus, CORPUS_AT, jsonLines, scratchDir } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const ESC = '\u001b';
const scratch = scratchDir();
let main: ChainFiles;

beforeAll(async () => {
  main = await writeChain(scratch, 'main');
});
afterAll(() => scratch.cleanup());

describe('text output', () => {
  it('groups by file: a verdict line, then one line per finding with its rule and a fix hint', async () => {
    const files = [corpus('chains/reversed-no-root.pem'), corpus('lets-encrypt/yr1.pem')];
    const result = await cli(['verify', '--offline', '--at', CORPUS_AT, ...files]);
    const lines = result.stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith(`${files[0]}: FAIL`));
    const second = lines.findIndex((line) => line.startsWith(`${files[1]}: FAIL`));
    expect(header).toBe(0);
    expect(second).toBeGreaterThan(header);
    const firstGroup = lines.slice(header + 1, second).filter((line) => line.trim() !== '');
    expect(firstGroup.some((line) => /^ {2}error {3}chain\.order +\S.* — fix: .*cert-check fix/.test(line))).toBe(true);
    expect(firstGroup.every((line) => /^ {2}(error|warning|info) /.test(line))).toBe(true);
    expect(result.stdout).toMatch(/^2 files: 0 OK, 2 with errors, 0 not checked$/m);
    expect(result.code).toBe(1);
  });

  it('lists errors before warnings and infos within a file', async () => {
    const result = await cli(['verify', '--offline', '--at', CORPUS_AT, corpus('chains/globalsign-dv-expired.pem')]);
    const severities = result.stdout
      .split('\n')
      .slice(1)
      .filter((line) => line.startsWith('  '))
      .map((line) => line.trim().split(/\s+/)[0]);
    const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
    expect(severities.length).toBeGreaterThan(3);
    expect(severities.map((s) => rank[s as string])).toEqual([...severities.map((s) => rank[s as string])].sort());
  });

  it('says OK for a passing chain', async () => {
    const result = await cli(['verify', '--offline', '--trust', main.root, main.full]);
    expect(result.stdout.split('\n')[0]).toMatch(/: OK \(3 certificates; 0 errors, [1-9]\d* warnings?, 0 info\)$/);
    expect(result.stdout.split('\n')[0]?.startsWith(main.full)).toBe(true);
    expect(result.code).toBe(0);
  });

  // In-process: a spawned bin's stdout is a pipe, never a TTY (binary.spec checks the piped bin has no colour).
  it('uses colour on a TTY only, and never when NO_COLOR is set (even empty) or TERM=dumb', async () => {
    const argv = ['verify', '--offline', '--at', CORPUS_AT, corpus('chains/ordered-no-root.pem')];
    expect((await cliInProcess(argv, { isTTY: true, env: {} })).stdout).toContain(`${ESC}[31m`);
    expect((await cliInProcess(argv, { isTTY: false, env: {} })).stdout).not.toContain(ESC);
    expect((await cliInProcess(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
    expect((await cliInProcess(argv, { isTTY: true, env: { NO_COLOR: '' } })).stdout).not.toContain(ESC);
    expect((await cliInProcess(argv, { isTTY: true, env: { TERM: 'dumb' } })).stdout).not.toContain(ESC);
    expect((await cliInProcess([...argv, '--format', 'json'], { isTTY: true, env: {} })).stdout).not.toContain(ESC);
  });

  it('shows control characters from a certificate name escaped, so a certificate cannot drive the terminal', async () => {
    const evil = await selfSigned({ subject: { commonName: `evil${ESC}[2J${ESC}[32mOK` } });
    const file = scratch.file('evil.pem', evil.pem);
    for (const command of [['verify', '--offline'], ['inspect'], ['expiry']]) {
      const result = await cli([...command, file]);
      expect(result.stdout + result.stderr).not.toContain(ESC);
      expect(result.stdout).toContain('\\u001b[2J');
    }
  });
});

describe('input formats', () => {
  it('a DER certificate: pem.format error with the openssl command that converts it (exit 1)', async () => {
    const der = scratch.file('leaf.der', main.chain.leaf.der);
    const result = await cli(['verify', '--offline', '--format', 'json', der]);
    const [report] = jsonLines<JsonFileReport>(result.stdout);
    const format = report?.findings.find((finding) => finding.rule === 'pem.format');
    expect(format?.severity).toBe('error');
    expect(`${format?.message} ${format?.hint}`).toContain(`openssl x509 -inform DER -in ${der}`);
    expect(result.code).toBe(1);
  });

  it('a PKCS#12 archive: no certificate can be checked (exit 2), but the report says how to extract the chain', async () => {
    const p12 = `${scratch.dir}/client.p12`;
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      main.full,
      '-inkey',
      main.leafKey,
      '-passout',
      'pass:test',
      '-out',
      p12,
    ]);
    const result = await cli(['verify', '--offline', p12]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`${p12}: NOT CHECKED`);
    expect(result.stdout).toContain(`openssl pkcs12 -in ${p12} -nokeys`);
  });

  it('a file with only a private key: exit 2, the key is not echoed', async () => {
    const keyOnly = scratch.file('only.key', main.chain.leaf.privateKeyPem);
    const result = await cli(['verify', '--offline', keyOnly]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/pem\.private-key/);
    expect(result.stdout + result.stderr).not.toContain(main.chain.leaf.privateKeyPem.split('\n')[1] as string);
  });

  it.each([
    ['an empty file', ''],
    ['random bytes', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0xff, 0x30, 0x82])],
    ['a text file', 'hello, this is not a certificate\n'],
  ])('%s: exit 2 with one line saying it holds no certificate', async (_name, content) => {
    const file = scratch.file(`input-${Math.random().toString(36).slice(2)}`, content);
    const result = await cli(['verify', '--offline', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/contains no (readable )?certificate/);
  });

  it('a directory: exit 2, "it is a directory"', async () => {
    const result = await cli(['verify', scratch.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('it is a directory');
  });
});
