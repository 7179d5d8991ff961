// x509-limbo (C2SP), the public path-validation suite, as cert-check's conformance test: every case that
// concerns a client chain is verified as a merchant would (leaf + limbo's intermediates + limbo's roots in
// one file, --trust the roots, --at the case's time) and the verdict compared with expected_result and
// with `openssl verify`. Deliberate differences are listed, with their reason, in limbo-policy.json.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { verifyChain, type Finding, type Report, type RuleId } from '@connectpay-kit/certs';

interface LimboCase {
  readonly id: string;
  readonly expected_result: 'SUCCESS' | 'FAILURE';
  readonly trusted_certs: readonly string[];
  readonly untrusted_intermediates: readonly string[];
  readonly peer_certificate: string;
  readonly crls: readonly string[] | null;
  readonly validation_time: string | null;
  readonly max_chain_depth: number | null;
}

type Verdict = 'SUCCESS' | 'FAILURE';

interface Policy {
  readonly notApplicable: readonly { idPrefix?: string; maxChainDepth?: boolean; reason: string }[];
  readonly layoutRules: { readonly rules: readonly RuleId[]; readonly reason: string };
  readonly serverLeafEku: { readonly rule: RuleId; readonly reason: string };
  readonly cases: Readonly<Record<string, { verdict: Verdict; rule: RuleId | null; reason: string }>>;
}

const LIMBO = new URL('../../../../../shared/conformance/x509-limbo/limbo.json.gz', import.meta.url);
const policy = JSON.parse(readFileSync(new URL('./limbo-policy.json', import.meta.url), 'utf8')) as Policy;
const all = (JSON.parse(gunzipSync(readFileSync(LIMBO)).toString('utf8')) as { testcases: LimboCase[] }).testcases;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

const applies = (limbo: LimboCase): boolean =>
  !policy.notApplicable.some(
    (entry) =>
      (entry.idPrefix !== undefined && limbo.id.startsWith(entry.idPrefix)) ||
      (entry.maxChainDepth === true && limbo.max_chain_depth !== null),
  );
const cases = all.filter(applies);

/** The findings that decide the path verdict: errors, less the file layout and the server leaf's EKU. */
function decisive(report: Report, limbo: LimboCase): Finding[] {
  const layout = new Set<RuleId>(policy.layoutRules.rules);
  // Node's keyUsage is the extended key usage list (undefined when the extension is absent).
  const leafServerOnly = new X509Certificate(limbo.peer_certificate).keyUsage?.includes(SERVER_AUTH) ?? false;
  return report.findings.filter(
    (finding) =>
      finding.severity === 'error' &&
      !layout.has(finding.rule) &&
      !(finding.rule === policy.serverLeafEku.rule && finding.certificate === report.leaf && leafServerOnly),
  );
}

function atOf(limbo: LimboCase): Date {
  return limbo.validation_time ? new Date(limbo.validation_time) : new Date();
}

async function certCheck(limbo: LimboCase): Promise<{ verdict: Verdict; report: Report }> {
  const report = await verifyChain(
    [limbo.peer_certificate, ...limbo.untrusted_intermediates, ...limbo.trusted_certs].join('\n'),
    {
      trust: limbo.trusted_certs,
      publicTrust: false,
      at: atOf(limbo),
      offline: true,
      crls: limbo.crls ?? [],
      fileName: limbo.id,
    },
  );
  return { verdict: decisive(report, limbo).length === 0 ? 'SUCCESS' : 'FAILURE', report };
}

