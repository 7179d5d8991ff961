// The rename itself, without the command line: validation, the plan (every file's new text, built
// in memory before anything is written) and writing it. rename.mjs is the CLI around it.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CURRENT, OTHER_PORTS } from './current.mjs';
import { NOT_DEFAULTS, PORT_FILES } from './port-rules.mjs';

/** Bad input or a repository the rename must not touch: exit code 2, nothing written. */
export class UsageError extends Error {}

export const EXIT = Object.freeze({ ok: 0, unexpected: 1, usage: 2 });

/** The four defaults, in the order the CLI and the summary show them. */
export const PORT_KINDS = Object.freeze([
  { key: 'gateway', option: 'gateway-port', label: 'gateway port' },
  { key: 'webhook', option: 'webhook-port', label: 'webhook port' },
  { key: 'sandboxMtls', option: 'sandbox-mtls-port', label: 'sandbox mTLS port' },
  { key: 'sandboxOneway', option: 'sandbox-oneway-port', label: 'sandbox one-way port' },
]);

// Below 1024 an unprivileged `nx serve` cannot listen; from 32768 up Linux hands ports out to
// outgoing connections, so a default there fails now and then with EADDRINUSE.
export const PORT_RANGE = Object.freeze({ min: 1024, max: 32767 });

// The scoped names must stay valid for npm, and the product name is also the Compose project name
// and the image prefix (docker-compose.yml), so it takes the narrower of their rules.
const SCOPE_SHAPE = /^@[a-z0-9][a-z0-9._-]*$/;
const NAME_SHAPE = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
const NAME_MAX = 50; // "<name>-storage" is a PostgreSQL application_name, cut at 63 bytes
// The display name goes into certificate subjects ("O=<display> Testing, CN=<display> Dev Root CA"):
// no commas, equals signs or quotes, and short enough for a 64-character common name.
const DISPLAY_SHAPE = /^[A-Za-z0-9]+(?:(?:[ .-]|\. )[A-Za-z0-9]+)*\.?$/;
const DISPLAY_MAX = 40;
const NPM_NAME_MAX = 214;

/** `value` when `ok`, else a UsageError saying why. */
function checked(value, ok, message) {
  if (!ok) throw new UsageError(message);
  return value;
}

export function validateScope(value) {
  const shape =
    `--scope ${JSON.stringify(value)} is not an npm scope: write it as @name in lowercase letters, digits, ` +
    `"-", "." or "_", starting with a letter or digit (e.g. --scope @acme).`;
  checked(value, SCOPE_SHAPE.test(value), shape);
  const length = `--scope ${value} is too long: npm package names are at most ${NPM_NAME_MAX} characters.`;
  return checked(value, value.length + '/testing-pki'.length <= NPM_NAME_MAX, length);
}

export const validateName = (value) =>
  checked(
    value,
    NAME_SHAPE.test(value) && value.length <= NAME_MAX,
    `--name ${JSON.stringify(value)} is not a usable product name: use lowercase letters and digits, words ` +
      `joined by single "-" or "_", at most ${NAME_MAX} characters (e.g. --name acme-pay-kit). It becomes the ` +
      `root package name, the Compose project name and the image prefix.`,
  );

export const validateDisplayName = (value) =>
  checked(
    value,
    DISPLAY_SHAPE.test(value) && value.length <= DISPLAY_MAX,
    `--display-name ${JSON.stringify(value)} is not usable: use letters, digits, single spaces, "-" or ".", ` +
      `at most ${DISPLAY_MAX} characters (e.g. --display-name "Acme Pay Kit"). It goes into certificate subjects.`,
  );

export const validatePort = (option, raw) =>
  checked(
    Number(raw),
    /^\d+$/.test(String(raw)) && Number(raw) >= PORT_RANGE.min && Number(raw) <= PORT_RANGE.max,
    `--${option} ${JSON.stringify(String(raw))} is not a port in ${PORT_RANGE.min}-${PORT_RANGE.max} ` +
      `(below ${PORT_RANGE.min} needs root; from ${PORT_RANGE.max + 1} up is the system's range for outgoing connections).`,
  );

