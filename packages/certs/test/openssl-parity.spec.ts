// The engine reads certificates and checks signatures without node:crypto's X509Certificate (which also
// decodes every key: the largest cost of a 1,000-chain run). These tests hold it to OpenSSL's answers:
// a certificate OpenSSL (a TLS server's d2i_X509) cannot read is reported unreadable, and a signature
// verifies exactly when X509Certificate.verify says so.
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { createChain, toPem, type GeneratedChain } from '@connectpay-kit/testing-pki';
import { Certificate, parseChainFile, verifyChain } from '@connectpay-kit/certs';
import { CORPUS_DIR } from './corpus.js';

const LIMBO = new URL('../../../../shared/conformance/x509-limbo/limbo.json.gz', import.meta.url);

function pemBlocks(text: string): Buffer[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((match) =>
    Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64'),
  );
}

/**
 * The certificates of the shared corpus and of the x509-limbo suite, as DER, in the groups they come in:
 * a corpus file, Let's Encrypt's hierarchy, one limbo case.
 */
function referenceGroups(): Buffer[][] {
  const groups: Buffer[][] = [];
  const folder = (name: string): Buffer[][] =>
    readdirSync(`${CORPUS_DIR}${name}`)
      .filter((file) => file.endsWith('.pem'))
      .map((file) => pemBlocks(readFileSync(`${CORPUS_DIR}${name}/${file}`, 'latin1')));
  groups.push(...folder('chains'), ...folder('psd2'), ...folder('pool'), folder('lets-encrypt').flat());
  const limbo = JSON.parse(gunzipSync(readFileSync(LIMBO)).toString('utf8')) as {
    testcases: { peer_certificate: string; untrusted_intermediates: string[]; trusted_certs: string[] }[];
  };
  for (const limboCase of limbo.testcases) {
    groups.push(
      [limboCase.peer_certificate, ...limboCase.untrusted_intermediates, ...limboCase.trusted_certs].flatMap(pemBlocks),
    );
  }
  return groups;
}

function toPemBlock(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
}

function opensslReads(der: Uint8Array): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/** True when cert-check reads the block as a certificate (no unreadable-certificate problem). */
function certCheckReads(der: Uint8Array): boolean {
  const parsed = parseChainFile(toPemBlock(der));
  return parsed.certificates.length === 1 && parsed.problems.length === 0;
}

/** Identifier and length octets of the TLV at `offset`: where its content starts and how long it is. */
function tlvAt(bytes: Uint8Array, offset: number): { content: number; length: number } {
  const first = bytes[offset + 1] as number;
  if (first < 0x80) return { content: offset + 2, length: first };
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (bytes[offset + 2 + i] as number);
  return { content: offset + 2 + (first & 0x7f), length };
}

/** Offset of the tbsCertificate's first field (the [0] version tag). */
function tbsStart(der: Buffer): number {
  const outer = tlvAt(der, 0);
  return tlvAt(der, outer.content).content;
}

/** Offset of the signature BIT STRING's unused-bits octet. */
function signatureStart(der: Buffer): number {
  const outer = tlvAt(der, 0);
  const tbs = tlvAt(der, outer.content);
  const algorithm = tlvAt(der, tbs.content + tbs.length);
  return tlvAt(der, algorithm.content + algorithm.length).content;
}

let chain: GeneratedChain;
let groups: Buffer[][];
let references: Buffer[];

beforeAll(async () => {
  chain = await createChain({ leaf: { subject: { commonName: 'parity-leaf.example' } } });
  groups = referenceGroups();
  references = [...new Map(groups.flat().map((der) => [der.toString('base64'), der])).values()];
});

