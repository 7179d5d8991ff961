// Every corpus file's README findings appear in `verify --format json --offline --at 2026-11-29T00:00:00Z`.
import type { JsonFileReport } from '../src/format/json.js';
import { cli, corpus, CORPUS_AT, jsonLines } from './support/cli.js';

async function verifyJson(file: string, ...extra: string[]): Promise<{ code: number; report: JsonFileReport }> {
  const result = await cli(['verify', '--format', 'json', '--offline', '--at', CORPUS_AT, ...extra, corpus(file)]);
  const lines = jsonLines<JsonFileReport>(result.stdout);
  expect(lines).toHaveLength(1);
  return { code: result.code, report: lines[0] as JsonFileReport };
}

const rulesOf = (report: JsonFileReport): string[] => report.findings.map((finding) => finding.rule);
const certificatesFlaggedBy = (report: JsonFileReport, rule: string): (number | undefined)[] =>
  report.findings.filter((finding) => finding.rule === rule).map((finding) => finding.certificate);

describe('verify on the corpus (judged at 2026-11-29, offline)', () => {
  it('chains/reversed-no-root.pem: order error, root missing, not publicly trusted', async () => {
    const { code, report } = await verifyJson('chains/reversed-no-root.pem');
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(rulesOf(report)).toEqual(expect.arrayContaining(['chain.order', 'chain.root-included', 'ca.public-trust']));
  });

  it('chains/ordered-no-root.pem: root missing, not publicly trusted, no order error', async () => {
    const { code, report } = await verifyJson('chains/ordered-no-root.pem');
    expect(code).toBe(1);
    expect(rulesOf(report)).toEqual(expect.arrayContaining(['chain.root-included', 'ca.public-trust']));
    expect(rulesOf(report)).not.toContain('chain.order');
  });

  it("chains/two-leaves-one-expired.pem: the second is not the first one's issuer, and it expired", async () => {
    const { report } = await verifyJson('chains/two-leaves-one-expired.pem');
    expect([
      ...certificatesFlaggedBy(report, 'chain.order'),
      ...certificatesFlaggedBy(report, 'chain.stray'),
    ]).toContain(1);
    expect(certificatesFlaggedBy(report, 'validity.expired')).toEqual([1]);
  });

  it('chains/globalsign-dv-expired.pem: both expired, root missing, not publicly trusted, DV detected', async () => {
    const { report } = await verifyJson('chains/globalsign-dv-expired.pem');
    expect(certificatesFlaggedBy(report, 'validity.expired')).toEqual([0, 1]);
    expect(rulesOf(report)).toEqual(expect.arrayContaining(['chain.root-included', 'ca.public-trust']));
    const level = report.findings.filter((finding) => finding.rule === 'leaf.validation-level');
    expect(level.map((finding) => [finding.severity, /\bDV\b/.test(finding.message)])).toEqual([['info', true]]);
  });

  it('chains/intermediate-expired.pem: the first certificate is not an end-entity, and it expired', async () => {
    const { report } = await verifyJson('chains/intermediate-expired.pem');
    expect(certificatesFlaggedBy(report, 'chain.leaf-first')).toEqual([0]);
    expect(certificatesFlaggedBy(report, 'validity.expired')).toEqual([0]);
  });

  it.each(['r10.pem', 'yr1.pem', 'root-yr.pem', 'root-yr-by-isrg-x1.pem', 'isrg-root-x1.pem'])(
    "lets-encrypt/%s: Let's Encrypt detected",
    async (file) => {
      const { code, report } = await verifyJson(`lets-encrypt/${file}`);
      expect(code).toBe(1);
      expect(rulesOf(report)).toContain('ca.lets-encrypt');
    },
  );

  it('lets-encrypt/yr1.pem: unusable for client authentication', async () => {
    const { report } = await verifyJson('lets-encrypt/yr1.pem');
    const eku = report.findings.filter((finding) => finding.rule === 'eku.client-auth');
    expect(eku).toHaveLength(1);
    expect(eku[0]?.severity).toBe('error');
  });

  it('lets-encrypt/root-yr.pem: recognised although O is only "ISRG"', async () => {
    const { report } = await verifyJson('lets-encrypt/root-yr.pem');
    expect(report.certificates[0]?.subject).toBe('C=US, O=ISRG, CN=Root YR');
    expect(certificatesFlaggedBy(report, 'ca.lets-encrypt')).toContain(0);
  });

  it('psd2/moneymonk-psp-ai.pem: expired and incomplete, a valid PSD2 statement (no psd2.* finding)', async () => {
    const { report } = await verifyJson('psd2/moneymonk-psp-ai.pem', '--psd2');
    expect(rulesOf(report)).toEqual(expect.arrayContaining(['validity.expired', 'chain.complete']));
    expect(rulesOf(report).filter((rule) => rule.startsWith('psd2.'))).toEqual([]);
  });

  it('psd2/moneymonk-psp-ai.pem: a required role it lacks (--psd2=PSP_AI,PSP_PI) is an error naming it', async () => {
    const { report } = await verifyJson('psd2/moneymonk-psp-ai.pem', '--psd2=PSP_AI,PSP_PI');
    const roles = report.findings.filter((finding) => finding.rule === 'psd2.roles');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.message).toMatch(/PSP_PI/);
  });

  it('psd2/role-name-mismatch.pem: PSD2 role error, OID and name disagree', async () => {
    const { report } = await verifyJson('psd2/role-name-mismatch.pem', '--psd2');
    const roles = report.findings.filter((finding) => finding.rule === 'psd2.roles');
    expect(roles.map((finding) => finding.severity)).toEqual(['error']);
    expect(roles[0]?.message).toMatch(/PSP_AI/);
    expect(roles[0]?.message).toMatch(/PSP_AS/);
  });

  it('psd2/roles-empty.pem: PSD2 role error, no roles', async () => {
    const { report } = await verifyJson('psd2/roles-empty.pem', '--psd2');
    const roles = report.findings.filter((finding) => finding.rule === 'psd2.roles');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.message).toMatch(/no roles/);
  });

  it('the JSON line has exactly the documented shape', async () => {
    const { report } = await verifyJson('chains/ordered-no-root.pem');
    expect(Object.keys(report)).toEqual(['file', 'ok', 'certificates', 'findings']);
    expect(report.file).toBe(corpus('chains/ordered-no-root.pem'));
    expect(report.certificates.map((certificate) => Object.keys(certificate))).toEqual([
      ['index', 'subject', 'issuer', 'notBefore', 'notAfter', 'sha256', 'isCA', 'selfSigned'],
      ['index', 'subject', 'issuer', 'notBefore', 'notAfter', 'sha256', 'isCA', 'selfSigned'],
    ]);
    expect(report.certificates.map((certificate) => certificate.index)).toEqual([0, 1]);
    expect(report.certificates[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const finding of report.findings) {
      expect(['error', 'warning', 'info']).toContain(finding.severity);
      expect(typeof finding.rule).toBe('string');
      expect(typeof finding.message).toBe('string');
      if (finding.certificate !== undefined) expect(finding.certificate).toBeLessThan(2);
    }
  });

  it('one JSON line per file, in the order given, and the worst exit code wins', async () => {
    const files = ['lets-encrypt/r10.pem', 'chains/ordered-no-root.pem'].map(corpus);
    const result = await cli(['verify', '--format', 'json', '--offline', '--at', CORPUS_AT, ...files]);
    expect(jsonLines<JsonFileReport>(result.stdout).map((line) => line.file)).toEqual(files);
    expect(result.code).toBe(1);
  });
});
