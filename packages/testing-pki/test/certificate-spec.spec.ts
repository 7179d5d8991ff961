import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import {
  DV_POLICY,
  EV_POLICY,
  InvalidSpecError,
  createRoot,
  selfSigned,
  x509,
  type CertificateAuthority,
} from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function node(certificate: { der: Uint8Array }): X509Certificate {
  return new X509Certificate(certificate.der);
}

describe('certificate spec options', () => {
  let ca: CertificateAuthority;
  let scratch: Scratch;

  beforeAll(async () => {
    ca = await createRoot({ subject: 'C=LT, O=Spec Tests, CN=Spec Root' });
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  it('defaults: a CA root and an end-entity leaf it issued, with distinct keys', async () => {
    const leaf = await ca.issue();
    expect(node(ca).ca).toBe(true);
    expect(node(leaf).ca).toBe(false);
    expect(node(leaf).checkIssued(node(ca))).toBe(true);
    expect(node(leaf).verify(node(ca).publicKey)).toBe(true);
    expect(leaf.publicKeyPem).not.toBe(ca.publicKeyPem);
    expect(node(leaf).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(leaf.issuer).toBe(ca);
    expect(leaf.issuerName).toBe(ca.subject);
  });

  it('a string subject is encoded in the order written; an object subject in C..CN order with organizationIdentifier', async () => {
    const fromString = await ca.issue({ subject: 'CN=Leaf, O=Acme, C=LT' });
    expect(node(fromString).subject).toBe('CN=Leaf\nO=Acme\nC=LT');
    const fromObject = await ca.issue({
      subject: {
        commonName: 'tpp.test',
        organization: 'TPP B.V.',
        country: 'NL',
        organizationIdentifier: 'PSDNL-DNB-123456',
      },
    });
    const path = await scratch.file('subject.pem', fromObject.pem);
    const text = await openssl(['x509', '-in', path, '-noout', '-subject']);
    expect(text.stdout.trim()).toBe(
      'subject=C = NL, organizationIdentifier = PSDNL-DNB-123456, O = TPP B.V., CN = tpp.test',
    );
    expect(fromObject.subject).toBe('C=NL, organizationIdentifier=PSDNL-DNB-123456, O=TPP B.V., CN=tpp.test');
  });

  it('validity by days starting in the past gives an expired certificate', async () => {
    const expired = await ca.issue({ validity: { days: 30, startsInDays: -60 } });
    const validTo = new Date(node(expired).validTo).getTime();
    expect(validTo).toBeLessThan(Date.now() - 29 * DAY_MS);
    expect(validTo - new Date(node(expired).validFrom).getTime()).toBe(30 * DAY_MS);
  });

  it('validity by explicit dates is kept to the second', async () => {
    const notBefore = new Date('2031-01-02T03:04:05Z');
    const notAfter = new Date('2031-02-01T00:00:00Z');
    const future = await ca.issue({ validity: { notBefore, notAfter } });
    expect(new Date(node(future).validFrom)).toEqual(notBefore);
    expect(new Date(node(future).validTo)).toEqual(notAfter);
    expect(future.notBefore).toEqual(notBefore);
  });

  it('dates after 2049 are encoded as GeneralizedTime and still read back', async () => {
    const late = await ca.issue({
      validity: { notBefore: new Date('2060-01-01T00:00:00Z'), notAfter: new Date('2061-01-01T00:00:00Z') },
    });
    expect(new Date(node(late).validTo)).toEqual(new Date('2061-01-01T00:00:00Z'));
  });

  it('default validity: from a day ago, one year for leaves and ten years for CAs', async () => {
    const leaf = await ca.issue();
    const lifetime = leaf.notAfter.getTime() - leaf.notBefore.getTime();
    expect(lifetime).toBe(365 * DAY_MS);
    expect(Math.abs(leaf.notBefore.getTime() - (Date.now() - DAY_MS))).toBeLessThan(60_000);
    expect(ca.notAfter.getTime() - ca.notBefore.getTime()).toBe(3650 * DAY_MS);
  });

  it('ca with pathLength, keyUsage and EKU are encoded as asked', async () => {
    const sub = await ca.issue({ ca: { pathLength: 0 }, extendedKeyUsage: ['serverAuth'] });
    const constraints = sub.certificate.getExtension(x509.BasicConstraintsExtension);
    expect(constraints?.ca).toBe(true);
    expect(constraints?.pathLength).toBe(0);
    expect(constraints?.critical).toBe(true);
    expect(sub.certificate.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    expect(node(sub).keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);

    const noDigitalSignature = await ca.issue({
      keyUsage: ['keyEncipherment'],
      extendedKeyUsage: ['clientAuth', '1.2.3.4'],
    });
    expect(noDigitalSignature.certificate.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyEncipherment,
    );
    expect(node(noDigitalSignature).keyUsage).toEqual(['1.3.6.1.5.5.7.3.2', '1.2.3.4']);
  });

  it('null omits keyUsage and EKU; RSA leaves default to digitalSignature + keyEncipherment', async () => {
    const bare = await ca.issue({ keyUsage: null, extendedKeyUsage: null });
    expect(bare.certificate.getExtension(x509.KeyUsagesExtension)).toBeNull();
    expect(bare.certificate.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
    const rsa = await ca.issue({ key: { type: 'rsa', bits: 2048 } });
    expect(rsa.certificate.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
    );
  });

  it('subjectAltNames, policies, CRL DP, OCSP and CA issuers show in openssl -text', async () => {
    const leaf = await ca.issue({
      subjectAltNames: {
        dns: ['localhost', 'api.test'],
        ip: ['127.0.0.1', '::1'],
        email: ['ops@acme.test'],
        uri: ['https://acme.test/id'],
      },
      policies: [DV_POLICY, EV_POLICY],
      crlDistributionPoints: ['http://127.0.0.1:8080/ca.crl'],
      ocspUrls: ['http://127.0.0.1:8080/ocsp'],
      caIssuersUrls: ['http://127.0.0.1:8080/ca.cer'],
    });
    expect(node(leaf).subjectAltName).toBe(
      'DNS:localhost, DNS:api.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, email:ops@acme.test, URI:https://acme.test/id',
    );
    expect(node(leaf).checkHost('api.test')).toBe('api.test');
    expect(node(leaf).checkIP('::1')).toBe('::1');
    const text = (await openssl(['x509', '-in', await scratch.file('ext.pem', leaf.pem), '-noout', '-text'])).stdout;
    expect(text).toContain('Policy: 2.23.140.1.2.1');
    expect(text).toContain('Policy: 2.23.140.1.1');
    expect(text).toMatch(/CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127\.0\.0\.1:8080\/ca\.crl/);
    expect(text).toContain('OCSP - URI:http://127.0.0.1:8080/ocsp');
    expect(text).toContain('CA Issuers - URI:http://127.0.0.1:8080/ca.cer');
  });

  it('SKI is the SHA-1 key identifier and the AKI names the issuer; both can be omitted', async () => {
    const leaf = await ca.issue();
    expect(leaf.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe(leaf.keyIdentifier);
    expect(leaf.certificate.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ca.keyIdentifier);
    expect(ca.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toBe(ca.keyIdentifier);
    const bare = await ca.issue({ omitAuthorityKeyIdentifier: true, omitSubjectKeyIdentifier: true });
    expect(bare.certificate.getExtension(x509.SubjectKeyIdentifierExtension)).toBeNull();
    expect(bare.certificate.getExtension(x509.AuthorityKeyIdentifierExtension)).toBeNull();
    expect(node(bare).checkIssued(node(ca))).toBe(true);
  });

  it('serial numbers: given hex kept (with a sign byte when needed), default random, positive and 16 bytes', async () => {
    const given = await ca.issue({ serialNumber: '8f00ab' });
    expect(given.serialNumber).toBe('8f00ab');
    expect(node(given).serialNumber).toBe('8F00AB');
    const leadingZeros = await ca.issue({ serialNumber: '000102' });
    expect(leadingZeros.serialNumber).toBe('0102');
    const random = [await ca.issue(), await ca.issue()];
    expect(random[0]?.serialNumber).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(random[0]?.serialNumber).not.toBe(random[1]?.serialNumber);
  });

  it('signatureHash SHA-1 and SHA-384 sign as named; SHA-1 still verifies with node:crypto', async () => {
    const sha1 = await ca.issue({ signatureHash: 'SHA-1' });
    expect(sha1.certificate.signatureAlgorithm.hash.name).toBe('SHA-1');
    expect(node(sha1).verify(node(ca).publicKey)).toBe(true);
    const text = (await openssl(['x509', '-in', await scratch.file('sha1.pem', sha1.pem), '-noout', '-text'])).stdout;
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA1');
    const sha384 = await ca.issue({ signatureHash: 'SHA-384' });
    expect(sha384.certificate.signatureAlgorithm.hash.name).toBe('SHA-384');
    const rsaRoot = await createRoot({ key: { type: 'rsa', bits: 2048 } });
    const rsaSha1 = await rsaRoot.issue({ signatureHash: 'SHA-1' });
    const rsaText = (await openssl(['x509', '-in', await scratch.file('rsa-sha1.pem', rsaSha1.pem), '-noout', '-text']))
      .stdout;
    expect(rsaText).toContain('Signature Algorithm: sha1WithRSAEncryption');
    expect(node(rsaSha1).verify(node(rsaRoot).publicKey)).toBe(true);
  });

  it('custom extensions are appended verbatim', async () => {
    const der = Uint8Array.of(0x0c, 0x02, 0x68, 0x69); // UTF8String "hi"
    const leaf = await ca.issue({ extensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, der }] });
    const extension = leaf.certificate.getExtension('1.3.6.1.4.1.99999.1');
    expect(new Uint8Array(extension?.value ?? new ArrayBuffer(0))).toEqual(der);
  });

  it('selfSigned makes a self-issued end entity whose signature verifies with its own key', async () => {
    const alone = await selfSigned({ subject: { commonName: 'alone.test' } });
    expect(node(alone).ca).toBe(false);
    // checkIssued would refuse it: OpenSSL wants keyCertSign on an issuer, which an end entity lacks.
    expect(node(alone).issuer).toBe(node(alone).subject);
    expect(node(alone).verify(node(alone).publicKey)).toBe(true);
    expect(alone.issuer).toBeUndefined();
    expect(alone.issuerName).toBe(alone.subject);
  });

  it('a key pair passed on purpose is shared; the private key PEM matches the certificate', async () => {
    const first = await ca.issue();
    const second = await ca.issue({ key: first.keys });
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(node(second).checkPrivateKey(first.keys.privateKey)).toBe(true);
    expect(first.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}\n/);
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('logging or serialising a certificate never shows its private key', async () => {
    const leaf = await ca.issue({ subject: { commonName: 'logged.test' } });
    const keyLine = leaf.privateKeyPem.split('\n')[1] ?? 'unreachable';
    for (const shown of [JSON.stringify(leaf), inspect(leaf), inspect({ nested: [leaf] }, { depth: 5 })]) {
      expect(shown).toContain('logged.test');
      expect(shown).not.toContain(keyLine);
      expect(shown).not.toContain('PRIVATE KEY');
    }
  });

  it.each([
    [{ subject: 'no equals sign' }, /Subject/],
    [{ serialNumber: 'xyz' }, /serialNumber/],
    [{ serialNumber: '00' }, /positive/],
    [{ keyUsage: [] }, /null to leave/],
    [{ extendedKeyUsage: ['anyPurpose?'] }, /Unknown extended key usage/],
    [{ validity: { days: 0 } }, /positive number of days/],
    [{ validity: { notBefore: new Date('nope') } }, /notBefore is not a valid Date/],
    [{ signatureHash: 'MD5' as const }, /cannot be used with an EC key/],
    [{ qcStatements: {} }, /lists no statement/],
  ])('rejects %j with InvalidSpecError', async (spec, message) => {
    const attempt = ca.issue(spec);
    await expect(attempt).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(attempt).rejects.toMatchObject({
      code: 'TESTING_PKI_INVALID_SPEC',
      message: expect.stringMatching(message),
    });
  });
});
