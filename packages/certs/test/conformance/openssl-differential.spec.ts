// cert-check's path verdict against `openssl verify -x509_strict -purpose sslclient`, the check an
// OpenSSL-based TLS server runs on a client chain: every corpus chain and a set of generated chains. A
// disagreement must be listed, with its reason, in openssl-differential.json. (The x509-limbo cases are
// compared with openssl in limbo.spec.ts; an issuer that is not a CA, name constraints and CRLs are
// covered there.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { verifyChain, type Report, type RuleId, type VerifyOptions } from '@connectpay-kit/certs';
import {
  createChain,
  createRoot,
  generateKeyPair,
  selfSigned,
  type CertificateAuthority,
} from '@connectpay-kit/testing-pki';
import { CORPUS_AT, CORPUS_DIR } from '../corpus.js';

type Verdict = 'OK' | 'REFUSED';

interface Differential {
  readonly providerOnlyRules: { readonly rules: readonly RuleId[]; readonly reason: string };
  readonly cases: Readonly<Record<string, { certCheck: Verdict; openssl: Verdict; reason: string }>>;
}

interface Case {
  readonly name: string;
  readonly pem: string;
  /** Extra roots; undefined: the public store (Node's, the same file openssl gets). */
  readonly roots?: readonly string[];
  readonly at: Date;
}

const differential = JSON.parse(
  readFileSync(new URL('./openssl-differential.json', import.meta.url), 'utf8'),
) as Differential;
const providerOnly = new Set<RuleId>(differential.providerOnlyRules.rules);

function certCheckVerdict(report: Report): Verdict {
  const decisive = report.findings.filter((finding) => finding.severity === 'error' && !providerOnly.has(finding.rule));
  return decisive.length === 0 ? 'OK' : 'REFUSED';
}

let scratch: string;
let publicRoots: string;

function opensslVerdict(item: Case, report: Report): Verdict {
  const write = (name: string, text: string): string => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  const blocks = item.pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  const leafIndex = report.leaf ?? 0;
  const others = blocks.filter((_, index) => index !== leafIndex);
  const args = ['verify', '-x509_strict', '-purpose', 'sslclient'];
  args.push('-attime', String(Math.floor(item.at.getTime() / 1000)));
  args.push('-CAfile', item.roots ? write('roots.pem', item.roots.join('')) : publicRoots);
  if (others.length > 0) args.push('-untrusted', write('untrusted.pem', others.join('')));
  args.push(write('leaf.pem', blocks[leafIndex] ?? ''));
  return spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 }).status === 0 ? 'OK' : 'REFUSED';
}

function corpusCases(): Case[] {
  return ['chains', 'lets-encrypt', 'psd2'].flatMap((folder) =>
    readdirSync(join(CORPUS_DIR, folder))
      .filter((file) => file.endsWith('.pem'))
      .map((file) => ({
        name: `corpus ${folder}/${file}`,
        pem: readFileSync(join(CORPUS_DIR, folder, file), 'latin1'),
        at: CORPUS_AT,
      })),
  );
}

