// The pure half of the docs runner: which fenced blocks of a page are executed, what output they
// promise, which relative links a page holds. No I/O here, so tools/test/docs.spec.ts can also feed
// these functions broken pages and prove the checks fail.
import { CURRENT, type PortKey } from '../rename/current.mjs';

/** A fenced block the runner executes: ```sh doc-test``` or ```ts doc-test```. */
export interface DocTestBlock {
  readonly language: 'sh' | 'ts';
  /** 1-based position among the page's doc-test blocks, as failure messages name it. */
  readonly index: number;
  /** 1-based line of the opening fence in the page. */
  readonly line: number;
  readonly code: string;
  /** Exit status the block must end with (`exit=N` in the info string), 0 by default. */
  readonly expectedExit: number;
  /** `ts doc-test no-run`: type-checked, not run (it needs something the page cannot provide). */
  readonly run: boolean;
  /** The ```text doc-output``` block right after it, if any. */
  readonly output?: ExpectedOutput;
}

export interface ExpectedOutput {
  readonly line: number;
  /** Non-blank lines, trimmed; `…` (and the spaces around it) stands for any run of characters within one line. */
  readonly lines: readonly string[];
}

export class DocBlockError extends Error {}

interface Fence {
  readonly words: readonly string[];
  readonly line: number;
  /** 1-based line of the closing fence. */
  readonly end: number;
  readonly body: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;

function fences(markdown: string): Fence[] {
  const lines = markdown.split(/\r?\n/);
  const found: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const [, , marker, info = ''] = FENCE.exec(lines[i] as string) ?? [];
    if (marker === undefined) continue;
    // Closed by a run of the same character, at least as long, with nothing after it.
    const close = new RegExp(`^\\s*${marker[0]}{${marker.length},}\\s*$`);
    const end = lines.findIndex((text, j) => j > i && close.test(text));
    if (end === -1) throw new DocBlockError(`the code fence opened on line ${i + 1} is never closed`);
    const body = lines.slice(i + 1, end).join('\n');
    found.push({ words: info.trim().split(/\s+/), line: i + 1, end: end + 1, body });
    i = end;
  }
  return found;
}

/** The page's doc-test blocks in page order, each with the doc-output block that follows it. */
export function docTestBlocks(markdown: string): DocTestBlock[] {
  const all = fences(markdown);
  const blocks: DocTestBlock[] = [];
  all.forEach(({ words: [language, kind, ...flags], line, body }, i) => {
    if (kind === 'doc-output' && !all[i - 1]?.words.includes('doc-test')) {
      throw new DocBlockError(
        `the doc-output block on line ${line} does not follow a doc-test block: put it right after the block whose output it shows`,
      );
    }
    if (kind !== 'doc-test') return;
    if (language !== 'sh' && language !== 'ts') {
      throw new DocBlockError(`the doc-test block on line ${line} is "${language}": only sh and ts blocks run`);
    }
    let expectedExit = 0;
    let run = true;
    for (const flag of flags) {
      const exit = /^exit=(\d{1,3})$/.exec(flag);
      if (exit) expectedExit = Number(exit[1]);
      else if (flag === 'no-run' && language === 'ts') run = false;
      else
        throw new DocBlockError(
          `the doc-test block on line ${line} has an unknown flag "${flag}": use exit=N${language === 'ts' ? ' or no-run' : ''}`,
        );
    }
    const next = all[i + 1];
    const output =
      next && next.words[0] === 'text' && next.words[1] === 'doc-output'
        ? { line: next.line, lines: next.body.split('\n').flatMap((text) => text.trim() || []) }
        : undefined;
    blocks.push({ language, index: blocks.length + 1, line, code: body, expectedExit, run, ...(output && { output }) });
  });
  return blocks;
}

/**
 * Each expected line must appear, in order, inside one line of the actual output; `…` matches any
 * run of characters (ids, timestamps, fingerprints). Returns the first expected line that is
 * missing, or undefined when all are there.
 */
export function missingOutputLine(expected: readonly string[], actual: string): string | undefined {
  const lines = actual.split(/\r?\n/);
  let from = 0;
  for (const wanted of expected) {
    // Spaces around `…` are optional, so `("x") … is` also matches `("x"), "y" is`.
    const pattern = new RegExp(
      wanted
        .split(/\s*…\s*/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
    );
    const found = lines.findIndex((line, i) => i >= from && pattern.test(line));
    if (found === -1) return wanted;
    from = found + 1;
  }
  return undefined;
}

/**
 * The ports the pages are written for: the apps' defaults, as tools/rename/current.mjs records them
 * (a rename moves the defaults, the pages and this record together).
 */
export const DOCUMENTED_PORTS: PortMap = CURRENT.ports;
export type PortMap = { readonly [service in PortKey]: number };

const LOCAL_ADDRESS = /\b(localhost|127\.0\.0\.1):(\d{2,5})\b/g;

/** Addresses on one set of ports pointed at the other: `localhost:<port in from>` -> the same app's port in `to`. */
function remapPorts(text: string, from: PortMap, to: PortMap): string {
  const byPort = new Map((Object.keys(from) as PortKey[]).map((service) => [from[service], to[service]]));
  return text.replace(LOCAL_ADDRESS, (match, host: string, port: string) => {
    const mapped = byPort.get(Number(port));
    return mapped === undefined ? match : `${host}:${mapped}`;
  });
}

/** A page's `localhost:<default port>` addresses, pointed at the ports the test's processes really use. */
export const toActualPorts = (text: string, ports: PortMap) => remapPorts(text, DOCUMENTED_PORTS, ports);

/** The reverse, for output: a redirect URL on the real port reads as the page shows it. */
export const toDocumentedPorts = (text: string, ports: PortMap) => remapPorts(text, ports, DOCUMENTED_PORTS);

/**
 * Local addresses in a block that name none of the documented ports. Left alone they would reach
 * whatever else listens there on the machine running the test; they mean the page still names a
 * default port the apps no longer use.
 */
export function undocumentedAddresses(code: string): string[] {
  const documented = new Set<number>(Object.values(DOCUMENTED_PORTS));
  return [...code.matchAll(LOCAL_ADDRESS)]
    .filter((match) => !documented.has(Number(match[2])))
    .map((match) => match[0]);
}

export interface RelativeLink {
  readonly line: number;
  readonly target: string;
}

/**
 * Relative link targets outside code (fenced blocks and inline code spans are skipped), without
 * their `#fragment`. Absolute URLs, `mailto:` and same-page anchors are not files to check.
 */
export function relativeLinks(markdown: string): RelativeLink[] {
  const code = fences(markdown);
  const links: RelativeLink[] = [];
  markdown.split(/\r?\n/).forEach((text, i) => {
    if (code.some((fence) => fence.line <= i + 1 && i + 1 <= fence.end)) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(
      /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g,
    )) {
      const target = (match[1] ?? match[2]) as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = target.split('#')[0] as string;
      if (path !== '') links.push({ line: i + 1, target: decodeURI(path) });
    }
  });
  return links;
}
