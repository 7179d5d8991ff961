// eku.*, leaf.key-usage, key.*, signature.algorithm, leaf.validation-level and env.* rules.
import { createChain, createRoot, DV_POLICY, EV_POLICY, OV_POLICY } from '@connectpay-kit/testing-pki';
import { CertsError, verifyChain } from '@connectpay-kit/certs';
import { cleanChain, findings, toPem, verifyWith } from './support/pki.js';

describe('eku.client-auth', () => {
  it('fires for a serverAuth-only leaf and explains what to order instead', async () => {
    const { intermediates, root } = await cleanChain();
    const serverOnly = await intermediates[0]!.issue({ extendedKeyUsage: ['serverAuth'] });
    const report = await verifyWith(toPem([serverOnly, intermediates[0]!, root]), root.pem);
    const [finding] = findings(report, 'eku.client-auth');
    expect(finding?.certificate).toBe(0);
    expect(finding?.message).toMatch(/serverAuth \(no clientAuth\)/);
    expect(finding?.message).toMatch(/since May 2026 public CAs issue SSL\/TLS certificates for serverAuth only/);
    // The same story as ca.public-trust: a client-authentication root ConnectPay agreed to, checked with --trust.
    expect(finding?.hint).toMatch(/^order a client-authentication \(mTLS\) certificate, not an SSL certificate/);
    expect(finding?.hint).toMatch(
      /ask ConnectPay \(dev-support@connectpay\.com\) to accept that root before you order/,
    );
    expect(finding?.hint).toMatch(/--trust ROOT\.pem/);
    expect(finding?.hint).toMatch(/eIDAS QWAC/);
  });

  it('fires for an intermediate whose EKU extension lacks clientAuth', async () => {
    const chain = await createChain({ intermediate: { extendedKeyUsage: ['serverAuth'] } });
    const report = await verifyWith(chain.pem, chain.root.pem);
    expect(findings(report, 'eku.client-auth').map((finding) => finding.certificate)).toEqual([1]);
  });

  it('does not fire for a clientAuth leaf, nor for a leaf without EKU (any purpose)', async () => {
    const { pem, intermediates, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'eku.client-auth')).toEqual([]);
    const anyPurpose = await intermediates[0]!.issue({ extendedKeyUsage: null });
    expect(
      findings(await verifyWith(toPem([anyPurpose, intermediates[0]!, root]), root.pem), 'eku.client-auth'),
    ).toEqual([]);
  });
});

describe('leaf.key-usage', () => {
  it('fires when key usage lacks digitalSignature', async () => {
    const { intermediates, root } = await cleanChain();
    const leaf = await intermediates[0]!.issue({ key: { type: 'rsa', bits: 2048 }, keyUsage: ['keyEncipherment'] });
    const report = await verifyWith(toPem([leaf, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'leaf.key-usage')[0]?.message).toMatch(/keyEncipherment without digitalSignature/);
  });

  it('does not fire with digitalSignature', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'leaf.key-usage')).toEqual([]);
  });
});

describe('key.strength', () => {
  it('fires for RSA 1024 and for secp256k1', async () => {
    const { intermediates, root } = await cleanChain();
    const weak = await intermediates[0]!.issue({ key: { type: 'rsa', bits: 1024 } });
    const weakReport = await verifyWith(toPem([weak, intermediates[0]!, root]), root.pem);
    expect(findings(weakReport, 'key.strength')[0]?.message).toMatch(/RSA key of 1024 bits/);

    const koblitz = await intermediates[0]!.issue({ key: { type: 'ec', curve: 'secp256k1' } });
    const curveReport = await verifyWith(toPem([koblitz, intermediates[0]!, root]), root.pem);
    expect(findings(curveReport, 'key.strength')[0]?.message).toMatch(/EC key on secp256k1/);
  });

  it('does not fire for EC P-256 and RSA 2048', async () => {
    const { pem, intermediates, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'key.strength')).toEqual([]);
    const rsa = await intermediates[0]!.issue({ key: { type: 'rsa', bits: 2048 } });
    expect(findings(await verifyWith(toPem([rsa, intermediates[0]!, root]), root.pem), 'key.strength')).toEqual([]);
  });
});