async function generatedCases(): Promise<Case[]> {
  const at = new Date();
  const day = 24 * 60 * 60 * 1000;
  const root = await createRoot({ subject: { commonName: 'Differential Root' } });
  const roots = [root.pem];
  const issuing = await root.issue({ ca: true, subject: { commonName: 'Differential Issuing CA' } });
  const leafOf = (ca: CertificateAuthority, spec: Parameters<CertificateAuthority['issue']>[0] = {}) =>
    ca.issue({ subject: { commonName: 'client.example.com' }, ...spec, ca: false });
  const chain = (certificates: { pem: string }[]): string => certificates.map((c) => c.pem).join('');
  const noKeyCertSign = await root.issue({ ca: true, keyUsage: ['digitalSignature', 'cRLSign'] });
  const pathLenZero = await root.issue({ ca: { pathLength: 0 } });
  const belowZero = await pathLenZero.issue({ ca: true });
  const rekeyed = await root.issue({
    ca: true,
    subject: { commonName: 'Differential Issuing CA' },
    key: await generateKeyPair({ type: 'ec' }),
  });
  const otherRoot = await createRoot({ subject: { commonName: 'Another Root' } });
  const critical = await issuing.issue({
    subject: { commonName: 'client.example.com' },
    extensions: [{ oid: '1.3.6.1.4.1.55555.1', critical: true, der: new Uint8Array([0x05, 0x00]) }],
  });
  const self = await selfSigned({ subject: { commonName: 'self.example.com' } });
  const clean = await createChain();
  return [
    { name: 'generated clean chain', pem: clean.pem, roots: [clean.root.pem], at },
    {
      name: 'generated clientAuth leaf',
      pem: chain([await leafOf(issuing, { extendedKeyUsage: ['clientAuth'] }), issuing, root]),
      roots,
      at,
    },
    {
      name: 'generated serverAuth-only leaf',
      pem: chain([await leafOf(issuing, { extendedKeyUsage: ['serverAuth'] }), issuing, root]),
      roots,
      at,
    },
    {
      name: 'generated leaf without EKU',
      pem: chain([await leafOf(issuing, { extendedKeyUsage: null }), issuing, root]),
      roots,
      at,
    },
    {
      name: 'generated expired leaf',
      pem: chain([
        await leafOf(issuing, {
          validity: { notBefore: new Date(at.getTime() - 400 * day), notAfter: new Date(at.getTime() - day) },
        }),
        issuing,
        root,
      ]),
      roots,
      at,
    },
    {
      name: 'generated not-yet-valid leaf',
      pem: chain([
        await leafOf(issuing, {
          validity: { notBefore: new Date(at.getTime() + day), notAfter: new Date(at.getTime() + 300 * day) },
        }),
        issuing,
        root,
      ]),
      roots,
      at,
    },
    {
      name: 'generated issuer without keyCertSign',
      pem: chain([await leafOf(noKeyCertSign), noKeyCertSign, root]),
      roots,
      at,
    },
    {
      name: 'generated pathLenConstraint exceeded',
      pem: chain([await leafOf(belowZero), belowZero, pathLenZero, root]),
      roots,
      at,
    },
    {
      name: 'generated wrong intermediate (same name, other key)',
      pem: chain([await leafOf(issuing), rekeyed, root]),
      roots,
      at,
    },
    {
      name: 'generated untrusted root',
      pem: chain([await leafOf(issuing), issuing, root]),
      roots: [otherRoot.pem],
      at,
    },
    { name: 'generated missing intermediate', pem: chain([await leafOf(issuing), root]), roots, at },
    { name: 'generated unknown critical extension', pem: chain([critical, issuing, root]), roots, at },
    { name: 'generated self-signed leaf', pem: self.pem, roots, at },
  ];
}

let cases: Case[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'openssl-differential-'));
  publicRoots = join(scratch, 'public-roots.pem');
  writeFileSync(publicRoots, rootCertificates.join('\n'));
  cases = [...corpusCases(), ...(await generatedCases())];
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cert-check against openssl verify -x509_strict -purpose sslclient', () => {
  it('agrees on every corpus and generated chain, or the difference is listed with its reason', async () => {
    const seen = new Set<string>();
    const verdicts = new Map<string, [Verdict, Verdict]>();
    const unexplained: string[] = [];
    let agreed = 0;
    for (const item of cases) {
      const options: VerifyOptions = {
        at: item.at,
        offline: true,
        ...(item.roots ? { trust: item.roots, publicTrust: false } : {}),
      };
      const report = await verifyChain(item.pem, options);
      const ours = certCheckVerdict(report);
      const theirs = opensslVerdict(item, report);
      verdicts.set(item.name, [ours, theirs]);
      const listed = differential.cases[item.name];
      if (listed) seen.add(item.name);
      if (ours === theirs) {
        agreed++;
        if (listed) unexplained.push(`${item.name}: listed as a difference but both say ${ours}`);
      } else if (listed?.certCheck !== ours || listed.openssl !== theirs) {
        const rules = report.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
        unexplained.push(`${item.name}: cert-check ${ours} (${rules.join(', ')}), openssl ${theirs}`);
      }
    }
    console.log(`openssl differential: ${agreed}/${cases.length} chains agree; the rest are listed with reasons`);
    for (const name of Object.keys(differential.cases))
      if (!seen.has(name)) unexplained.push(`${name}: listed, but no such case`);
    expect(unexplained).toEqual([]);
    // The comparison is live: both sides accept the clean chain and refuse the expired and wrong-intermediate ones.
    expect(verdicts.get('generated clean chain')).toEqual(['OK', 'OK']);
    expect(verdicts.get('generated expired leaf')).toEqual(['REFUSED', 'REFUSED']);
    expect(verdicts.get('generated wrong intermediate (same name, other key)')).toEqual(['REFUSED', 'REFUSED']);
    console.log([...verdicts].map(([name, [a, b]]) => `${name}: cert-check ${a}, openssl ${b}`).join('\n'));
  });
});
