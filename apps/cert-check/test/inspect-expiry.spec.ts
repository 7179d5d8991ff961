// inspect shows what a person checks by eye; expiry feeds cron jobs and Prometheus.
import type { CertificateDetails } from '@connectpay-kit/certs';
import { cli, corpus, CORPUS_AT, jsonLines, scratchDir } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const scratch = scratchDir();
let main: ChainFiles;
let soon: ChainFiles;

beforeAll(async () => {
  main = await writeChain(scratch, 'main', {
    leaf: { subjectAltNames: { dns: ['api.example.test'], ip: ['192.0.2.7'] } },
  });
  soon = await writeChain(scratch, 'soon', { leaf: { validity: { days: 21, startsInDays: -1 } } });
});
afterAll(() => scratch.cleanup());

describe('inspect', () => {
  it('shows the PSD2 roles, NCA, QcStatements, policies and fingerprints of a real QWAC', async () => {
    const result = await cli(['inspect', '--at', CORPUS_AT, corpus('psd2/moneymonk-psp-ai.pem')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ +PSD2 roles: PSP_AI \(0\.4\.0\.19495\.1\.3\)$/m);
    expect(result.stdout).toMatch(/^ +PSD2 NCA: The Netherlands Bank \/ NL-DNB$/m);
    expect(result.stdout).toMatch(/^ {2}QcStatements: +QcCompliance \(EU qualified\); QcType web$/m);
    expect(result.stdout).toMatch(
      /^ {2}Valid: +2023-09-06T13:43:40\.000Z to 2024-09-26T23:45:00\.000Z \(expired \d+ days ago\)$/m,
    );
    expect(result.stdout).toMatch(/^ {2}SHA-256: +F1:E0:FF:0C/m);
    expect(result.stdout).toMatch(/^ {2}Extended key usage: +clientAuth, serverAuth$/m);
  });

  it('shows every certificate of a chain with SANs, key and CA role', async () => {
    const result = await cli(['inspect', main.full]);
    expect(result.stdout.match(/^\S.*#\d \(\d of 3\): /gm)).toHaveLength(3);
    expect(result.stdout).toMatch(/#0 \(1 of 3\): end-entity/);
    expect(result.stdout).toMatch(/#2 \(3 of 3\): root/);
    expect(result.stdout).toMatch(/^ {2}SANs: +DNS:api\.example\.test, IP:192\.0\.2\.7$/m);
    expect(result.stdout).toMatch(/^ {2}Key: +EC P-256; SPKI SHA-256 [0-9a-f]{64}$/m);
    expect(result.stdout).toMatch(/^ {2}Extended key usage: +serverAuth, clientAuth$/m);
  });

  it('--format json: one line per file with the details', async () => {
    const result = await cli(['inspect', '--format', 'json', corpus('psd2/moneymonk-psp-ai.pem'), main.full]);
    const lines = jsonLines<{ file: string; certificates: CertificateDetails[] }>(result.stdout);
    expect(lines.map((line) => line.certificates.length)).toEqual([1, 3]);
    expect(lines[0]?.certificates[0]?.qcStatements?.psd2).toEqual({
      roles: [{ oid: '0.4.0.19495.1.3', name: 'PSP_AI' }],
      ncaName: 'The Netherlands Bank',
      ncaId: 'NL-DNB',
    });
  });

  it('a missing file: exit 2', async () => {
    const result = await cli(['inspect', `${scratch.dir}/nope.pem`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no such file/);
  });
});

const PROM_LINE =
  /^(?:# (?:HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*\{file="(?:[^"\\\n]|\\["\\n])*"\} -?\d+)$/;

describe('expiry', () => {
  it('prints days left per file; exit 0 when all are above the threshold', async () => {
    const result = await cli(['expiry', main.full]);
    expect(result.stdout).toMatch(new RegExp(`^${main.full}: \\d+ days left \\(certificate #0 `));
    expect(result.code).toBe(0);
  });

  it('exit 1 when a chain expires within --warn-days (default 30); 0 with a lower threshold', async () => {
    const under = await cli(['expiry', soon.full]);
    expect(under.stdout).toMatch(/: 19 days left, under the 30-day threshold/);
    expect(under.code).toBe(1);
    expect((await cli(['expiry', '--warn-days', '10', soon.full])).code).toBe(0);
    expect((await cli(['expiry', '--warn-days', '20', soon.full])).code).toBe(1);
  });

  it('an expired chain: negative days, EXPIRED, exit 1', async () => {
    const result = await cli(['expiry', '--at', CORPUS_AT, corpus('psd2/moneymonk-psp-ai.pem')]);
    expect(result.stdout).toMatch(/EXPIRED 794 days ago/);
    expect(result.code).toBe(1);
  });

  it('--prom: valid Prometheus text with both gauges per file', async () => {
    const odd = scratch.file('we"ird\\name.pem', main.chain.pem);
    const result = await cli([
      'expiry',
      '--prom',
      '--at',
      CORPUS_AT,
      main.full,
      corpus('psd2/moneymonk-psp-ai.pem'),
      odd,
    ]);
    const lines = result.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(PROM_LINE);
    expect(lines).toContain('# TYPE connectpay_certificate_expiry_days gauge');
    expect(lines).toContain('# TYPE connectpay_certificate_expiry_seconds gauge');
    expect(lines).toContain(`connectpay_certificate_expiry_days{file="${corpus('psd2/moneymonk-psp-ai.pem')}"} -794`);
    expect(lines.filter((line) => line.startsWith('connectpay_certificate_expiry_seconds{'))).toHaveLength(3);
    expect(result.stdout).toContain('we\\"ird\\\\name.pem"}');
    expect(result.stdout.endsWith('\n')).toBe(true);
    expect(result.code).toBe(1);
  });

  it('--prom with an unreadable file: the others are still exported, exit 2', async () => {
    const result = await cli(['expiry', '--prom', main.full, `${scratch.dir}/gone.pem`]);
    expect(
      result.stdout.split('\n').filter((line) => line.startsWith('connectpay_certificate_expiry_days{')),
    ).toHaveLength(1);
    expect(result.stderr).toMatch(/gone\.pem: no such file/);
    expect(result.code).toBe(2);
  });
});
