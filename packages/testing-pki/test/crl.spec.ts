import { InvalidSpecError, createChain, generateKeyPair, x509 } from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

describe('CertificateAuthority.crl', () => {
  let scratch: Scratch;

  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  it('lists a revoked leaf whose CRL distribution point it carries; openssl rejects the leaf with the CRL', async () => {
    const crlUrl = 'http://127.0.0.1:9/issuing.crl';
    const { root, intermediates, leaf } = await createChain({ leaf: { crlDistributionPoints: [crlUrl] } });
    const issuing = intermediates[0];
    if (!issuing) throw new Error('unreachable');
    const other = await issuing.issue();
    const crl = await issuing.crl({ revoked: [leaf] });

    const leafText = (await openssl(['x509', '-in', await scratch.file('leaf.pem', leaf.pem), '-noout', '-text']))
      .stdout;
    expect(leafText).toContain(`URI:${crlUrl}`);

    const crlFile = await scratch.file('issuing.crl.pem', crl.pem);
    const crlText = (await openssl(['crl', '-in', crlFile, '-noout', '-text'])).stdout;
    expect(crlText).toContain(`Serial Number: ${leaf.serialNumber.toUpperCase()}`);
    expect(crlText).not.toContain(other.serialNumber.toUpperCase());

    const rootFile = await scratch.file('root.pem', root.pem);
    const issuingFile = await scratch.file('issuing.pem', issuing.pem);
    const verify = async (name: string, pem: string) =>
      openssl([
        'verify',
        '-crl_check',
        '-CRLfile',
        crlFile,
        '-CAfile',
        rootFile,
        '-untrusted',
        issuingFile,
        await scratch.file(name, pem),
      ]);
    const revoked = await verify('leaf.pem', leaf.pem);
    expect(revoked.code).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toContain('certificate revoked');
    const fine = await verify('other.pem', other.pem);
    expect(fine.code).toBe(0);
  });

  it('carries reasons, dates, CRL number and the issuer AKI; its signature verifies with the CA', async () => {
    const { root } = await createChain({ intermediates: 0 });
    const thisUpdate = new Date('2026-06-01T00:00:00Z');
    const crl = await root.crl({
      revoked: [{ serialNumber: '0a0b0c', date: new Date('2026-05-01T12:00:00Z'), reason: 'keyCompromise' }, 'ff01'],
      thisUpdate,
      nextUpdate: new Date('2026-06-08T00:00:00Z'),
      crlNumber: 42,
    });
    expect(crl.crl.thisUpdate).toEqual(thisUpdate);
    expect(crl.crl.nextUpdate).toEqual(new Date('2026-06-08T00:00:00Z'));
    expect(crl.crl.issuer).toBe(root.certificate.subject);
    expect(crl.crl.findRevoked('0a0b0c')?.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(crl.crl.findRevoked('0a0b0c')?.revocationDate).toEqual(new Date('2026-05-01T12:00:00Z'));
    expect(crl.crl.findRevoked('ff01')).not.toBeNull();
    expect(crl.crl.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(root.keyIdentifier);
    expect(await crl.crl.verify({ publicKey: root.certificate })).toBe(true);
    const text = (await openssl(['crl', '-in', await scratch.file('numbered.crl.pem', crl.pem), '-noout', '-text']))
      .stdout;
    expect(text).toMatch(/CRL Number:\s+42/);
    expect(text).toContain('Key Compromise');
    expect(text).toContain('Serial Number: FF01');
  });

  it('an empty CRL has no revokedCertificates; nextUpdate null leaves it out', async () => {
    const { root } = await createChain({ intermediates: 0 });
    const crl = await root.crl({ nextUpdate: null });
    expect(crl.crl.entries).toHaveLength(0);
    expect(crl.crl.nextUpdate).toBeUndefined();
    const text = (await openssl(['crl', '-in', await scratch.file('empty.crl.pem', crl.pem), '-noout', '-text']))
      .stdout;
    expect(text).toContain('No Revoked Certificates.');
  });

  it('signWith produces a CRL whose signature fails with the CA key; DER matches PEM', async () => {
    const { root } = await createChain({ intermediates: 0 });
    const crl = await root.crl({ signWith: await generateKeyPair() });
    expect(await crl.crl.verify({ publicKey: root.certificate })).toBe(false);
    expect(Buffer.from(crl.der).toString('base64')).toBe(crl.pem.replace(/-----[^-]+-----|\n/g, ''));
  });

  it('rejects an invalid serial number or CRL number', async () => {
    const { root } = await createChain({ intermediates: 0 });
    await expect(root.crl({ revoked: ['not-hex'] })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(root.crl({ crlNumber: -1 })).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