/** "acme-pay-kit" -> "Acme Pay Kit". */
export const defaultDisplayName = (name) =>
  name.replace(/(^|[-_])(.)/g, (_, separator, letter) => `${separator && ' '}${letter.toUpperCase()}`);

/** Ports after the rename: the given ones over the current defaults; distinct and clear of OTHER_PORTS. */
export function resolvePorts(given) {
  const ports = { ...CURRENT.ports };
  for (const { key } of PORT_KINDS) if (given[key] !== undefined) ports[key] = given[key];
  const source = (kind) => (given[kind.key] !== undefined ? `--${kind.option}` : 'its current default');
  const seen = new Map();
  for (const kind of PORT_KINDS) {
    const port = ports[kind.key];
    const other = seen.get(port);
    if (other !== undefined) {
      throw new UsageError(
        `the ${other.label} (${source(other)}) and the ${kind.label} (${source(kind)}) would both be ${port}: ` +
          `every default port must differ, so pick distinct ports.`,
      );
    }
    if (OTHER_PORTS[port] !== undefined) {
      throw new UsageError(`--${kind.option} ${port} is taken: ${port} is ${OTHER_PORTS[port]}. Pick another port.`);
    }
    seen.set(port, kind);
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------------
// Ports

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Where the given ports sit in a text: every whole number equal to one of them (not part of a longer
 * number, word or dotted version), outside the `exceptions` texts.
 */
export function portSpans(text, ports, exceptions = []) {
  const kinds = new Map(Object.entries(ports).map(([kind, port]) => [String(port), kind]));
  const excepted = exceptions.flatMap((known) =>
    [...text.matchAll(new RegExp(escape(known), 'g'))].map((m) => [m.index, m.index + known.length]),
  );
  return [...text.matchAll(new RegExp(`(?<![\\w.])(?:${[...kinds.keys()].join('|')})(?!\\w)`, 'g'))]
    .filter((m) => !excepted.some(([start, end]) => start <= m.index && m.index < end))
    .map((m) => ({ start: m.index, end: m.index + m[0].length, kind: kinds.get(m[0]) }));
}

// ---------------------------------------------------------------------------------------------------
// The repository

function git(root, args) {
  const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    if (result.error.code === 'ENOENT') throw new UsageError('git is not installed: the rename lists files with git.');
    throw result.error;
  }
  return result;
}

/** The work tree's tracked files; refuses a folder that is not the top of a git work tree. */
export function checkRepository(root, { force }) {
  if (!existsSync(root)) throw new UsageError(`--root ${root} does not exist.`);
  const top = git(root, ['rev-parse', '--show-toplevel']);
  if (top.status !== 0) {
    throw new UsageError(
      `${root} is not a git work tree: the rename changes only the files git tracks. Run it in a clone of ` +
        `the repository (or pass --root <the clone>).`,
    );
  }
  const topLevel = realpathSync(top.stdout.trim());
  if (topLevel !== realpathSync(root)) {
    throw new UsageError(`${root} is inside the git work tree ${topLevel}: pass --root ${topLevel}.`);
  }
  const status = git(root, ['status', '--porcelain']);
  if (status.status !== 0) throw new Error(`git status failed: ${status.stderr.trim()}`);
  const dirty = status.stdout.split('\n').filter(Boolean);
  if (dirty.length > 0 && !force) {
    const shown = dirty.slice(0, 10).map((line) => `  ${line}`);
    if (dirty.length > 10) shown.push(`  ... and ${dirty.length - 10} more`);
    throw new UsageError(
      `the work tree has uncommitted changes, and a rename mixed with other edits cannot be reviewed:\n` +
        `${shown.join('\n')}\nCommit or stash them first (or pass --force to rename anyway).`,
    );
  }
  const listed = git(root, ['ls-files', '-z']);
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr.trim()}`);
  const files = listed.stdout.split('\0').filter(Boolean);
  return { files, dirty };
}

// ---------------------------------------------------------------------------------------------------
// The plan

/**
 * The current names as whole words: "@scope" is never taken for "scope", and "connectpay-kit-gateway"
 * still renames its first two words.
 */
const OLD_TOKENS = Object.freeze({
  scope: `${escape(CURRENT.scope)}(?![\\w-])`,
  displayName: `(?<!\\w)${escape(CURRENT.displayName)}(?!\\w)`,
  name: `(?<![@\\w])${escape(CURRENT.name)}(?!\\w)`,
});
const changing = (target, kinds) => kinds.filter((kind) => target[kind] !== CURRENT[kind]);

/** The token replacements, as one expression so a replacement is never replaced again. */
function tokenReplacer(target) {
  const kinds = changing(target, Object.keys(OLD_TOKENS));
  if (kinds.length === 0) return undefined;
  const regex = new RegExp(kinds.map((kind) => `(?<${kind}>${OLD_TOKENS[kind]})`).join('|'), 'g');
  return (text, counts) =>
    text.replace(regex, (...args) => {
      const kind = kinds.find((k) => args.at(-1)[k] !== undefined);
      counts[kind] += 1;
      return target[kind];
    });
}

const collator = (a, b) => a.localeCompare(b, 'en');
const isSorted = (keys) => keys.every((key, i) => i === 0 || collator(keys[i - 1], key) <= 0);

/**
 * Objects whose keys were in npm's order keep it after their keys are renamed: npm writes the
 * lockfile's "packages" and saves dependency maps sorted, so `npm install` has nothing to reorder.
 */
function keepSorted(before, after) {
  if (Array.isArray(after)) return after.map((item, i) => keepSorted(before?.[i], item));
  if (after === null || typeof after !== 'object') return after;
  const beforeKeys = before && typeof before === 'object' ? Object.keys(before) : [];
  const beforeValues = before && typeof before === 'object' ? Object.values(before) : [];
  const entries = Object.entries(after).map(([key, value], i) => [key, keepSorted(beforeValues[i], value)]);
  if (beforeKeys.length === entries.length && isSorted(beforeKeys)) entries.sort(([a], [b]) => collator(a, b));
  return Object.fromEntries(entries);
}

function reorderJson(before, after) {
  let oldValue;
  try {
    oldValue = JSON.parse(before);
  } catch {
    return after;
  }
  // Only files in npm's own layout are re-serialised; anything hand-formatted keeps its text.
  if (`${JSON.stringify(oldValue, null, 2)}\n` !== before) return after;
  return `${JSON.stringify(keepSorted(oldValue, JSON.parse(after)), null, 2)}\n`;
}

function workspacePackageNames(root, files) {
  const names = new Set();
  const dependencies = new Set();
  for (const file of files) {
    if (basename(file) !== 'package.json') continue;
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(root, file), 'utf8'));
    } catch {
      continue;
    }
    if (typeof manifest.name === 'string') names.add(manifest.name);
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dependency of Object.keys(manifest[field] ?? {})) dependencies.add(dependency);
    }
  }
  return { names, dependencies };
}

function lockedPackages(root, files) {
  if (!files.includes('package-lock.json')) return [];
  try {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    return Object.entries(lock.packages ?? {})
      .filter(([path, entry]) => path.includes('node_modules/') && entry.link !== true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  } catch {
    return [];
  }
}

/**
 * Every change, computed in memory. Throws UsageError when the repository does not use the current
 * scope (already renamed, or another repository) or when the new scope belongs to a dependency.
 */
export function planRename(root, files, target) {
  const { names, dependencies } = workspacePackageNames(root, files);
  const ours = [...names].filter((name) => name.startsWith(`${CURRENT.scope}/`));
  if (ours.length === 0) {
    throw new UsageError(
      `no package in ${root} is named ${CURRENT.scope}/*: it was already renamed (tools/rename/current.mjs ` +
        `there says what it is called now), or it is not this template.`,
    );
  }
  if (target.scope !== CURRENT.scope) {
    const foreign = [...new Set([...dependencies, ...lockedPackages(root, files)])].filter(
      (name) => name.startsWith(`${target.scope}/`) && !names.has(name),
    );
    if (foreign.length > 0) {
      throw new UsageError(
        `--scope ${target.scope} is already used by dependencies (${foreign.slice(0, 3).join(', ')}): ` +
          `workspace packages there would clash with them. Pick a scope of your own.`,
      );
    }
  }
  const portChanges = PORT_KINDS.filter(({ key }) => target.ports[key] !== CURRENT.ports[key]);
  if (
    target.scope === CURRENT.scope &&
    target.name === CURRENT.name &&
    target.displayName === CURRENT.displayName &&
    portChanges.length === 0
  ) {
    throw new UsageError(
      `nothing to rename: the repository is already ${CURRENT.scope} / ${CURRENT.name} with these ports.`,
    );
  }

  const replaceTokens = tokenReplacer(target);
  const changes = [];
  const unmatched = [];
  const skipped = [];
  for (const file of files) {
    const path = join(root, file);
    // Deleted in the work tree but still in the index: nothing to rename.
    if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
    const bytes = readFileSync(path);
    if (bytes.includes(0)) continue; // binary
    const before = bytes.toString('utf8');
    const counts = { scope: 0, name: 0, displayName: 0, ports: 0 };
    let after = before;
    if (PORT_FILES.includes(file)) {
      const spans = portSpans(before, CURRENT.ports, NOT_DEFAULTS[file]);
      if (spans.length === 0) unmatched.push(file);
      for (const span of spans.reverse()) {
        const to = target.ports[span.kind];
        if (to === CURRENT.ports[span.kind]) continue;
        after = after.slice(0, span.start) + String(to) + after.slice(span.end);
        counts.ports += 1;
      }
    }
    if (replaceTokens !== undefined) after = replaceTokens(after, counts);
    if (after === before) continue;
    if (!Buffer.from(before, 'utf8').equals(bytes)) {
      skipped.push(file); // not UTF-8: rewriting it would corrupt it
      continue;
    }
    const name = basename(file);
    if (name === 'package.json' || name === 'package-lock.json') after = reorderJson(before, after);
    changes.push({ file, before, after, counts });
  }
  const missing = PORT_FILES.filter((file) => !files.includes(file));
  return { changes, unmatched, missing, skipped, portChanges };
}

// ---------------------------------------------------------------------------------------------------
// Writing

function prettierOf(root) {
  const bin = join(root, 'node_modules', '.bin', 'prettier');
  return existsSync(bin) ? bin : undefined;
}

function runPrettier(root, bin, args, files) {
  if (files.length === 0) return { status: 0, stdout: '' };
  const result = spawnSync(bin, ['--ignore-unknown', '--no-error-on-unmatched-pattern', ...args, ...files], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) return { status: 2, stdout: '', stderr: result.error.message };
  return result;
}

/**
 * Writes every change, then lets the repository's own prettier re-wrap the lines a longer or shorter
 * name moved across the print width, in the files that were formatted before (so the rename never
 * mixes in a reformat of a file someone keeps unformatted).
 */
export function applyPlan(root, plan) {
  const files = plan.changes.map((change) => change.file).filter((file) => basename(file) !== 'package-lock.json');
  const bin = prettierOf(root);
  let unformattedBefore;
  if (bin !== undefined) {
    const check = runPrettier(root, bin, ['--list-different'], files);
    if (check.status === 0 || check.status === 1) unformattedBefore = new Set(check.stdout.split('\n').filter(Boolean));
  }
  for (const change of plan.changes) writeFileSync(join(root, change.file), change.after);
  if (bin === undefined) return { state: 'missing', files };
  if (unformattedBefore === undefined) return { state: 'failed', files };
  const formatted = files.filter((file) => !unformattedBefore.has(file));
  const written = runPrettier(root, bin, ['--write', '--log-level', 'warn'], formatted);
  return { state: written.status === 0 ? 'ok' : 'failed', files: formatted };
}

/** Tracked files that still hold the old scope or name (binary or non-UTF-8 files the rename skipped). */
export function leftovers(root, files, target) {
  const olds = changing(target, ['scope', 'name']).map((kind) => new RegExp(OLD_TOKENS[kind]));
  if (olds.length === 0) return [];
  const found = [];
  for (const file of files) {
    const path = join(root, file);
    if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
    const text = readFileSync(path, 'latin1');
    if (olds.some((old) => old.test(text))) found.push(file);
  }
  return found;
}
