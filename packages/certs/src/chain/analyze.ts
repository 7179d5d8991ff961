import type { Certificate } from '../certificate/certificate.js';
import type { CertificateIndex } from '../trust/certificate-index.js';
import type { TrustStore } from '../trust/trust-store.js';
import { validatePath, type PathProblem } from '../path/validate.js';
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
  /** What RFC 5280 path validation finds on `path` (computed while choosing it). */
  readonly problems: readonly PathProblem[];
}

export interface AnalyzeOptions {
  readonly pool?: CertificateIndex | undefined;
  readonly trust: TrustStore;
  readonly at: Date;
}

/** Longer than any real chain; bounds the walk on hostile or cyclic input. */
const MAX_PATH_LENGTH = 12;
/** Signature checks one analysis may spend trying alternative paths (cross-signs, re-keyed CAs, hostile input). */
const MAX_LINK_CHECKS = 2048;
/** Complete candidate paths one analysis may compare. */
const MAX_PATHS = 64;

export function analyzeChain(certificates: readonly Certificate[], options: AnalyzeOptions): ChainAnalysis {
  const duplicateOf = findDuplicates(certificates);
  const unique = certificates.map((_, index) => index).filter((index) => !duplicateOf.has(index));
  const leafIndex = chooseLeaf(certificates, unique);
  const leaf = certificates[leafIndex] as Certificate;

  const { path, end, anchor, problems } = buildPath(
    { certificate: leaf, source: 'input', index: leafIndex },
    certificates,
    unique,
    options,
  );
  const members = new Set(path.flatMap((element) => (element.index === undefined ? [] : [element.index])));
  const outside = unique.filter((index) => !members.has(index));
  const gapAtTop = end === 'unknown-issuer';
  const unlinked = gapAtTop ? outside.filter((index) => (certificates[index] as Certificate).isCA) : [];
  const strays = outside.filter((index) => !unlinked.includes(index));
  return {
    certificates,
    duplicateOf,
    leafIndex,
    path,
    end,
    ...(anchor ? { anchor } : {}),
    strays,
    unlinked,
    problems,
  };
}

interface Search {
  readonly certificates: readonly Certificate[];
  readonly unique: readonly number[];
  readonly options: AnalyzeOptions;
  linkChecks: number;
  paths: number;
  best?: BestPath & { readonly score: readonly number[] };
}

interface BestPath {
  readonly path: readonly PathElement[];
  readonly end: PathEnd;
  readonly anchor: ChainAnalysis['anchor'];
  readonly problems: readonly PathProblem[];
}

/**
 * Builds the path from the leaf up, trying every issuer whose key verifies the signature (in the file,
 * the pool and the trust store: cross-signs, re-keyed intermediates, expired and current versions) and
 * keeping the best complete path: one that reaches a root, then with no broken link, then with the fewest
 * RFC 5280 path problems, then with the most certificates valid now. A certificate that carries the
 * issuer's name but whose key did not sign is used only when no candidate verifies, so that the report can
 * name that broken link. Key identifiers only order the candidates; the signature decides.
 */
function buildPath(
  leaf: PathElement,
  certificates: readonly Certificate[],
  unique: readonly number[],
  options: AnalyzeOptions,
): BestPath {
  const search: Search = { certificates, unique, options, linkChecks: 0, paths: 0 };
  explore([leaf], new Set([leaf.certificate.sha256]), search);
  return search.best as NonNullable<Search['best']>;
}