/** `openssl verify` on the same case: as a TLS server runs it (no -x509_strict), and strict. */
function openssl(limbo: LimboCase, dir: string, strict: boolean): Verdict {
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const args = ['verify', '-CAfile', write('trusted.pem', limbo.trusted_certs.join('\n'))];
  args.push('-attime', String(Math.floor(atOf(limbo).getTime() / 1000)));
  if (limbo.untrusted_intermediates.length > 0)
    args.push('-untrusted', write('untrusted.pem', limbo.untrusted_intermediates.join('\n')));
  if (limbo.crls && limbo.crls.length > 0)
    args.push('-crl_check', '-CRLfile', write('crls.pem', limbo.crls.join('\n')));
  if (strict) args.push('-x509_strict');
  args.push(write('leaf.pem', limbo.peer_certificate));
  return spawnSync('openssl', args, { encoding: 'utf8', timeout: 20_000 }).status === 0 ? 'SUCCESS' : 'FAILURE';
}

const ours = new Map<string, Verdict>();
const opensslVerdicts = new Map<string, { server: Verdict; strict: Verdict }>();
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'limbo-'));
  for (const limbo of cases)
    opensslVerdicts.set(limbo.id, { server: openssl(limbo, scratch, false), strict: openssl(limbo, scratch, true) });
}, 120_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  const agree = (verdicts: (limbo: LimboCase) => Verdict | undefined): number =>
    cases.filter((limbo) => verdicts(limbo) === limbo.expected_result).length;
  const percent = (count: number): string => `${count}/${cases.length} (${((100 * count) / cases.length).toFixed(1)}%)`;
  const accepted = (limbo: LimboCase): boolean =>
    ours.get(limbo.id) === 'SUCCESS' && opensslVerdicts.get(limbo.id)?.server === 'FAILURE';
  const acceptedRefused = cases.filter((limbo) => limbo.expected_result === 'FAILURE' && accepted(limbo)).length;
  const opensslMissed = cases.filter((limbo) => limbo.expected_result === 'SUCCESS' && accepted(limbo)).length;
  console.log(
    [
      `x509-limbo, ${cases.length} client-applicable cases of ${all.length}:`,
      `  cert-check agrees with expected_result on ${percent(agree((limbo) => ours.get(limbo.id)))}`,
      `  openssl verify -x509_strict on ${percent(agree((limbo) => opensslVerdicts.get(limbo.id)?.strict))}`,
      `  openssl verify (as a TLS server) on ${percent(agree((limbo) => opensslVerdicts.get(limbo.id)?.server))}`,
      `  invalid chains cert-check accepts that openssl verify refuses: ${acceptedRefused}`,
      `  valid chains cert-check accepts and openssl verify cannot build: ${opensslMissed}`,
    ].join('\n'),
  );
});

describe('x509-limbo conformance', () => {
  it('selects the client-applicable cases and every policy entry names one of them', () => {
    expect(cases.length).toBeGreaterThan(150);
    const ids = new Set(cases.map((limbo) => limbo.id));
    for (const id of Object.keys(policy.cases)) expect(ids.has(id) ? id : `stale policy entry ${id}`).toBe(id);
  });

  it.each(cases.map((limbo) => [limbo.id, limbo] as const))('%s', async (id, limbo) => {
    const { verdict, report } = await certCheck(limbo);
    ours.set(id, verdict);
    const server = opensslVerdicts.get(id)?.server;
    // Never an OK for an invalid chain that a TLS server running OpenSSL would refuse. (Where limbo calls a
    // chain valid and `openssl verify` does not find its path, OpenSSL is the one that disagrees.)
    if (verdict === 'SUCCESS' && limbo.expected_result === 'FAILURE')
      expect({ id, openssl: server }).toEqual({ id, openssl: 'SUCCESS' });
    const exception = policy.cases[id];
    if (verdict === limbo.expected_result) {
      expect({ id, staleException: exception }).toEqual({ id, staleException: undefined });
      return;
    }
    // A disagreement must be listed, with the verdict cert-check gives and the rule behind it.
    expect({ id, listed: exception?.verdict }).toEqual({ id, listed: verdict });
    if (exception?.rule) expect(report.findings.map((finding) => finding.rule)).toContain(exception.rule);
  });
});
