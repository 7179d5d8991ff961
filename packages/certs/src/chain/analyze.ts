import type { Certificate } from '../certificate/certificate.js';
import type { CertificateIndex } from '../trust/certificate-index.js';
import type { TrustStore } from '../trust/trust-store.js';
import { checkLink, type Link } from './link.js';

export type PathSource = 'input' | 'pool' | 'trust';

export interface PathElement {
  readonly certificate: Certificate;
  readonly source: PathSource;
  /** Position in the input file when source is "input". */
  readonly index?: number;
  /** How this element relates to the element below it (undefined for the leaf). */
  readonly link?: Link;
}

/**
 * Where the walk up from the leaf stopped:
 * - root: a self-signed certificate;
 * - unknown-issuer: the top's issuer is neither in the file nor in the pool or trust store;
 * - broken-root: the top is self-issued but its self-signature does not verify.
 */
export type PathEnd = 'root' | 'unknown-issuer' | 'broken-root';

export interface ChainAnalysis {
  readonly certificates: readonly Certificate[];
  /** Input index of a repeated certificate -> index of its first occurrence. */
  readonly duplicateOf: ReadonlyMap<number, number>;
  readonly leafIndex: number;
  /** Leaf first; gaps filled from the pool and trust store where possible. */
  readonly path: readonly PathElement[];
  readonly end: PathEnd;
  /** The path element that is (or equals, by subject and key) a trust anchor, topmost first. */
  readonly anchor?: { readonly element: PathElement; readonly store: 'extra' | 'public' };
  /** Input certificates on no path from the leaf. */
  readonly strays: readonly number[];
  /** CA certificates that may sit above a gap the walk could not cross (neither placed nor stray). */
  readonly unlinked: readonly number[];
}

export interface AnalyzeOptions {
  readonly pool?: CertificateIndex | undefined;
  readonly trust: TrustStore;
  readonly at: Date;
}

/** Longer than any real chain; bounds the walk on hostile or cyclic input. */
const MAX_PATH_LENGTH = 12;

export function analyzeChain(certificates: readonly Certificate[], options: AnalyzeOptions): ChainAnalysis {
  const duplicateOf = findDuplicates(certificates);
  const unique = certificates.map((_, index) => index).filter((index) => !duplicateOf.has(index));
  const leafIndex = chooseLeaf(certificates, unique);
  const leaf = certificates[leafIndex] as Certificate;

  const path: PathElement[] = [{ certificate: leaf, source: 'input', index: leafIndex }];
  const visited = new Set<string>([leaf.sha256]);
  let end: PathEnd = 'unknown-issuer';
  while (path.length < MAX_PATH_LENGTH) {
    const current = path[path.length - 1] as PathElement;
    if (current.certificate.selfSigned) {
      end = 'root';
      break;
    }
    const next =
      nextInputIssuer(certificates, unique, current, visited) ?? externalIssuer(current.certificate, visited, options);
    if (!next) {
      end = current.certificate.selfIssued ? 'broken-root' : 'unknown-issuer';
      break;
    }
    visited.add(next.certificate.sha256);
    path.push(next);
  }

  const members = new Set(path.flatMap((element) => (element.index === undefined ? [] : [element.index])));
  const outside = unique.filter((index) => !members.has(index));
  const gapAtTop = end === 'unknown-issuer';
  const unlinked = gapAtTop ? outside.filter((index) => (certificates[index] as Certificate).isCA) : [];
  const strays = outside.filter((index) => !unlinked.includes(index));
  const anchor = findAnchor(path, options.trust);
  return { certificates, duplicateOf, leafIndex, path, end, ...(anchor ? { anchor } : {}), strays, unlinked };
}

function findDuplicates(certificates: readonly Certificate[]): Map<number, number> {
  const firstSeen = new Map<string, number>();
  const duplicateOf = new Map<number, number>();
  certificates.forEach((certificate, index) => {
    const first = firstSeen.get(certificate.sha256);
    if (first === undefined) firstSeen.set(certificate.sha256, index);
    else duplicateOf.set(index, first);
  });
  return duplicateOf;
}