/** Returns true when a path good enough to stop searching has been found. */
function explore(path: PathElement[], visited: Set<string>, search: Search): boolean {
  const current = path[path.length - 1] as PathElement;
  if (current.certificate.selfSigned) return complete(path, 'root', search);
  if (path.length >= MAX_PATH_LENGTH) return complete(path, 'unknown-issuer', search);
  // The file's own issuers first; the pool and the trust store only when the file's do not give a good
  // enough path (the usual complete file never touches the public store's name index).
  const fromInput = inputCandidates(current, visited, search);
  for (const candidate of fromInput.verified) if (tryCandidate(path, visited, candidate, search)) return true;
  if (search.paths >= MAX_PATHS || search.linkChecks > MAX_LINK_CHECKS) return true;
  const fromOutside = externalCandidates(current, visited, search);
  for (const candidate of fromOutside) if (tryCandidate(path, visited, candidate, search)) return true;
  if (fromInput.verified.length > 0 || fromOutside.length > 0) return false;
  if (fromInput.claimed) return tryCandidate(path, visited, fromInput.claimed, search);
  return complete(path, current.certificate.selfIssued ? 'broken-root' : 'unknown-issuer', search);
}

function tryCandidate(path: PathElement[], visited: Set<string>, candidate: PathElement, search: Search): boolean {
  if (search.paths >= MAX_PATHS || search.linkChecks > MAX_LINK_CHECKS) return true;
  visited.add(candidate.certificate.sha256);
  path.push(candidate);
  const done = explore(path, visited, search);
  path.pop();
  visited.delete(candidate.certificate.sha256);
  return done;
}