describe('a certificate OpenSSL cannot read is reported, without asking X509Certificate', () => {
  /** Byte edits of the leaf (same length) that OpenSSL's d2i_X509 refuses while the DER stays well formed. */
  const edits: [string, (der: Buffer) => void][] = [
    [
      'a subject UTF8String that is not UTF-8',
      (der) => {
        const cn = subjectCn(der);
        der[cn.tag] = 0x0c;
        cn.value[0] = 0xc0;
      },
    ],
    ['a subject value that is a VisibleString', (der) => (der[subjectCn(der).tag] = 0x1a)],
    [
      'a subject BMPString holding a surrogate',
      (der) => {
        const cn = subjectCn(der);
        der[cn.tag] = 0x1e;
        cn.value[0] = 0xd8;
        cn.value[1] = 0x00;
      },
    ],
    ['an attribute OID padded with 0x80', (der) => (der[subjectCn(der).tag - 3] = 0x80)],
    [
      'a serial number with a redundant leading zero',
      (der) => {
        const serial = tlvAt(der, tbsStart(der) + 5);
        der[serial.content] = 0x00;
        der[serial.content + 1] = (der[serial.content + 1] as number) & 0x7f;
      },
    ],
    ['the version tag not marked constructed', (der) => (der[tbsStart(der)] = 0x80)],
    // Found by the mutation property below: OpenSSL takes ENUMERATED in a name's value, not here.
    ['the version as an ENUMERATED', (der) => (der[tbsStart(der) + 2] = 0x0a)],
    ['a signature BIT STRING with 8 unused bits', (der) => (der[signatureStart(der)] = 0x08)],
  ];

  /** The subject's CN: 2.5.4.3 followed by the leaf's name (the issuer's CN is the intermediate's). */
  function subjectCn(der: Buffer): { tag: number; value: Buffer } {
    const name = Buffer.from('parity-leaf.example');
    const at = der.indexOf(name);
    const tag = at - 2;
    if (at < 0 || der.subarray(tag - 5, tag).compare(Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03])) !== 0)
      throw new Error('subject CN not found');
    return { tag, value: der.subarray(at, at + name.length) };
  }

  it.each(edits)('%s: unreadable to OpenSSL and to cert-check, and verify fails', async (_name, edit) => {
    const der = Buffer.from(chain.leaf.der);
    edit(der);
    expect(opensslReads(der)).toBe(false);
    // The package's own DER reader alone reads it: the OpenSSL rules are what refuse it.
    expect(() => new Certificate(der)).not.toThrow();
    const parsed = parseChainFile(toPemBlock(der));
    expect(parsed.certificates).toHaveLength(0);
    expect(parsed.problems.map((problem) => problem.kind)).toEqual(['unreadable-certificate']);
    const report = await verifyChain(`${toPemBlock(der)}${toPem([...chain.intermediates, chain.root])}`, {
      offline: true,
      trust: [chain.root.pem],
      publicTrust: false,
    });
    expect(report.ok).toBe(false);
    expect(report.findings.some((finding) => finding.rule === 'pem.format' && finding.severity === 'error')).toBe(true);
  });

  it('reads no corpus or x509-limbo certificate that OpenSSL cannot read', () => {
    // The other way round is deliberate: the DER reader refuses malformed extensions OpenSSL only flags later.
    const readByCertCheckOnly = references.filter((der) => certCheckReads(der) && !opensslReads(der));
    expect(references.length).toBeGreaterThan(1000);
    expect(readByCertCheckOnly.map((der) => toPemBlock(der))).toEqual([]);
  });

  it('never reads a mutated certificate OpenSSL refuses (bit flips, byte and tag changes)', () => {
    const special = [0x00, 0x80, 0xff, 0x02, 0x03, 0x06, 0x0c, 0x13, 0x1a, 0x1c, 0x1e, 0x30, 0x31, 0xa0];
    const change = fc.oneof(
      fc.record({ at: fc.nat(), bit: fc.nat(7) }).map(({ at, bit }) => (der: Buffer) => {
        der[at % der.length] = (der[at % der.length] as number) ^ (1 << bit);
      }),
      fc
        .record({ at: fc.nat(), byte: fc.oneof(fc.nat(255), fc.constantFrom(...special)) })
        .map(({ at, byte }) => (der: Buffer) => {
          der[at % der.length] = byte;
        }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(change, { minLength: 1, maxLength: 3 }), (pick, changes) => {
        const sources = [Buffer.from(chain.leaf.der), ...references.slice(0, 40)];
        const der = Buffer.from(sources[pick % sources.length] as Buffer);
        for (const apply of changes) apply(der);
        if (certCheckReads(der)) expect(opensslReads(der)).toBe(true);
      }),
      // A fixed seed keeps `npm test` reproducible; FUZZ_SEED and FUZZ_RUNS explore further (a failure prints
      // its seed and path, which replay it).
      { numRuns: Number(process.env.FUZZ_RUNS ?? 3000), seed: Number(process.env.FUZZ_SEED ?? 20261206) },
    );
  });
});