/** The input certificate that issues `child`: verified links first, the one right after `childIndex` preferred. */
function inputIssuerIndex(
  certificates: readonly Certificate[],
  unique: readonly number[],
  child: Certificate,
  childIndex: number | undefined,
  excluded: (index: number) => boolean,
): { index: number; link: Link } | undefined {
  let claimed: { index: number; link: Link } | undefined;
  const preferred = childIndex === undefined ? -1 : childIndex + 1;
  const order = unique.includes(preferred) ? [preferred, ...unique.filter((i) => i !== preferred)] : unique;
  for (const index of order) {
    const parent = certificates[index] as Certificate;
    if (index === childIndex || parent === child || excluded(index)) continue;
    if (parent.subject.key !== child.issuer.key) continue;
    const link = checkLink(child, parent);
    if (link.status === 'verified') return { index, link };
    if (link.status === 'bad-signature' && !claimed) claimed = { index, link };
  }
  return claimed;
}

function nextInputIssuer(
  certificates: readonly Certificate[],
  unique: readonly number[],
  current: PathElement,
  visited: ReadonlySet<string>,
): PathElement | undefined {
  const found = inputIssuerIndex(certificates, unique, current.certificate, current.index, (index) =>
    visited.has((certificates[index] as Certificate).sha256),
  );
  if (!found) return undefined;
  return {
    certificate: certificates[found.index] as Certificate,
    source: 'input',
    index: found.index,
    link: found.link,
  };
}

/**
 * The leaf is the certificate that issues no other one in the file. With several candidates (strays),
 * the one with the longest chain in the file wins, then the earliest.
 */
export function chooseLeaf(certificates: readonly Certificate[], unique: readonly number[]): number {
  const issuerOf = new Map<number, number>();
  for (const index of unique) {
    const certificate = certificates[index] as Certificate;
    if (certificate.selfIssued && certificate.selfSigned) continue;
    const found = inputIssuerIndex(certificates, unique, certificate, index, () => false);
    if (found) issuerOf.set(index, found.index);
  }
  const issuers = new Set(issuerOf.values());
  const candidates = unique.filter((index) => !issuers.has(index));
  if (candidates.length === 0) return unique[0] ?? 0;
  let best = candidates[0] as number;
  let bestLength = -1;
  for (const candidate of candidates) {
    const seen = new Set<number>();
    let length = 0;
    for (let at: number | undefined = candidate; at !== undefined && !seen.has(at); at = issuerOf.get(at)) {
      seen.add(at);
      length++;
    }
    if (length > bestLength) {
      best = candidate;
      bestLength = length;
    }
  }
  return best;
}

function externalIssuer(
  child: Certificate,
  visited: ReadonlySet<string>,
  options: AnalyzeOptions,
): PathElement | undefined {
  const trustIndexes = options.trust.indexes;
  const sources: { index: CertificateIndex; source: PathSource }[] = [
    ...(options.pool ? [{ index: options.pool, source: 'pool' as const }] : []),
    ...trustIndexes.map((index) => ({ index, source: 'trust' as const })),
  ];
  let best: { element: PathElement; score: number } | undefined;
  const considered = new Set<string>();
  for (const { index, source } of sources) {
    for (const candidate of index.issuerCandidates(child)) {
      if (visited.has(candidate.sha256) || considered.has(candidate.sha256)) continue;
      considered.add(candidate.sha256);
      const link = checkLink(child, candidate);
      if (link.status !== 'verified') continue;
      const trusted = trustIndexes.some((trustIndex) => trustIndex.containsKeyOf(candidate));
      // Prefer what a relying party would pick: a trusted anchor, then a currently valid certificate,
      // then a root over a cross-sign, then the one that lasts longest.
      const score =
        (trusted ? 8 : 0) +
        (candidate.isValidAt(options.at) ? 4 : 0) +
        (candidate.selfSigned ? 2 : 0) +
        candidate.notAfter.getTime() / 1e15;
      if (!best || score > best.score)
        best = { element: { certificate: candidate, source: trusted ? 'trust' : source, link }, score };
    }
  }
  return best?.element;
}

function findAnchor(path: readonly PathElement[], trust: TrustStore): ChainAnalysis['anchor'] {
  for (let position = path.length - 1; position >= 0; position--) {
    const element = path[position] as PathElement;
    if (trust.extra.containsKeyOf(element.certificate)) return { element, store: 'extra' };
    if (trust.public?.containsKeyOf(element.certificate)) return { element, store: 'public' };
  }
  return undefined;
}