function complete(path: readonly PathElement[], end: PathEnd, search: Search): boolean {
  search.paths++;
  const at = search.options.at;
  const broken = path.some((element) => element.link?.status === 'bad-signature');
  const found = validatePath(path);
  const problems = found.filter((problem) => problem.check !== 'profile').length;
  const anchor = findAnchor(path, search.options.trust);
  const anchored = anchor !== undefined;
  const valid = path.filter((element) => element.certificate.isValidAt(at)).length;
  const external = path.filter((element) => element.source !== 'input').length;
  const score = [
    end === 'root' ? 1 : 0,
    anchored ? 1 : 0,
    broken ? 0 : 1,
    -problems,
    valid - path.length,
    -external,
    end === 'root' ? 0 : path.length,
  ];
  if (!search.best || compareScores(score, search.best.score) > 0)
    search.best = { path: [...path], end, anchor, problems: found, score };
  return end === 'root' && anchored && !broken && problems === 0 && valid === path.length;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/**
 * The file's certificates that name `child`'s issuer as their subject, the one right after the child
 * first. Each unique certificate once (duplicates are already left out); the caller checks the link.
 */
function* inputIssuers(
  certificates: readonly Certificate[],
  unique: readonly number[],
  child: Certificate,
  childIndex: number | undefined,
): Generator<{ index: number; parent: Certificate }> {
  const preferred = childIndex === undefined ? -1 : childIndex + 1;
  const order = unique.includes(preferred) ? [preferred, ...unique.filter((i) => i !== preferred)] : unique;
  for (const index of order) {
    const parent = certificates[index] as Certificate;
    if (index === childIndex || parent === child || parent.subject.key !== child.issuer.key) continue;
    yield { index, parent };
  }
}

/**
 * The file's certificates that may issue `child`, best first; `claimed` is the first whose name matches
 * but whose signature does not verify.
 */
function inputCandidates(
  child: PathElement,
  visited: ReadonlySet<string>,
  search: Search,
): { verified: PathElement[]; claimed?: PathElement } {
  const verified: { element: PathElement; score: number }[] = [];
  let claimed: PathElement | undefined;
  for (const { index, parent } of inputIssuers(search.certificates, search.unique, child.certificate, child.index)) {
    if (visited.has(parent.sha256)) continue;
    search.linkChecks++;
    const link = checkLink(child.certificate, parent);
    const element: PathElement = { certificate: parent, source: 'input', index, link };
    if (link.status === 'verified') verified.push({ element, score: rank(parent, link, search.options) });
    else if (link.status === 'bad-signature' && !claimed) claimed = element;
  }
  verified.sort((a, b) => b.score - a.score);
  return { verified: verified.map((entry) => entry.element), ...(claimed ? { claimed } : {}) };
}

/** The pool's and the trust store's certificates whose key verifies `child`, trusted anchors first. */
function externalCandidates(child: PathElement, visited: ReadonlySet<string>, search: Search): PathElement[] {
  const { certificates, options } = search;
  const inFile = new Set(search.unique.map((index) => (certificates[index] as Certificate).sha256));
  const trustIndexes = options.trust.indexes;
  const sources: { index: CertificateIndex; source: PathSource }[] = [
    ...(options.pool ? [{ index: options.pool, source: 'pool' as const }] : []),
    ...trustIndexes.map((index) => ({ index, source: 'trust' as const })),
  ];
  const verified: { element: PathElement; score: number }[] = [];
  const considered = new Set<string>();
  for (const { index, source } of sources) {
    for (const candidate of index.issuerCandidates(child.certificate)) {
      if (visited.has(candidate.sha256) || considered.has(candidate.sha256) || inFile.has(candidate.sha256)) continue;
      considered.add(candidate.sha256);
      search.linkChecks++;
      const link = checkLink(child.certificate, candidate);
      if (link.status !== 'verified') continue;
      const trusted = trustIndexes.some((trustIndex) => trustIndex.containsKeyOf(candidate));
      verified.push({
        element: { certificate: candidate, source: trusted ? 'trust' : source, link },
        score: rank(candidate, link, options) + (trusted ? 16 : 0),
      });
    }
  }
  verified.sort((a, b) => b.score - a.score);
  return verified.map((entry) => entry.element);
}

/** What a relying party would try first: matching key identifiers, valid now, a root over a cross-sign, the longest-lived. */
function rank(candidate: Certificate, link: Link, options: AnalyzeOptions): number {
  return (
    (link.keyIdMatches === false ? 0 : 8) +
    (candidate.isValidAt(options.at) ? 4 : 0) +
    (candidate.selfSigned ? 2 : 0) +
    candidate.notAfter.getTime() / 1e15
  );
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

/** The file's certificate that issues `child`: a verified link first, else the first name-only claim. */
function inputIssuerIndex(
  certificates: readonly Certificate[],
  unique: readonly number[],
  child: Certificate,
  childIndex: number,
): { index: number; link: Link } | undefined {
  let claimed: { index: number; link: Link } | undefined;
  for (const { index, parent } of inputIssuers(certificates, unique, child, childIndex)) {
    const link = checkLink(child, parent);
    if (link.status === 'verified') return { index, link };
    if (link.status === 'bad-signature' && !claimed) claimed = { index, link };
  }
  return claimed;
}

/**
 * The leaf is the certificate that issues no other one in the file, counting a CA certificate that carries
 * another's issuer name as its issuer even when its key did not sign (a wrong or re-keyed intermediate is
 * then reported as a broken link, never taken for the leaf), and not a root. With several candidates
 * (strays), the one with the longest chain in the file wins, then the earliest.
 */
export function chooseLeaf(certificates: readonly Certificate[], unique: readonly number[]): number {
  const issuerOf = new Map<number, number>();
  for (const index of unique) {
    const certificate = certificates[index] as Certificate;
    if (certificate.selfIssued && certificate.selfSigned) continue;
    const found = inputIssuerIndex(certificates, unique, certificate, index);
    if (found) issuerOf.set(index, found.index);
  }
  const issuers = new Set(issuerOf.values());
  const notIssuing = unique.filter((index) => !issuers.has(index));
  // A root that issues nothing in the file is never the leaf while another certificate could be.
  const notRoots = notIssuing.filter((index) => !(certificates[index] as Certificate).selfSigned);
  const candidates = notRoots.length > 0 ? notRoots : notIssuing;
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

function findAnchor(path: readonly PathElement[], trust: TrustStore): ChainAnalysis['anchor'] {
  for (let position = path.length - 1; position >= 0; position--) {
    const element = path[position] as PathElement;
    if (trust.extra.containsKeyOf(element.certificate)) return { element, store: 'extra' };
    if (trust.public?.containsKeyOf(element.certificate)) return { element, store: 'public' };
  }
  return undefined;
}
