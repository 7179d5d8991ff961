import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import {
  UnsupportedKeyError,
  cachedKeyPair,
  createRoot,
  generateKeyPair,
  keyPairFromPrivateKey,
  selfSigned,
  type KeySpec,
} from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

describe('keys', () => {
  let scratch: Scratch;

  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  it.each([
    [{ type: 'ec' }, 'ec', { namedCurve: 'prime256v1' }],
    [{ type: 'ec', curve: 'P-384' }, 'ec', { namedCurve: 'secp384r1' }],
    [{ type: 'ec', curve: 'P-521' }, 'ec', { namedCurve: 'secp521r1' }],
    [{ type: 'ec', curve: 'secp256k1' }, 'ec', { namedCurve: 'secp256k1' }],
    [{ type: 'rsa', bits: 1024 }, 'rsa', { modulusLength: 1024 }],
    [{ type: 'rsa' }, 'rsa', { modulusLength: 2048 }],
  ] as [KeySpec, string, Record<string, unknown>][])(
    '%j gives a certificate with that key',
    async (spec, type, details) => {
      const ca = await createRoot();
      const leaf = await ca.issue({ key: spec });
      const publicKey = new X509Certificate(leaf.der).publicKey;
      expect(publicKey.asymmetricKeyType).toBe(type);
      expect(publicKey.asymmetricKeyDetails).toMatchObject(details);
      expect(new X509Certificate(leaf.der).verify(new X509Certificate(ca.der).publicKey)).toBe(true);
      expect(createPublicKey(createPrivateKey(leaf.privateKeyPem)).export({ format: 'pem', type: 'spki' })).toBe(
        leaf.publicKeyPem,
      );
    },
  );

  it('secp256k1 and RSA 1024 certificates read as such in openssl', async () => {
    const k1 = await selfSigned({ key: { type: 'ec', curve: 'secp256k1' } });
    const weak = await selfSigned({ key: { type: 'rsa', bits: 1024 } });
    const k1Text = (await openssl(['x509', '-in', await scratch.file('k1.pem', k1.pem), '-noout', '-text'])).stdout;
    const weakText = (await openssl(['x509', '-in', await scratch.file('weak.pem', weak.pem), '-noout', '-text']))
      .stdout;
    expect(k1Text).toContain('ASN1 OID: secp256k1');
    expect(weakText).toContain('Public-Key: (1024 bit)');
  });

  it('a secp256k1 CA can sign (node:crypto signs where WebCrypto cannot)', async () => {
    const ca = await createRoot({ key: { type: 'ec', curve: 'secp256k1' } });
    const leaf = await ca.issue();
    expect(new X509Certificate(leaf.der).verify(new X509Certificate(ca.der).publicKey)).toBe(true);
  });

  it('cachedKeyPair returns the same key for the same (spec, index) and different keys otherwise', async () => {
    const a = await cachedKeyPair({ type: 'ec' }, 3);
    const b = await cachedKeyPair({ type: 'ec', curve: 'P-256' }, 3);
    const c = await cachedKeyPair({ type: 'ec' }, 4);
    expect(b).toBe(a);
    expect(c.publicKeyPem).not.toBe(a.publicKeyPem);
  });

  it('generateKeyPair makes a new key every call', async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    expect(a.publicKeyPem).not.toBe(b.publicKeyPem);
  });

  it('keyPairFromPrivateKey wraps a PEM key and reports its spec', async () => {
    const original = await generateKeyPair({ type: 'ec', curve: 'P-384' });
    const wrapped = keyPairFromPrivateKey(original.privateKeyPem);
    expect(wrapped.spec).toEqual({ type: 'ec', curve: 'P-384' });
    expect(wrapped.publicKeyPem).toBe(original.publicKeyPem);
  });

  it.each([[{ type: 'rsa', bits: 512 }], [{ type: 'ec', curve: 'P-192' }], [{ type: 'dsa' }]])(
    '%j is refused with TESTING_PKI_UNSUPPORTED_KEY',
    async (spec) => {
      const attempt = generateKeyPair(spec as unknown as KeySpec);
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedKeyError);
      await expect(attempt).rejects.toMatchObject({ code: 'TESTING_PKI_UNSUPPORTED_KEY' });
    },
  );

  it('an Ed25519 key is refused as a signing key, without echoing it', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const ed = generateKeyPairSync('ed25519');
    const pem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ca = await createRoot();
    const attempt = ca.issue({ signWith: ed.privateKey });
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedKeyError);
    await expect(attempt).rejects.toThrow(/ed25519/);
    await expect(attempt).rejects.not.toThrow(pem.split('\n')[1] ?? 'never');
  });
});
