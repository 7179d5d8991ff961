import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { letsEncryptHierarchy, toPem, x509, type LetsEncryptHierarchy } from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/corpus');

async function corpusCertificate(name: string): Promise<x509.X509Certificate> {
  return new x509.X509Certificate(await readFile(join(corpus, 'lets-encrypt', name), 'utf8'));
}

function extensionTypes(certificate: x509.X509Certificate): string[] {
  return certificate.extensions.map((extension) => extension.type).sort();
}

describe('letsEncryptHierarchy', () => {
  let le: LetsEncryptHierarchy;
  let scratch: Scratch;

  beforeAll(async () => {
    le = await letsEncryptHierarchy();
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  it("names the certificates as Let's Encrypt does", () => {
    expect(le.chain.map((certificate) => certificate.subject)).toEqual([
      'CN=le.testing-pki.test',
      "C=US, O=Let's Encrypt, CN=R10",
      'C=US, O=Internet Security Research Group, CN=ISRG Root X1',
    ]);
    expect(le.e5.subject).toBe("C=US, O=Let's Encrypt, CN=E5");
    expect(le.genY.chain.map((certificate) => certificate.subject)).toEqual([
      'CN=le.testing-pki.test',
      "C=US, O=Let's Encrypt, CN=YR1",
      'C=US, O=ISRG, CN=Root YR',
    ]);
    expect(le.staging.root.subject).toBe(
      'C=US, O=(STAGING) Internet Security Research Group, CN=(STAGING) Pretend Pear X1',
    );
    expect(le.staging.intermediate.subject).toBe(
      "C=US, O=(STAGING) Let's Encrypt, CN=(STAGING) Counterfeit Cashew R10",
    );
  });

  it('subjects and issuers are byte-for-byte what openssl prints for the real certificates', async () => {
    for (const [generated, file] of [
      [le.isrgRootX1, 'isrg-root-x1.pem'],
      [le.r10, 'r10.pem'],
      [le.genY.rootYR, 'root-yr.pem'],
      [le.genY.rootYRCrossSigned, 'root-yr-by-isrg-x1.pem'],
      [le.genY.yr1, 'yr1.pem'],
    ] as const) {
      const real = new X509Certificate(await readFile(join(corpus, 'lets-encrypt', file)));
      expect(new X509Certificate(generated.der).subject).toBe(real.subject);
      expect(new X509Certificate(generated.der).issuer).toBe(real.issuer);
    }
  });

  it('carries the same extensions as the real R10, YR1 and cross-signed Root YR, with the same EKUs', async () => {
    for (const [generated, file] of [
      [le.r10, 'r10.pem'],
      [le.genY.yr1, 'yr1.pem'],
      [le.genY.rootYRCrossSigned, 'root-yr-by-isrg-x1.pem'],
    ] as const) {
      const real = await corpusCertificate(file);
      expect(extensionTypes(generated.certificate)).toEqual(extensionTypes(real));
      expect(generated.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages.slice().sort()).toEqual(
        real.getExtension(x509.ExtendedKeyUsageExtension)?.usages.slice().sort(),
      );
    }
    expect(le.genY.yr1.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('the cross-signed Root YR shares the self-signed Root YR key, and YR1 verifies under either', () => {
    expect(le.genY.rootYRCrossSigned.publicKeyPem).toBe(le.genY.rootYR.publicKeyPem);
    const yr1 = new X509Certificate(le.genY.yr1.der);
    expect(yr1.verify(new X509Certificate(le.genY.rootYRCrossSigned.der).publicKey)).toBe(true);
    expect(
      new X509Certificate(le.genY.rootYRCrossSigned.der).verify(new X509Certificate(le.isrgRootX1.der).publicKey),
    ).toBe(true);
  });

  it('each chain verifies with openssl; leaves are 90-day serverAuth-only DV certificates', async () => {
    for (const { chain } of [le, le.genY, le.staging]) {
      const [leaf, intermediate, root] = chain;
      if (!leaf || !intermediate || !root) throw new Error('chain of three expected');
      const result = await openssl([
        'verify',
        '-CAfile',
        await scratch.file('le-root.pem', root.pem),
        '-untrusted',
        await scratch.file('le-int.pem', toPem([intermediate])),
        await scratch.file('le-leaf.pem', leaf.pem),
      ]);
      expect(result.code).toBe(0);
      expect(leaf.notAfter.getTime() - leaf.notBefore.getTime()).toBe(90 * 24 * 60 * 60 * 1000);
      expect(leaf.certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(leaf.certificate.getExtension(x509.CertificatePolicyExtension)?.policies).toEqual(['2.23.140.1.2.1']);
    }
  });

  it('uses the key type asked for', async () => {
    const rsa = await letsEncryptHierarchy({ key: { type: 'rsa', bits: 2048 }, dnsName: 'rsa.test' });
    expect(new X509Certificate(rsa.r10.der).publicKey.asymmetricKeyType).toBe('rsa');
    expect(rsa.leaf.subject).toBe('CN=rsa.test');
  });
});