describe('signatures: crypto.verify over the signed bytes answers as X509Certificate.verify', () => {
  const nodeCertificates = new Map<string, X509Certificate>();
  const nodeCertificate = (certificate: Certificate): X509Certificate => {
    let found = nodeCertificates.get(certificate.sha256);
    if (!found) nodeCertificates.set(certificate.sha256, (found = new X509Certificate(certificate.der)));
    return found;
  };

  function opensslVerifies(child: Certificate, issuer: Certificate): boolean {
    try {
      return nodeCertificate(child).verify(nodeCertificate(issuer).publicKey);
    } catch {
      return false;
    }
  }

  it('on the issuer-named pairs of each corpus file and each x509-limbo case', () => {
    // Up to 40 pairs a group: a few limbo cases hold dozens of CA certificates with one name.
    const seen = new Set<string>();
    const algorithms = new Set<string>();
    const disagreements: string[] = [];
    for (const group of groups) {
      const certificates = group.flatMap((der) => {
        try {
          return [new Certificate(der)];
        } catch {
          return [];
        }
      });
      let taken = 0;
      for (const child of certificates) {
        for (const issuer of certificates) {
          const pair = `${child.sha256}/${issuer.sha256}`;
          if (child.issuer.key !== issuer.subject.key || seen.has(pair) || taken >= 40) continue;
          seen.add(pair);
          taken++;
          algorithms.add(child.signatureAlgorithm.name);
          if (child.isSignedBy(issuer) !== opensslVerifies(child, issuer))
            disagreements.push(`${child.subject.text} by ${issuer.subject.text} (${child.signatureAlgorithm.name})`);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(500);
    expect([...algorithms].sort()).toEqual(
      expect.arrayContaining(['ecdsa-with-SHA256', 'ecdsa-with-SHA384', 'sha256WithRSAEncryption', 'dsa-with-SHA256']),
    );
    expect(disagreements).toEqual([]);
  });

  it('on altered signatures, signed bytes and unused bits (EC and RSA issuers)', async () => {
    const rsa = await createChain({
      root: { key: { type: 'rsa', bits: 2048 } },
      intermediate: { key: { type: 'rsa', bits: 2048 } },
      leaf: { subject: { commonName: 'parity-leaf.example' } },
    });
    for (const generated of [chain, rsa]) {
      const issuer = new Certificate(generated.intermediates[0]!.der);
      const original = Buffer.from(generated.leaf.der);
      const signature = original.length - 10;
      const variants = [
        original,
        Buffer.from(original).fill(0x11, signature, signature + 1),
        // The signed bytes changed: one letter of the subject's name.
        Buffer.from(original).fill(0x7a, original.indexOf('parity-leaf'), original.indexOf('parity-leaf') + 1),
        // Unused bits in the signature BIT STRING: OpenSSL reads the certificate but never verifies it.
        Buffer.from(original).fill(0x01, signatureStart(original), signatureStart(original) + 1),
      ];
      const answers = variants.map((der) => {
        const child = new Certificate(der);
        expect(child.isSignedBy(issuer)).toBe(opensslVerifies(child, issuer));
        return child.isSignedBy(issuer);
      });
      expect(answers).toEqual([true, false, false, false]);
      // Signed by the root's key? No: a wrong issuer key never verifies.
      const root = new Certificate(generated.root.der);
      expect(new Certificate(original).isSignedBy(root)).toBe(false);
    }
  });
});
