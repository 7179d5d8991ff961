// bundle: the submission zip holds the ordered chain and both reports, never a key; refused on any error.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { createRoot, psd2Qwac, toPem } from '@connectpay-kit/testing-pki';
import type { JsonFileReport } from '../src/format/json.js';
import { cli, scratchDir } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const scratch = scratchDir();
let main: ChainFiles;

beforeAll(async () => {
  main = await writeChain(scratch, 'main');
});
afterAll(() => scratch.cleanup());

function unzip(path: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(unzipSync(readFileSync(path))).map(([name, bytes]) => [name, strFromU8(bytes)]),
  );
}

describe('bundle', () => {
  it('writes chain.pem (leaf first), report.txt and report.json for a chain without errors', async () => {
    const zip = `${scratch.dir}/submission.zip`;
    const result = await cli([
      'bundle',
      main.full,
      '-o',
      zip,
      '--offline',
      '--trust',
      main.root,
      '--key',
      main.leafKey,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^wrote .*submission\.zip: chain\.pem \(3 certificates, leaf first\), report\.txt, report\.json$/m,
    );
    const entries = unzip(zip);
    expect(Object.keys(entries).sort()).toEqual(['chain.pem', 'report.json', 'report.txt']);
    expect(entries['chain.pem']).toBe(toPem(main.chain.chain));
    const report = JSON.parse(entries['report.json'] as string) as JsonFileReport;
    expect(report.ok).toBe(true);
    expect(report.certificates.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(entries['report.txt']).toMatch(/: OK \(3 certificates;/);
    expect(entries['report.txt']).not.toContain('\u001b');
    for (const content of Object.values(entries)) expect(content).not.toMatch(/PRIVATE KEY/);
  });

  it('report.txt records the options that decide the verdict: --trust (with the root), --offline, --at, --key, --psd2', async () => {
    const zip = `${scratch.dir}/recorded.zip`;
    const argv = ['--offline', '--trust', main.root, '--at', '2026-12-10', '--key', main.leafKey];
    expect((await cli(['bundle', main.full, '-o', zip, ...argv])).code).toBe(0);
    const text = unzip(zip)['report.txt'] as string;
    const lines = text.split('\n');
    expect(lines).toContain(
      `  cert-check verify ${main.full} --trust ${main.root} --offline --at 2026-12-10 --key ${main.leafKey} --warn-days 30`,
    );
    const rootSha256 = createHash('sha256').update(main.chain.root.der).digest('hex').toUpperCase();
    expect(lines).toContain(
      `  --trust ${main.root}: trusted in addition to the public root store: "${main.chain.root.subject}" (SHA-256 ${rootSha256.replace(/(..)(?!$)/g, '$1:')})`,
    );
    expect(lines).toContain('  --offline: revocation not checked online (no CRL download, no OCSP)');
    expect(lines).toContain('  --at 2026-12-10: judged at 2026-12-10T00:00:00.000Z, not when the bundle was made');
    expect(lines).toContain(
      `  --key ${main.leafKey}: the private key was checked against the leaf (the key is not in this bundle)`,
    );
    expect(lines).toContain('  no --psd2: the PSD2 QWAC rules were not applied');
    expect(text).not.toMatch(/PRIVATE KEY/);
    // The verdict comes first, as in `verify`'s output; report.json keeps its documented shape.
    expect(lines[0]).toMatch(/: OK \(3 certificates;/);
    expect(Object.keys(JSON.parse(unzip(zip)['report.json'] as string) as object)).toEqual([
      'file',
      'ok',
      'certificates',
      'findings',
    ]);
  });

  it('report.txt says so when an option is absent: public store only, judged when made, no key check', async () => {
    const zip = `${scratch.dir}/defaults.zip`;
    const trusted = await writeChain(scratch, 'trusted');
    // --trust is needed for a private test root; here it is the only option besides --offline.
    expect((await cli(['bundle', trusted.full, '-o', zip, '--offline', '--trust', trusted.root])).code).toBe(0);
    const lines = (unzip(zip)['report.txt'] as string).split('\n');
    expect(lines.find((line) => line.startsWith('  no --at: judged when the bundle was made, '))).toMatch(
      /, \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    );
    expect(lines).toContain('  no --key: the private key was not checked against the leaf');
    expect(lines).toContain('  no --intermediates: issuers taken from the file and the trust store only');
    const psd2Zip = `${scratch.dir}/psd2.zip`;
    const qwac = await psd2Qwac({ roles: ['PSP_AI', 'PSP_PI'] });
    const qwacChain = scratch.file('qwac.pem', qwac.pem);
    const qwacRoot = scratch.file('qwac-root.pem', qwac.root.pem);
    const result = await cli([
      'bundle',
      qwacChain,
      '-o',
      psd2Zip,
      '--offline',
      '--trust',
      qwacRoot,
      '--psd2=PSP_AI,PSP_PI',
    ]);
    expect(result.code).toBe(0);
    expect((unzip(psd2Zip)['report.txt'] as string).split('\n')).toContain(
      '  --psd2: the PSD2 QWAC rules were applied, roles required: PSP_AI, PSP_PI',
    );
  });

  it('report.txt names the first three roots of a --trust bundle and counts the rest', async () => {
    const others = await Promise.all([1, 2, 3].map((n) => createRoot({ subject: { commonName: `Other Root ${n}` } })));
    const bundle = scratch.file('trust-bundle.pem', [main.chain.root, ...others].map((root) => root.pem).join(''));
    const zip = `${scratch.dir}/trust-bundle.zip`;
    expect((await cli(['bundle', main.full, '-o', zip, '--offline', '--trust', bundle])).code).toBe(0);
    const line = (unzip(zip)['report.txt'] as string).split('\n').find((l) => l.startsWith(`  --trust ${bundle}: `));
    expect(line?.match(/ \(SHA-256 /g)).toHaveLength(3);
    expect(line).toMatch(/"[^"]*Other Root 2" \(SHA-256 [0-9A-F:]{95}\) and 1 more$/);
  });

  it('is byte-identical when run twice at the same --at', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const argv = ['--offline', '--trust', main.root, '--at', tomorrow];
    expect((await cli(['bundle', main.full, '-o', `${scratch.dir}/a.zip`, ...argv])).code).toBe(0);
    expect((await cli(['bundle', main.full, '-o', `${scratch.dir}/b.zip`, ...argv])).code).toBe(0);
    expect(readFileSync(`${scratch.dir}/a.zip`).equals(readFileSync(`${scratch.dir}/b.zip`))).toBe(true);
  });

  it('refuses (exit 1, nothing written) when verify finds an error', async () => {
    const zip = `${scratch.dir}/refused.zip`;
    const result = await cli(['bundle', main.full, '-o', zip, '--offline']);
    expect(result.code).toBe(1);
    expect(existsSync(zip)).toBe(false);
    expect(result.stderr).toMatch(/ca\.public-trust/);
    expect(result.stderr).toMatch(/refused to write .*refused\.zip/);
  });

  it('refuses an input that holds a private key, even when everything else is right', async () => {
    const withKey = scratch.file('with-key.pem', main.chain.pem + main.chain.leaf.privateKeyPem);
    const zip = `${scratch.dir}/with-key.zip`;
    const result = await cli(['bundle', withKey, '-o', zip, '--offline', '--trust', main.root]);
    expect(result.code).toBe(1);
    expect(existsSync(zip)).toBe(false);
    expect(result.stderr).toMatch(/contains a private key, which must never be sent/);
    expect(result.stdout + result.stderr).not.toContain(main.chain.leaf.privateKeyPem.split('\n')[1] as string);
  });

  it('takes the verify options: a mismatching --key is refused', async () => {
    const other = await writeChain(scratch, 'other');
    const result = await cli([
      'bundle',
      main.full,
      '-o',
      `${scratch.dir}/mismatch.zip`,
      '--offline',
      '--trust',
      main.root,
      '--key',
      other.leafKey,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/key\.mismatch/);
  });

  it('an out-of-order chain is refused and points at cert-check fix', async () => {
    const reversed = scratch.file('reversed.pem', toPem([...main.chain.chain].reverse()));
    const result = await cli([
      'bundle',
      reversed,
      '-o',
      `${scratch.dir}/reversed.zip`,
      '--offline',
      '--trust',
      main.root,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cert-check fix/);
  });

  it('usage: one file only, -o required (exit 2)', async () => {
    expect((await cli(['bundle', main.full, main.full, '-o', `${scratch.dir}/two.zip`])).code).toBe(2);
    expect((await cli(['bundle', main.full])).code).toBe(2);
  });
});
