// fixChain, inspect, daysUntilExpiry, prepareBundle and the rule catalogue.
import { createRoot, DV_POLICY } from '@connectpay-kit/testing-pki';
import {
  daysUntilExpiry,
  fixChain,
  inspect,
  loadCertificatePool,
  parseChainFile,
  prepareBundle,
  verifyChain,
  type RuleId,
} from '@connectpay-kit/certs';
import { cleanChain, toPem } from './support/pki.js';

function fingerprints(pem: string): string[] {
  return parseChainFile(pem).certificates.map((certificate) => certificate.sha256);
}

describe('fixChain', () => {
  it('completes a chain whose intermediate is missing from a given pool', async () => {
    const { leaf, intermediates, root, chain } = await cleanChain();
    const unrelated = await (await createRoot()).issue({ ca: true });
    const pool = loadCertificatePool(toPem([unrelated, intermediates[0]!]));
    const fixed = fixChain(toPem([leaf, root]), { intermediates: pool, trust: [root.pem] });
    expect(fixed.complete).toBe(true);
    expect(fingerprints(fixed.chainPem)).toEqual(fingerprints(toPem(chain)));
    expect(fixed.changes).toEqual([expect.stringMatching(/^added the intermediate ".+" from the intermediates pool/)]);
    expect(fixed.certificates.map((link) => link.source)).toEqual(['input', 'pool', 'input']);
  });

  it('adds the root from the trust store', async () => {
    const { leaf, intermediates, root, chain } = await cleanChain();
    const fixed = fixChain(toPem([leaf, intermediates[0]!]), { trust: [root.pem], publicTrust: false });
    expect(fixed.complete).toBe(true);
    expect(fingerprints(fixed.chainPem)).toEqual(fingerprints(toPem(chain)));
    expect(fixed.changes[0]).toMatch(/^added the root/);
  });

  it('stays incomplete, and says why, when the gap cannot be filled', async () => {
    const { leaf, root } = await cleanChain();
    const fixed = fixChain(toPem([leaf, root]), { publicTrust: false });
    expect(fixed.complete).toBe(false);
    expect(fixed.problem).toMatch(
      /is neither in the file, nor in the intermediates pool, nor in the trust store; kept the 2nd certificate/,
    );
    // The root is kept after the gap rather than thrown away.
    expect(fingerprints(fixed.chainPem)).toEqual(fingerprints(toPem([leaf, root])));
  });

  it('drops strays, duplicates and private keys, and reorders', async () => {
    const { leaf, intermediates, root, chain } = await cleanChain();
    const stray = await (await createRoot()).issue();
    const messy = `${toPem([root, stray, intermediates[0]!, leaf, intermediates[0]!])}${leaf.privateKeyPem}`;
    const fixed = fixChain(messy, { publicTrust: false });
    expect(fixed.complete).toBe(true);
    expect(fingerprints(fixed.chainPem)).toEqual(fingerprints(toPem(chain)));
    expect(fixed.chainPem).not.toMatch(/PRIVATE KEY/);
    expect(fixed.changes).toEqual([
      'removed 1 private key block (a private key must never be sent)',
      expect.stringMatching(/^removed the 5th certificate .*a copy of the 3rd$/),
      expect.stringMatching(/^removed the 2nd certificate .*not part of the leaf's chain$/),
      expect.stringMatching(/^put the certificates in issuing order .*: the 4th .*, the 3rd .*, the 1st /),
    ]);
    const report = await verifyChain(fixed.chainPem, { offline: true, trust: [root.pem], publicTrust: false });
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('changes nothing in a correct chain', async () => {
    const { pem, root } = await cleanChain();
    const fixed = fixChain(pem, { trust: [root.pem] });
    expect(fixed.changes).toEqual([]);
    expect(fixed.chainPem).toBe(pem);
  });
});

describe('inspect', () => {
  it('describes each certificate as openssl would, and more', async () => {
    const { intermediates, root } = await cleanChain();
    const leaf = await intermediates[0]!.issue({
      subject: 'C=LT, O=Acme, CN=client.acme.test',
      subjectAltNames: { dns: ['client.acme.test'], ip: ['127.0.0.1', '::1'] },
      policies: [DV_POLICY],
      crlDistributionPoints: ['http://crl.acme.test/ca.crl'],
      ocspUrls: ['http://ocsp.acme.test'],
    });
    const [details, caDetails] = await inspect(toPem([leaf, intermediates[0]!, root]));
    expect(details).toMatchObject({
      index: 0,
      subject: 'C=LT, O=Acme, CN=client.acme.test',
      isCA: false,
      selfSigned: false,
      subjectAltNames: { dns: ['client.acme.test'], ip: ['127.0.0.1', '::1'] },
      key: { algorithm: 'EC', curve: 'P-256', bits: 256 },
      signatureAlgorithm: 'ecdsa-with-SHA256',
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
      policies: [DV_POLICY],
      validationLevel: 'DV',
      crlDistributionPoints: ['http://crl.acme.test/ca.crl'],
      ocspUrls: ['http://ocsp.acme.test'],
      serialNumber: leaf.serialNumber.toUpperCase().match(/../g)?.join(':'),
    });
    expect(details?.fingerprints.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(details?.authorityKeyIdentifier).toBe(caDetails?.subjectKeyIdentifier);
    expect(caDetails?.isCA).toBe(true);
  });
});

describe('daysUntilExpiry', () => {
  it('gives days and seconds per certificate and the soonest', async () => {
    const { intermediates, root } = await cleanChain();
    const leaf = await intermediates[0]!.issue({ validity: { days: 41, startsInDays: -1 } });
    const at = new Date(leaf.notAfter.getTime() - 40 * 86400_000 - 3600_000);
    const expiry = daysUntilExpiry(toPem([leaf, intermediates[0]!, root]), at);
    expect(expiry.min).toBe(40);
    expect(expiry.minSeconds).toBe(40 * 86400 + 3600);
    expect(expiry.firstToExpire).toBe(0);
    expect(expiry.perCertificate).toHaveLength(3);
    expect(daysUntilExpiry(toPem([leaf]), new Date(leaf.notAfter.getTime() + 86400_000)).min).toBe(-1);
  });
});

describe('prepareBundle', () => {
  it('returns chain.pem and report.json for an acceptable chain, certificates only', async () => {
    const { pem, root } = await cleanChain();
    const messy = `notes for the team\n${pem.replace(/\n/g, '\r\n')}`;
    const plan = await prepareBundle(messy, { offline: true, trust: [root.pem] });
    expect(plan.accepted).toBe(true);
    expect(plan.files.map((file) => file.name)).toEqual(['chain.pem', 'report.json']);
    expect(plan.files[0]?.content).toBe(pem);
    expect(JSON.parse(plan.files[1]?.content ?? '{}')).toMatchObject({ ok: true });
  });

  it('refuses, with reasons, when there is an error or a private key', async () => {
    const { pem, leaf, root } = await cleanChain();
    const plan = await prepareBundle(`${pem}${leaf.privateKeyPem}`, { offline: true, trust: [root.pem] });
    expect(plan.accepted).toBe(false);
    expect(plan.files).toEqual([]);
    expect(plan.refusals).toEqual([expect.stringMatching(/^pem\.private-key: /)]);
  });
});

describe('RULES', () => {
  it('runs only or skips the rules asked for', async () => {
    const { pem } = await cleanChain();
    const only: RuleId[] = ['ca.public-trust'];
    const restricted = await verifyChain(pem, { offline: true, rules: { only } });
    expect(new Set(restricted.findings.map((finding) => finding.rule))).toEqual(new Set(only));
    const skipped = await verifyChain(pem, {
      offline: true,
      rules: { skip: ['ca.public-trust', 'revocation.unknown'] },
    });
    expect(skipped.ok).toBe(true);
  });
});
