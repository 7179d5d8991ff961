// A CA certificate with the right name and the wrong key (an older or re-keyed issuing CA) between the
// leaf and the root: verify must name that link, and fix must never write a chain without the leaf.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { fixChain, verifyChain, type FixResult } from '@connectpay-kit/certs';
import {
  createRoot,
  generateKeyPair,
  toPem,
  type CertificateAuthority,
  type GeneratedCertificate,
} from '@connectpay-kit/testing-pki';

const AT = new Date();
let root: CertificateAuthority;
let issuing: CertificateAuthority;
let rekeyed: CertificateAuthority;
let leaf: GeneratedCertificate;

beforeAll(async () => {
  root = await createRoot({ subject: { commonName: 'Wrong Intermediate Root' } });
  const subject = { organization: 'Example CA', commonName: 'Example Issuing CA' };
  issuing = await root.issue({ ca: true, subject });
  // Same name, its own key: what a CA publishes after re-keying its intermediate.
  rekeyed = await root.issue({ ca: true, subject, key: await generateKeyPair({ type: 'ec' }) });
  leaf = await issuing.issue({ subject: { commonName: 'client.example.com' }, extendedKeyUsage: ['clientAuth'] });
});

const trust = (): { trust: string[]; publicTrust: false; at: Date } => ({
  trust: [root.pem],
  publicTrust: false,
  at: AT,
});

describe('a chain whose intermediate has the issuer name but not its key', () => {
  it('verify keeps the leaf and reports chain.signature on the wrong intermediate', async () => {
    const report = await verifyChain(toPem([leaf, rekeyed, root]), { ...trust(), offline: true });
    expect(report.ok).toBe(false);
    expect(report.leaf).toBe(0);
    const signature = report.findings.filter((finding) => finding.rule === 'chain.signature');
    expect(signature).toHaveLength(1);
    expect(signature[0]?.certificate).toBe(1);
    expect(signature[0]?.message).toContain(
      `the 2nd certificate ("Example Issuing CA") carries the issuer's name but not its key: it did not sign the leaf`,
    );
    expect(signature[0]?.hint).toContain('get the intermediate that matches your certificate from your CA');
    expect(report.findings.map((finding) => finding.rule)).not.toContain('chain.stray');
  });

  it('fix refuses to call it complete, and keeps the leaf first', () => {
    const fixed = fixChain(toPem([leaf, rekeyed, root]), trust());
    expect(fixed.complete).toBe(false);
    expect(fixed.problem).toContain("carries the issuer's name but not its key");
    expect(fixed.certificates[0]?.sha256).toBe(sha256(leaf));
  });

  it('fix replaces it with the matching intermediate from the pool', async () => {
    const fixed = fixChain(toPem([leaf, rekeyed, root]), { ...trust(), intermediates: toPem([rekeyed, issuing]) });
    expect(fixed.complete).toBe(true);
    expect(fixed.certificates.map((link) => link.sha256)).toEqual([sha256(leaf), sha256(issuing), sha256(root)]);
    const report = await verifyChain(fixed.chainPem, { ...trust(), offline: true });
    expect(report.ok).toBe(true);
  });

  it('verify passes when the matching intermediate is in the file beside the wrong one, naming the wrong one a stray', async () => {
    const report = await verifyChain(toPem([leaf, rekeyed, issuing, root]), { ...trust(), offline: true });
    expect(report.chain.map((link) => link.index)).toEqual([0, 2, 3]);
    expect(report.findings.filter((finding) => finding.rule === 'chain.stray').map((f) => f.certificate)).toEqual([1]);
  });
});

describe('fix never writes a chain without the end-entity certificate', () => {
  it('does not drop an unreadable leaf and call the rest complete', () => {
    const broken = leaf.pem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!!!!!!!!!!!!!!!!!');
    const fixed = fixChain(`${broken}${issuing.pem}${root.pem}`, trust());
    expect(fixed.complete).toBe(false);
    expect(fixed.problem).toMatch(/not valid base64|not a valid X\.509/);
  });

  it('holds over shuffled, truncated, duplicated and corrupted chains', () => {
    const blocks = [leaf, issuing, rekeyed, root].map((certificate) => certificate.pem);
    const corrupt = (pem: string, at: number): string => {
      const lines = pem.split('\n');
      const line = 1 + (at % Math.max(1, lines.length - 3));
      lines[line] = `${(lines[line] ?? '').slice(0, 10)}#${(lines[line] ?? '').slice(11)}`;
      return lines.join('\n');
    };
    fc.assert(
      fc.property(
        fc.shuffledSubarray([0, 1, 2, 3], { minLength: 1 }),
        fc.array(fc.nat(3), { maxLength: 2 }),
        fc.option(fc.nat(), { nil: undefined }),
        (order, duplicates, corruptAt) => {
          const chosen = [...order, ...duplicates.filter((index) => order.includes(index))];
          const text = chosen
            .map((index) => {
              const pem = blocks[index] as string;
              return index === 0 && corruptAt !== undefined ? corrupt(pem, corruptAt) : pem;
            })
            .join('');
          let fixed: FixResult;
          try {
            fixed = fixChain(text, trust());
          } catch {
            return; // nothing readable at all: fix writes nothing
          }
          const leafIntact = order.includes(0) && corruptAt === undefined;
          if (fixed.complete) {
            expect(leafIntact).toBe(true);
            expect(fixed.certificates[0]?.sha256).toBe(sha256(leaf));
          }
          if (leafIntact) expect(fixed.certificates.map((link) => link.sha256)).toContain(sha256(leaf));
        },
      ),
      { numRuns: 150 },
    );
  });
});

function sha256(certificate: GeneratedCertificate): string {
  return createHash('sha256').update(certificate.der).digest('hex');
}
