// path.* rules (RFC 5280 §6.1): each fires on an x509-limbo case built to break it, and on a testing-pki
// chain where testing-pki can build the defect; none fires on a clean chain.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { verifyChain, type Report, type RuleId } from '@connectpay-kit/certs';
import { createRoot } from '@connectpay-kit/testing-pki';
import { cleanChain, findings, verifyWith } from './support/pki.js';

interface LimboCase {
  readonly id: string;
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly crls: readonly string[] | null;
  readonly validation_time: string | null;
}

const LIMBO = new URL('../../../../shared/conformance/x509-limbo/limbo.json.gz', import.meta.url);
const limbo = new Map(
  (JSON.parse(gunzipSync(readFileSync(LIMBO)).toString('utf8')) as { testcases: LimboCase[] }).testcases.map((item) => [
    item.id,
    item,
  ]),
);

function verifyLimbo(id: string): Promise<Report> {
  const item = limbo.get(id);
  if (!item) throw new Error(`no limbo case ${id}`);
  return verifyChain([item.peer_certificate, ...item.untrusted_intermediates, ...item.trusted_certs].join('\n'), {
    trust: item.trusted_certs,
    publicTrust: false,
    offline: true,
    crls: item.crls ?? [],
    at: item.validation_time ? new Date(item.validation_time) : new Date(),
  });
}

const PATH_RULES: RuleId[] = [
  'path.ca',
  'path.key-cert-sign',
  'path.length',
  'path.name-constraints',
  'path.critical-extension',
  'path.key-identifier',
  'path.crl',
  'path.profile',
];

describe('path.* on a clean chain', () => {
  it('fires none of them', async () => {
    const { pem, root } = await cleanChain();
    const report = await verifyWith(pem, root.pem);
    expect(report.findings.filter((finding) => PATH_RULES.includes(finding.rule))).toEqual([]);
  });
});

describe.each<[RuleId, string, RegExp]>([
  ['path.ca', 'rfc5280::intermediate-ca-without-ca-bit', /is not a CA certificate \(basicConstraints cA is FALSE\)/],
  ['path.length', 'pathlen::intermediate-violates-pathlen-0', /allows at most 0 intermediate CA certificates below it/],
  ['path.name-constraints', 'rfc5280::nc::permitted-dns-mismatch', /outside the permitted subtrees/],
  ['path.name-constraints', 'rfc5280::nc::excluded-dn-match', /falls in the excluded subtree DirName:/],
  [
    'path.name-constraints',
    'rfc5280::nc::nc-forbids-othername',
    /constrains this kind of name, which cannot be checked/,
  ],
  ['path.name-constraints', 'rfc5280::nc::invalid-dnsname-leading-period', /is not a domain name/],
  ['path.name-constraints', 'pathological::nc-dos-1', /more than a TLS server checks/],
  [
    'path.critical-extension',
    'rfc5280::unknown-critical-extension-intermediate',
    /critical extension that a TLS server cannot process/,
  ],
  ['path.critical-extension', 'rfc5280::aki::critical-aki', /\(authorityKeyIdentifier, 2\.5\.29\.35\)/],
  [
    'path.key-identifier',
    'webpki::aki::root-with-aki-ski-mismatch',
    /does not match the subject key identifier of itself/,
  ],
  ['path.crl', 'crl::issuer-missing-crlsign', /does not allow signing CRLs \(no cRLSign\)/],
  ['path.crl', 'crl::crlnumber-missing', /has no CRL number/],
  ['path.crl', 'crl::crlnumber-critical', /marks its CRL number critical/],
  ['path.profile', 'rfc5280::aki::leaf-missing-aki', /has no authority key identifier/],
  ['path.profile', 'rfc5280::serial::zero', /has the serial number 0/],
])('%s on x509-limbo %s', (rule, id, message) => {
  it('fires with a message that names the certificate and what to ask the CA for', async () => {
    const report = await verifyLimbo(id);
    const fired = findings(report, rule);
    expect(fired.map((finding) => finding.message)).toContainEqual(expect.stringMatching(message));
    for (const finding of fired) {
      expect(finding.message).toMatch(/the \d+(st|nd|rd|th) certificate|"[^"]+" \(from the/);
      expect(finding.hint).toMatch(/CA|CRL/);
    }
    if (rule !== 'path.profile') expect(report.ok).toBe(false);
  });
});

describe('path.critical-extension on a real PSD2 precertificate from the corpus', () => {
  it('names the CT poison and says to take the issued certificate from the QTSP', async () => {
    const report = await verifyChain(
      readFileSync(new URL('../../../../shared/corpus/psd2/moneymonk-psp-ai.pem', import.meta.url)),
      {
        offline: true,
        at: new Date('2024-01-01T00:00:00Z'),
      },
    );
    const [finding] = findings(report, 'path.critical-extension');
    expect(finding?.message).toContain('(CT precertificate poison, 1.3.6.1.4.1.11129.2.4.3)');
    expect(finding?.hint).toContain('Certificate Transparency precertificate');
  });
});

describe('path.* on chains testing-pki builds', () => {
  it('path.key-cert-sign: an intermediate whose key usage lacks keyCertSign', async () => {
    const root = await createRoot();
    const intermediate = await root.issue({ ca: true, keyUsage: ['digitalSignature', 'cRLSign'] });
    const leaf = await intermediate.issue({ extendedKeyUsage: ['clientAuth'] });
    const report = await verifyWith([leaf.pem, intermediate.pem, root.pem].join(''), root.pem);
    expect(findings(report, 'path.key-cert-sign').map((finding) => finding.certificate)).toEqual([1]);
    expect(report.ok).toBe(false);
  });

  it('path.length: a CA below a pathLenConstraint of 0', async () => {
    const root = await createRoot();
    const top = await root.issue({ ca: { pathLength: 0 } });
    const below = await top.issue({ ca: true });
    const leaf = await below.issue({ extendedKeyUsage: ['clientAuth'] });
    const report = await verifyWith([leaf.pem, below.pem, top.pem, root.pem].join(''), root.pem);
    expect(findings(report, 'path.length').map((finding) => finding.certificate)).toEqual([2]);
  });

  it('path.critical-extension: an unknown critical extension on the leaf', async () => {
    const root = await createRoot();
    const leaf = await root.issue({
      extendedKeyUsage: ['clientAuth'],
      extensions: [{ oid: '1.3.6.1.4.1.55555.7', critical: true, der: new Uint8Array([0x05, 0x00]) }],
    });
    const report = await verifyWith([leaf.pem, root.pem].join(''), root.pem);
    const [finding] = findings(report, 'path.critical-extension');
    expect(finding?.certificate).toBe(0);
    expect(finding?.message).toContain('unknown extension 1.3.6.1.4.1.55555.7');
  });

  it('path.profile: a leaf without an authority key identifier is a warning, not a refusal', async () => {
    const root = await createRoot();
    const leaf = await root.issue({ extendedKeyUsage: ['clientAuth'], omitAuthorityKeyIdentifier: true });
    const report = await verifyWith([leaf.pem, root.pem].join(''), root.pem);
    expect(findings(report, 'path.profile').map((finding) => [finding.certificate, finding.severity])).toEqual([
      [0, 'warning'],
    ]);
    expect(report.ok).toBe(true);
  });
});
