import { KeyObject, X509Certificate, generateKeyPairSync, webcrypto } from 'node:crypto';
import {
  InvalidSpecError,
  createChain,
  createRoot,
  generateKeyPair,
  isCertificateAuthority,
  toPem,
} from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

function node(certificate: { der: Uint8Array }): X509Certificate {
  return new X509Certificate(certificate.der);
}

describe('createChain', () => {
  let scratch: Scratch;

  beforeAll(async () => {
    scratch = await scratchDir();
  });
  afterAll(() => scratch.dispose());

  async function opensslVerify(root: string, untrusted: string, leaf: string) {
    const rootFile = await scratch.file('root.pem', root);
    const untrustedFile = await scratch.file('untrusted.pem', untrusted);
    const leafFile = await scratch.file('leaf.pem', leaf);
    return openssl(['verify', '-CAfile', rootFile, '-untrusted', untrustedFile, leafFile]);
  }

  it('default chain: leaf -> one intermediate -> root, verified by openssl', async () => {
    const { root, intermediates, leaf, chain, pem } = await createChain();
    expect(intermediates).toHaveLength(1);
    expect(chain).toEqual([leaf, intermediates[0], root]);
    expect(pem).toBe(leaf.pem + intermediates[0]?.pem + root.pem);
    const result = await opensslVerify(root.pem, intermediates[0]?.pem ?? '', leaf.pem);
    expect(result.stdout).toContain(': OK');
    expect(result.code).toBe(0);
  });

  it('every certificate in a chain has its own key and is issued by the next one', async () => {
    const { chain } = await createChain({ intermediates: 3 });
    expect(new Set(chain.map((certificate) => certificate.publicKeyPem)).size).toBe(5);
    chain.slice(0, -1).forEach((certificate, index) => {
      const issuer = chain[index + 1];
      if (!issuer) throw new Error('unreachable');
      expect(node(certificate).checkIssued(node(issuer))).toBe(true);
      expect(node(certificate).verify(node(issuer).publicKey)).toBe(true);
      expect(certificate.issuer).toBe(issuer);
    });
  });

  it('two default chains do not share names, so one cannot pass as issued by the other', async () => {
    const first = await createChain();
    const second = await createChain();
    expect(first.root.subject).not.toBe(second.root.subject);
    expect(first.intermediates[0]?.subject).not.toBe(second.intermediates[0]?.subject);
    expect(node(first.leaf).checkIssued(node(second.intermediates[0] ?? second.root))).toBe(false);
  });

  it('several intermediates verify with openssl; intermediates[0] issued the leaf', async () => {
    const { root, intermediates, leaf } = await createChain({ intermediates: 2 });
    expect(leaf.issuer).toBe(intermediates[0]);
    expect(intermediates[0]?.issuer).toBe(intermediates[1]);
    expect(intermediates[1]?.issuer).toBe(root);
    const result = await opensslVerify(root.pem, toPem(intermediates), leaf.pem);
    expect(result.code).toBe(0);
  });

  it('default validities nest: no certificate outlives its issuer', async () => {
    const { root, chain } = await createChain({ intermediates: 2, root: { validity: { days: 100 } } });
    expect(chain[0]?.notAfter).toEqual(root.notAfter);
    chain.slice(0, -1).forEach((certificate, index) => {
      expect(certificate.notAfter.getTime()).toBeLessThanOrEqual(chain[index + 1]?.notAfter.getTime() ?? 0);
    });
  });

  it('no intermediates: the root issues the leaf', async () => {
    const { root, leaf, chain } = await createChain({ intermediates: 0 });
    expect(chain).toEqual([leaf, root]);
    expect(node(leaf).checkIssued(node(root))).toBe(true);
  });

  it('per-level specs reach their certificates', async () => {
    const { root, intermediates, leaf } = await createChain({
      intermediates: 2,
      root: { subject: { commonName: 'Chain Root' } },
      intermediate: { extendedKeyUsage: ['serverAuth'] },
      intermediateSpecs: [
        { subject: { commonName: 'Issuing CA' }, ca: { pathLength: 0 } },
        { subject: { commonName: 'Policy CA' } },
      ],
      leaf: { subject: { commonName: 'chain-leaf.test' }, key: { type: 'rsa', bits: 2048 } },
    });
    expect(root.subject).toBe('CN=Chain Root');
    expect(intermediates.map((ca) => ca.subject)).toEqual(['CN=Issuing CA', 'CN=Policy CA']);
    expect(intermediates.map((ca) => node(ca).keyUsage)).toEqual([['1.3.6.1.5.5.7.3.1'], ['1.3.6.1.5.5.7.3.1']]);
    expect(leaf.keys.spec).toEqual({ type: 'rsa', bits: 2048 });
    expect(node(leaf).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('toPem keeps the order given, for reversed, missing and duplicated chains', async () => {
    const { root, intermediates, leaf } = await createChain();
    const intermediate = intermediates[0];
    if (!intermediate) throw new Error('unreachable');
    const blocks = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
    expect(toPem([root, intermediate, leaf]).indexOf(root.pem)).toBe(0);
    expect(blocks(toPem([leaf, root]))).toBe(2);
    expect(blocks(toPem([leaf, intermediate, intermediate, root]))).toBe(4);
    const missing = await opensslVerify(root.pem, '', leaf.pem);
    expect(missing.code).not.toBe(0);
  });

  it('signWith forges a link: same issuer name and AKI, but the signature fails verification', async () => {
    const { root, intermediates } = await createChain();
    const intermediate = intermediates[0];
    if (!intermediate) throw new Error('unreachable');
    const impostor = await generateKeyPair();
    const forged = await intermediate.issue({ signWith: impostor.privateKey });
    expect(forged.issuerName).toBe(intermediate.subject);
    expect(forged.certificate.issuer).toBe(intermediate.certificate.subject);
    expect(node(forged).verify(node(intermediate).publicKey)).toBe(false);
    expect(node(forged).verify(impostor.publicKey)).toBe(true);
    const result = await opensslVerify(root.pem, intermediate.pem, forged.pem);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/signature failure/);
  });

  it('signWith accepts a KeyPair, a node KeyObject and a WebCrypto CryptoKey', async () => {
    const ca = await createRoot();
    const other = await generateKeyPair();
    const nodeKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const webKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const byPair = await ca.issue({ signWith: other });
    const byKeyObject = await ca.issue({ signWith: nodeKey.privateKey });
    const byCryptoKey = await ca.issue({ signWith: webKeys.privateKey });
    expect(node(byPair).verify(other.publicKey)).toBe(true);
    expect(node(byKeyObject).verify(nodeKey.publicKey)).toBe(true);
    expect(node(byCryptoKey).verify(KeyObject.from(webKeys.publicKey))).toBe(true);
    for (const forged of [byPair, byKeyObject, byCryptoKey]) {
      expect(node(forged).verify(node(ca).publicKey)).toBe(false);
    }
  });

  it('issue returns a CertificateAuthority for CAs only', async () => {
    const root = await createRoot();
    const sub = await root.issue({ ca: true });
    const leaf = await root.issue();
    expect(isCertificateAuthority(sub)).toBe(true);
    expect(isCertificateAuthority(leaf)).toBe(false);
    expect(typeof sub.issue).toBe('function');
  });

  it('rejects a negative intermediate count, an intermediate with ca: false and a root with ca: false', async () => {
    await expect(createChain({ intermediates: -1 })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(createChain({ intermediate: { ca: false } })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(createRoot({ ca: false })).rejects.toBeInstanceOf(InvalidSpecError);
  });
});