describe('signature.algorithm', () => {
  it('fires for a SHA-1 signed leaf', async () => {
    const { intermediates, root } = await cleanChain();
    const sha1 = await intermediates[0]!.issue({ signatureHash: 'SHA-1' });
    const report = await verifyWith(toPem([sha1, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'signature.algorithm').map((finding) => finding.certificate)).toEqual([0]);
    expect(findings(report, 'signature.algorithm')[0]?.message).toMatch(/ecdsa-with-SHA1/);
  });

  it("does not fire for SHA-256, nor for a root's SHA-1 self-signature", async () => {
    const root = await createRoot({ signatureHash: 'SHA-1' });
    const intermediate = await root.issue({ ca: true });
    const leaf = await intermediate.issue();
    const report = await verifyWith(toPem([leaf, intermediate, root]), root.pem);
    expect(findings(report, 'signature.algorithm')).toEqual([]);
  });
});

describe('key.mismatch', () => {
  it("fires when the private key is another certificate's", async () => {
    const { pem, root, intermediates } = await cleanChain();
    const report = await verifyWith(pem, root.pem, { privateKeyPem: intermediates[0]!.privateKeyPem });
    expect(findings(report, 'key.mismatch').map((finding) => finding.certificate)).toEqual([0]);
  });

  it("does not fire for the leaf's own key", async () => {
    const { pem, leaf, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem, { privateKeyPem: leaf.privateKeyPem }), 'key.mismatch')).toEqual(
      [],
    );
  });

  it('rejects an unreadable key with a CertsError that does not echo it', async () => {
    const { pem, leaf } = await cleanChain();
    const broken = leaf.privateKeyPem.replace(/[A-Za-z]{10}/, 'xxxxxxxxxx!');
    const error = await verifyChain(pem, { offline: true, privateKeyPem: broken }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CertsError);
    expect((error as CertsError).code).toBe('CERTS_UNREADABLE_PRIVATE_KEY');
    expect((error as CertsError).message).not.toContain(broken.split('\n')[1] ?? 'unreachable');
  });
});

describe('leaf.validation-level', () => {
  it.each([
    [DV_POLICY, /is DV .*as ConnectPay recommends/],
    [OV_POLICY, /is OV/],
    [EV_POLICY, /is EV/],
  ])('reports policy %s as info', async (policy, expected) => {
    const { intermediates, root } = await cleanChain();
    const leaf = await intermediates[0]!.issue({ policies: [policy] });
    const [finding] = findings(
      await verifyWith(toPem([leaf, intermediates[0]!, root]), root.pem),
      'leaf.validation-level',
    );
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toMatch(expected);
  });

  it('says nothing without a CA/Browser Forum policy', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'leaf.validation-level')).toEqual([]);
  });
});

describe('env.shared-cert and env.shared-key', () => {
  it('env.shared-cert fires when the other environment uses the same leaf', async () => {
    const { pem, root } = await cleanChain();
    const report = await verifyWith(pem, root.pem, { compare: pem });
    expect(findings(report, 'env.shared-cert')).toHaveLength(1);
    expect(findings(report, 'env.shared-key')).toEqual([]);
  });

  it('env.shared-key fires for two certificates on one key pair', async () => {
    const { pem, leaf, intermediates, root } = await cleanChain();
    const sameKey = await intermediates[0]!.issue({ key: leaf.keys });
    const report = await verifyWith(pem, root.pem, { compare: toPem([sameKey, intermediates[0]!, root]) });
    expect(findings(report, 'env.shared-key')).toHaveLength(1);
    expect(findings(report, 'env.shared-cert')).toEqual([]);
  });

  it('neither fires for separate certificates and keys', async () => {
    const { pem, root } = await cleanChain();
    const other = await createChain();
    const report = await verifyWith(pem, root.pem, { compare: other.pem });
    expect([...findings(report, 'env.shared-cert'), ...findings(report, 'env.shared-key')]).toEqual([]);
  });
});
