import type { Certificate } from './certificate/certificate.js';
import { analyzeChain } from './chain/analyze.js';
import { runRules, type RuleSelection } from './engine/run.js';
import type { Rule, RuleContext, RuleId } from './engine/types.js';
import { CertsError, InternalCertsError, InvalidOptionError, NoCertificateError } from './errors.js';
import { toParsedInput, type ChainInput } from './input/coerce.js';
import type { ParsedInput } from './input/parse-chain-file.js';
import {
  resolveAt,
  resolvePool,
  resolvePrivateKey,
  resolvePsd2,
  resolveTimeout,
  resolveTrust,
  resolveWarnDays,
  type PoolInput,
  type TrustInput,
} from './options.js';
import { readQcStatements } from './qc/qc-statements.js';
import { countFindings, summarize, type Report } from './report.js';
import { offlineResults } from './revocation/targets.js';
import type { RevocationResult } from './revocation/types.js';
import { RULES } from './rules/index.js';

/** `Extra`: the ids of `extraRules`, so a report's findings name them in its type. */
export interface VerifyOptions<Extra extends string = never> {
  /** The instant to judge validity at. Default: now. */
  readonly at?: Date;
  /** validity.expiring fires this many days before expiry. Default 30. */
  readonly warnDays?: number;
  /** Extra trust anchors (root PEM texts) or a TrustStore. */
  readonly trust?: TrustInput;
  /** Include Node's public root store as trust. Default true; ignored when `trust` is a TrustStore. */
  readonly publicTrust?: boolean;
  /** Intermediates to complete the chain from (for ca.public-trust and hints). */
  readonly intermediates?: PoolInput;
  /** CRLs (DER bytes or PEM text) to check revocation against, used even when offline. */
  readonly crls?: readonly (Uint8Array | string)[];
  /** No network: CRL distribution points and OCSP are not contacted (revocation.unknown). */
  readonly offline?: boolean;
  /** Timeout for each CRL/OCSP request. Default 3000 ms. */
  readonly fetchTimeoutMs?: number;
  /** The leaf's private key (PEM) to check they belong together (key.mismatch). Never echoed. */
  readonly privateKeyPem?: string;
  /** The other environment's chain, to warn when both share a certificate or key. */
  readonly compare?: ChainInput;
  /** PSD2 checks: true, or the roles the TPP needs (PSP_AS, PSP_PI, PSP_AI, PSP_IC). */
  readonly psd2?: boolean | readonly string[];
  /** Used in messages (e.g. the openssl command that converts the file). */
  readonly fileName?: string;
  readonly rules?: RuleSelection<RuleId | Extra>;
  /**
   * Rules of your own (a house policy, e.g. "our chains come from one CA"), run after the kit's
   * `RULES`, in this order, with the same context; `rules.only` / `rules.skip` select them too. An id
   * must not be one of the kit's. To make a rule part of the kit instead, see the README's "Adding a rule".
   */
  readonly extraRules?: readonly Rule<Extra>[];
}

/**
 * Checks a client chain against ConnectPay's rules. Resolves to a report for everything checkable;
 * rejects only with a CertsError when the input or an option cannot be used at all.
 */
export async function verifyChain<Extra extends string = never>(
  input: ChainInput,
  options: VerifyOptions<Extra> = {},
): Promise<Report<Extra>> {
  try {
    return await verify(input, options);
  } catch (error) {
    if (error instanceof CertsError) throw error;
    throw new InternalCertsError('verifyChain', error);
  }
}

/** Formats whose only useful answer is the pem.* finding that says how to convert them. */
const REPORTABLE_WITHOUT_CERTIFICATES = new Set(['pkcs12', 'pkcs7', 'private-key', 'csr']);

