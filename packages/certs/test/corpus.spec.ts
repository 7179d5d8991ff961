// Every corpus file yields at least the findings shared/corpus/README.md lists for it.
import {
  fixChain,
  inspect,
  loadCertificatePool,
  parseChainFile,
  verifyChain,
  type Report,
  type RuleId,
} from '@connectpay-kit/certs';
import { CORPUS_AT, corpusFile } from './corpus.js';

async function verifyCorpus(file: string, options: { psd2?: boolean } = {}): Promise<Report> {
  return verifyChain(corpusFile(file), {
    at: CORPUS_AT,
    offline: true,
    fileName: file.split('/').pop() ?? file,
    ...options,
  });
}

function rules(report: Report): RuleId[] {
  return report.findings.map((finding) => finding.rule);
}

function findingsOf(report: Report, rule: RuleId): { message: string; certificate?: number }[] {
  return report.findings.filter((finding) => finding.rule === rule);
}

describe('corpus: chains/', () => {
  it('reversed-no-root.pem: order error, root missing, not publicly trusted', async () => {
    const report = await verifyCorpus('chains/reversed-no-root.pem');
    expect(report.ok).toBe(false);
    expect(rules(report)).toEqual(expect.arrayContaining(['chain.order', 'chain.root-included', 'ca.public-trust']));
    expect(report.leaf).toBe(1);
  });

  it('reversed-no-root.pem: fix puts the leaf first', () => {
    const input = parseChainFile(corpusFile('chains/reversed-no-root.pem'));
    const fixed = fixChain(input, { at: CORPUS_AT });
    const reparsed = parseChainFile(fixed.chainPem);
    expect(reparsed.certificates.map((certificate) => certificate.sha256)).toEqual([
      input.certificates[1]?.sha256,
      input.certificates[0]?.sha256,
    ]);
    expect(fixed.changes.join('\n')).toMatch(/issuing order/);
    expect(fixed.complete).toBe(false);
  });

  it('ordered-no-root.pem: root missing and not publicly trusted, but no order error', async () => {
    const report = await verifyCorpus('chains/ordered-no-root.pem');
    expect(rules(report)).toEqual(expect.arrayContaining(['chain.root-included', 'ca.public-trust']));
    expect(rules(report)).not.toContain('chain.order');
    expect(report.leaf).toBe(0);
  });

  it("two-leaves-one-expired.pem: the second certificate is not the first one's issuer, and it expired", async () => {
    const report = await verifyCorpus('chains/two-leaves-one-expired.pem');
    const structural = [...findingsOf(report, 'chain.order'), ...findingsOf(report, 'chain.stray')];
    expect(structural.some((finding) => finding.certificate === 1)).toBe(true);
    expect(findingsOf(report, 'validity.expired').map((finding) => finding.certificate)).toEqual([1]);
  });

  it('globalsign-dv-expired.pem: both expired, root missing, not publicly trusted, DV detected', async () => {
    const report = await verifyCorpus('chains/globalsign-dv-expired.pem');
    expect(findingsOf(report, 'validity.expired').map((finding) => finding.certificate)).toEqual([0, 1]);
    expect(rules(report)).toEqual(expect.arrayContaining(['chain.root-included', 'ca.public-trust']));
    const level = findingsOf(report, 'leaf.validation-level');
    expect(level).toHaveLength(1);
    expect(level[0]?.message).toMatch(/\bDV\b/);
    // Both are SHA-1 signed and neither is a root's self-signature.
    expect(findingsOf(report, 'signature.algorithm').map((finding) => finding.certificate)).toEqual([0, 1]);
  });

  it('intermediate-expired.pem: the first certificate is not an end-entity, and it expired', async () => {
    const report = await verifyCorpus('chains/intermediate-expired.pem');
    expect(findingsOf(report, 'chain.leaf-first').map((finding) => finding.certificate)).toEqual([0]);
    expect(findingsOf(report, 'validity.expired').map((finding) => finding.certificate)).toEqual([0]);
  });
});

