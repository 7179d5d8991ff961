import type { Certificate } from './certificate/certificate.js';
import { analyzeChain, type PathElement } from './chain/analyze.js';
import { CertsError, InternalCertsError, NoCertificateError } from './errors.js';
import { toParsedInput, type ChainInput } from './input/coerce.js';
import { resolveAt, resolvePool, resolveTrust, type PoolInput, type TrustInput } from './options.js';
import type { ChainLink } from './report.js';
import { ordinal } from './rules/describe.js';

export interface FixOptions {
  /** Where missing intermediates (and roots) may come from. */
  readonly intermediates?: PoolInput;
  /** Extra trust anchors, or a TrustStore; the public store supplies roots unless publicTrust is false. */
  readonly trust?: TrustInput;
  readonly publicTrust?: boolean;
  /** Prefer certificates valid at this instant when several could fill a gap. Default: now. */
  readonly at?: Date;
  readonly fileName?: string;
}

export interface FixResult {
  /** The chain, leaf first and root last, as PEM; never contains a private key. */
  readonly chainPem: string;
  /** What was changed, one sentence each, in the order it was done. */
  readonly changes: readonly string[];
  /** True when the chain now runs from the leaf to a self-signed root without gaps. */
  readonly complete: boolean;
  /** Why the chain is still incomplete, when it is. */
  readonly problem?: string;
  /** The certificates of chainPem, in order, with where each came from. */
  readonly certificates: readonly ChainLink[];
}

/**
 * Puts a chain in the order the provider wants: leaf, intermediates, root. Drops duplicates, strays
 * and private keys; fills gaps from the pool and the trust store (signature-verified).
 */
export function fixChain(input: ChainInput, options: FixOptions = {}): FixResult {
  try {
    return fix(input, options);
  } catch (error) {
    if (error instanceof CertsError) throw error;
    throw new InternalCertsError('fixChain', error);
  }
}

function fix(input: ChainInput, options: FixOptions): FixResult {
  const parsed = toParsedInput(input, options.fileName);
  const certificates = parsed.certificates;
  if (certificates.length === 0) {
    throw new NoCertificateError(
      parsed.fileName ?? 'the input',
      parsed.problems.map((problem) => problem.message),
    );
  }
  const at = resolveAt(options.at);
  const analysis = analyzeChain(certificates, {
    pool: resolvePool(options.intermediates),
    trust: resolveTrust(options.trust, options.publicTrust ?? true),
    at,
  });
  const changes: string[] = [];
  const label = (index: number): string =>
    `the ${ordinal(index + 1)} certificate ("${(certificates[index] as Certificate).label}")`;

  if (parsed.format !== 'pem') changes.push(`converted the ${parsed.format.toUpperCase()} input to PEM`);
  if (parsed.privateKeys.length > 0) {
    changes.push(
      `removed ${parsed.privateKeys.length} private key block${parsed.privateKeys.length === 1 ? '' : 's'} (a private key must never be sent)`,
    );
  }
  for (const [index, first] of analysis.duplicateOf)
    changes.push(`removed ${label(index)}: a copy of the ${ordinal(first + 1)}`);
  for (const index of analysis.strays) changes.push(`removed ${label(index)}: it is not part of the leaf's chain`);

  const ordered: PathElement[] = [...analysis.path];
  analysis.path.forEach((element, position) => {
    if (element.source === 'input') return;
    const child = analysis.path[position - 1]?.certificate;
    const role = element.certificate.selfSigned ? 'the root' : 'the intermediate';
    changes.push(
      `added ${role} "${element.certificate.label}" from the ${element.source === 'pool' ? 'intermediates pool' : 'trust store'}${child ? ` (issuer of "${child.label}")` : ''}`,
    );
  });
  // CA certificates above an unbridgeable gap may still belong to the chain: keep them, after it.
  for (const index of analysis.unlinked)
    ordered.push({ certificate: certificates[index] as Certificate, source: 'input', index });

  const inputOrder = ordered.flatMap((element) => (element.index === undefined ? [] : [element.index]));
  const sortedOrder = [...inputOrder].sort((a, b) => a - b);
  if (inputOrder.some((index, position) => index !== sortedOrder[position])) {
    changes.push(
      `put the certificates in issuing order (leaf first, root last): ${inputOrder.map((index) => label(index)).join(', ')}`,
    );
  }

  const top = analysis.path[analysis.path.length - 1]?.certificate as Certificate;
  const leaf = analysis.path[0]?.certificate as Certificate;
  const brokenAt = analysis.path.findIndex((element) => element.link?.status === 'bad-signature');
  const unreadable = parsed.problems.filter((p) => p.kind === 'unreadable-certificate');
  let problem: string | undefined;
  // Never "complete" without the end-entity certificate, with a link whose signature fails, or with a
  // certificate block that could not be read (it may be the leaf): the merchant would send a chain the
  // provider refuses.
  if (unreadable.length > 0) {
    problem = `${unreadable.map((p) => p.message).join('; ')}: it may be your certificate, so the chain was not completed without it`;
  } else if (leaf.isCA || leaf.selfSigned) {
    problem = `the file holds no end-entity certificate: "${leaf.label}" is a CA certificate; add your own certificate (the one issued to you) to the file`;
  } else if (brokenAt > 0) {
    const wrong = analysis.path[brokenAt] as PathElement;
    const signed = brokenAt === 1 ? 'the leaf' : `"${(analysis.path[brokenAt - 1] as PathElement).certificate.label}"`;
    const where = wrong.index === undefined ? `"${wrong.certificate.label}"` : label(wrong.index);
    problem =
      `${where} carries the issuer's name but not its key: it did not sign ${signed}; ` +
      'get the intermediate that matches your certificate from your CA';
  } else if (analysis.end === 'unknown-issuer') {
    problem = `the issuer of "${top.label}" ("${top.issuer.text}") is neither in the file, nor in the intermediates pool, nor in the trust store`;
    if (analysis.unlinked.length > 0) problem += `; kept ${analysis.unlinked.map(label).join(' and ')} after the gap`;
  } else if (analysis.end === 'broken-root') {
    problem = `the self-signature of the root "${top.label}" does not verify: download the root again from the CA`;
  }
  const complete = problem === undefined && analysis.end === 'root';
  return {
    chainPem: ordered.map((element) => element.certificate.pem).join(''),
    changes,
    complete,
    ...(problem ? { problem } : {}),
    certificates: ordered.map((element) => ({
      ...(element.index === undefined ? {} : { index: element.index }),
      subject: element.certificate.subject.text,
      sha256: element.certificate.sha256,
      source: element.source,
    })),
  };
}