async function verify<Extra extends string>(input: ChainInput, options: VerifyOptions<Extra>): Promise<Report<Extra>> {
  const parsed = toParsedInput(input, options.fileName);
  const extraRules = resolveExtraRules(options.extraRules);
  const at = resolveAt(options.at);
  const warnDays = resolveWarnDays(options.warnDays);
  const timeoutMs = resolveTimeout(options.fetchTimeoutMs);
  const psd2 = resolvePsd2(options.psd2);
  const trust = resolveTrust(options.trust, options.publicTrust ?? true);
  const pool = resolvePool(options.intermediates);
  const privateKey = resolvePrivateKey(options.privateKeyPem);
  const compare = options.compare === undefined ? undefined : resolveCompare(options.compare);
  const offline = options.offline ?? false;
  const crlBytes = (options.crls ?? []).map((crl) => (typeof crl === 'string' ? Buffer.from(crl, 'latin1') : crl));
  // The CRL/OCSP code (and @peculiar/x509 behind it) loads only when there is something to consult.
  const revocationModule = !offline || crlBytes.length > 0 ? await import('./revocation/check.js') : undefined;
  const givenCrls = revocationModule ? await revocationModule.loadGivenCrls(crlBytes) : [];

  const certificates = parsed.certificates;
  if (
    certificates.length === 0 &&
    !REPORTABLE_WITHOUT_CERTIFICATES.has(parsed.format) &&
    parsed.privateKeys.length === 0
  ) {
    throw new NoCertificateError(
      parsed.fileName ?? 'the input',
      parsed.problems.map((problem) => problem.message),
    );
  }

  const chain = certificates.length > 0 ? analyzeChain(certificates, { pool, trust, at }) : undefined;
  const leaf = chain ? (certificates[chain.leafIndex] as Certificate) : undefined;
  const qc = await readQcStatements(
    chain ? [...certificates, ...chain.path.map((element) => element.certificate)] : [],
  );
  let revocation: RevocationResult[] = [];
  if (chain) {
    revocation = revocationModule
      ? await revocationModule.checkRevocation(chain, givenCrls, { offline, timeoutMs, at })
      : offlineResults(chain);
  }

  const context: RuleContext = {
    input: parsed,
    certificates,
    chain,
    leaf,
    leafIndex: chain?.leafIndex,
    at,
    warnDays,
    trust,
    revocation,
    qc,
    ...(psd2 === undefined ? {} : { psd2 }),
    ...(privateKey === undefined ? {} : { privateKey }),
    ...(compare === undefined ? {} : { compare }),
  };
  const findings = runRules<RuleId | Extra>([...RULES, ...extraRules], context, options.rules);
  const counts = countFindings(findings);
  return {
    ok: counts.error === 0,
    ...(parsed.fileName === undefined ? {} : { fileName: parsed.fileName }),
    checkedAt: at.toISOString(),
    format: parsed.format,
    certificates: certificates.map(summarize),
    ...(chain ? { leaf: chain.leafIndex } : {}),
    chain: (chain?.path ?? []).map((element) => ({
      ...(element.index === undefined ? {} : { index: element.index }),
      subject: element.certificate.subject.text,
      sha256: element.certificate.sha256,
      source: element.source,
    })),
    findings,
    counts,
  };
}

function resolveCompare(compare: ChainInput): ParsedInput {
  const parsed = toParsedInput(compare, 'the compare chain');
  if (parsed.certificates.length === 0)
    throw new InvalidOptionError('compare', "the other environment's chain contains no certificate.");
  return parsed;
}

const KIT_RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

/** Refused before anything runs: a findings list where one id means two rules could not be acted on. */
function resolveExtraRules<Extra extends string>(extra: readonly Rule<Extra>[] | undefined): readonly Rule<Extra>[] {
  if (extra === undefined) return [];
  if (!Array.isArray(extra)) throw new InvalidOptionError('extraRules', 'give an array of rules.');
  const seen = new Set<string>();
  for (const rule of extra as readonly unknown[]) {
    if (
      typeof rule !== 'object' ||
      rule === null ||
      typeof (rule as Rule).id !== 'string' ||
      typeof (rule as Rule).check !== 'function'
    ) {
      throw new InvalidOptionError('extraRules', 'each rule needs an id, a severity, a title, cites and check().');
    }
    const { id, severity } = rule as Rule;
    if (!['error', 'warning', 'info'].includes(severity)) {
      throw new InvalidOptionError(
        'extraRules',
        `rule "${id}" has severity "${String(severity)}": use error, warning or info.`,
      );
    }
    if (KIT_RULE_IDS.has(id)) {
      throw new InvalidOptionError(
        'extraRules',
        `"${id}" is one of the kit's rules: give yours an id of its own (e.g. "acme.${id}").`,
      );
    }
    if (seen.has(id)) throw new InvalidOptionError('extraRules', `two rules have the id "${id}".`);
    seen.add(id);
  }
  return extra;
}