describe('corpus: lets-encrypt/', () => {
  it.each(['r10.pem', 'yr1.pem', 'root-yr.pem', 'root-yr-by-isrg-x1.pem', 'isrg-root-x1.pem'])(
    "%s is detected as Let's Encrypt",
    async (file) => {
      const report = await verifyCorpus(`lets-encrypt/${file}`);
      expect(findingsOf(report, 'ca.lets-encrypt').some((finding) => finding.certificate === 0)).toBe(true);
    },
  );

  it('yr1.pem is unusable for client authentication (serverAuth only)', async () => {
    const report = await verifyCorpus('lets-encrypt/yr1.pem');
    const eku = findingsOf(report, 'eku.client-auth');
    expect(eku).toHaveLength(1);
    expect(eku[0]?.message).toMatch(/serverAuth/);
    expect(eku[0]?.message).toMatch(/2026/);
  });

  it('root-yr.pem is recognised although its O is only "ISRG"', async () => {
    const input = parseChainFile(corpusFile('lets-encrypt/root-yr.pem'));
    expect(input.certificates[0]?.subject.text).toBe('C=US, O=ISRG, CN=Root YR');
    const report = await verifyCorpus('lets-encrypt/root-yr.pem');
    expect(rules(report)).toContain('ca.lets-encrypt');
  });

  it("r10.pem completed from the trust store is anchored in ISRG Root X1, which is also Let's Encrypt's", async () => {
    const report = await verifyCorpus('lets-encrypt/r10.pem');
    expect(report.chain.map((link) => link.source)).toEqual(['input', 'trust']);
    expect(
      findingsOf(report, 'ca.lets-encrypt').some(
        (finding) => finding.certificate === undefined && /ISRG Root X1/.test(finding.message),
      ),
    ).toBe(true);
    expect(rules(report)).not.toContain('ca.public-trust');
  });
});

describe('corpus: psd2/', () => {
  it('moneymonk-psp-ai.pem: roles [PSP_AI], NCA NL-DNB; expired; chain incomplete', async () => {
    const [details] = await inspect(corpusFile('psd2/moneymonk-psp-ai.pem'));
    expect(details?.qcStatements?.psd2).toEqual({
      roles: [{ oid: '0.4.0.19495.1.3', name: 'PSP_AI' }],
      ncaName: 'The Netherlands Bank',
      ncaId: 'NL-DNB',
    });
    expect(details?.qcStatements?.compliance).toBe(true);
    expect(details?.qcStatements?.types).toEqual(['web']);
    const report = await verifyCorpus('psd2/moneymonk-psp-ai.pem', { psd2: true });
    expect(rules(report)).toEqual(expect.arrayContaining(['validity.expired', 'chain.complete']));
    expect(rules(report).filter((rule) => rule.startsWith('psd2.'))).toEqual([]);
  });

  it('moneymonk-psp-ai.pem: a required role it lacks is reported', async () => {
    const report = await verifyChain(corpusFile('psd2/moneymonk-psp-ai.pem'), {
      at: CORPUS_AT,
      offline: true,
      psd2: ['PSP_AI', 'PSP_PI'],
    });
    const roles = findingsOf(report, 'psd2.roles');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.message).toMatch(/PSP_PI/);
  });

  it('role-name-mismatch.pem: the role OID and name disagree', async () => {
    for (const psd2 of [true, false]) {
      const report = await verifyCorpus('psd2/role-name-mismatch.pem', { psd2 });
      const roles = findingsOf(report, 'psd2.roles');
      expect(roles).toHaveLength(1);
      expect(roles[0]?.message).toMatch(/0\.4\.0\.19495\.1\.3 is PSP_AI but its name says "PSP_AS"/);
    }
  });

  it('roles-empty.pem: no roles', async () => {
    const report = await verifyCorpus('psd2/roles-empty.pem', { psd2: true });
    const roles = findingsOf(report, 'psd2.roles');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.message).toMatch(/no roles/);
    expect(rules(report)).not.toContain('psd2.nca');
  });
});

describe('corpus: pool/', () => {
  it('indexes all 1,385 certificates of public-intermediates.pem', () => {
    const pool = loadCertificatePool(corpusFile('pool/public-intermediates.pem'));
    expect(pool.size + pool.skipped).toBe(1385);
    expect(pool.skipped).toBe(0);
  });

  it('completes the MoneyMonk QWAC from the pool up to a public root', async () => {
    const pool = loadCertificatePool(corpusFile('pool/public-intermediates.pem'));
    const report = await verifyChain(corpusFile('psd2/moneymonk-psp-ai.pem'), {
      at: CORPUS_AT,
      offline: true,
      intermediates: pool,
    });
    expect(report.chain.map((link) => [link.source, link.subject.split('CN=').pop()])).toEqual([
      ['input', 'moneymonk.nl'],
      ['pool', 'QuoVadis Qualified Web ICA G2'],
      ['trust', 'QuoVadis Root CA 2 G3'],
    ]);
    expect(findingsOf(report, 'chain.complete')[0]?.message).toMatch(/found in the intermediates pool/);
    expect(rules(report)).not.toContain('ca.public-trust');

    const fixed = fixChain(corpusFile('psd2/moneymonk-psp-ai.pem'), { intermediates: pool, at: CORPUS_AT });
    expect(fixed.complete).toBe(true);
    expect(parseChainFile(fixed.chainPem).certificates).toHaveLength(3);
  });
});
