#!/usr/bin/env node
// Makes the template a company's own: renames the npm scope, the product name and the default ports
// in every file git tracks. Every file's new text is built in memory before anything is written.
// See tools/rename/README.md.
//
// Exit codes: 0 renamed (or dry run done), 2 bad options or a repository the rename refuses (nothing
// written), 1 unexpected error.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CURRENT, OTHER_PORTS } from './current.mjs';
import { NOT_DEFAULTS, PORT_FILES, PORT_KINDS, escape, portSpans } from './port-rules.mjs';

/**
 * Bad input or a repository the rename must not touch: exit code 2, nothing written. Thrown by an
 * option's parser, commander reports it as an invalid value of that option.
 */
class UsageError extends InvalidArgumentError {}

const EXIT = Object.freeze({ ok: 0, unexpected: 1, usage: 2 });

// Below 1024 an unprivileged `nx serve` cannot listen; from 32768 up Linux hands ports out to
// outgoing connections, so a default there fails now and then with EADDRINUSE.
const PORT_RANGE = Object.freeze({ min: 1024, max: 32767 });

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

function validateScope(value) {
  const shape =
    `--scope ${JSON.stringify(value)} is not an npm scope: write it as @name in lowercase letters, digits, ` +
    `"-", "." or "_", starting with a letter or digit (e.g. --scope @acme).`;
  checked(value, SCOPE_SHAPE.test(value), shape);
  const length = `--scope ${value} is too long: npm package names are at most ${NPM_NAME_MAX} characters.`;
  return checked(value, value.length + '/testing-pki'.length <= NPM_NAME_MAX, length);
}

const validateName = (value) =>
  checked(
    value,
    NAME_SHAPE.test(value) && value.length <= NAME_MAX,
    `--name ${JSON.stringify(value)} is not a usable product name: use lowercase letters and digits, words ` +
      `joined by single "-" or "_", at most ${NAME_MAX} characters (e.g. --name acme-pay-kit). It becomes the ` +
      `root package name, the Compose project name and the image prefix.`,
  );

const validateDisplayName = (value) =>
  checked(
    value,
    DISPLAY_SHAPE.test(value) && value.length <= DISPLAY_MAX,
    `--display-name ${JSON.stringify(value)} is not usable: use letters, digits, single spaces, "-" or ".", ` +
      `at most ${DISPLAY_MAX} characters (e.g. --display-name "Acme Pay Kit"). It goes into certificate subjects.`,
  );

const validatePort = (option, raw) =>
  checked(
    Number(raw),
    /^\d+$/.test(raw) && Number(raw) >= PORT_RANGE.min && Number(raw) <= PORT_RANGE.max,
    `--${option} ${JSON.stringify(raw)} is not a port in ${PORT_RANGE.min}-${PORT_RANGE.max} ` +
      `(below ${PORT_RANGE.min} needs root; from ${PORT_RANGE.max + 1} up is the system's range for outgoing connections).`,
  );

/** Ports after the rename: the options' over the current defaults; distinct and clear of OTHER_PORTS. */
function resolvePorts(options) {
  const given = (kind) => options[`${kind.key}Port`];
  const ports = Object.fromEntries(PORT_KINDS.map((kind) => [kind.key, given(kind) ?? CURRENT.ports[kind.key]]));
  const source = (kind) => (given(kind) !== undefined ? `--${kind.option}` : 'its current default');
  PORT_KINDS.forEach((kind, i) => {
    const port = ports[kind.key];
    const other = PORT_KINDS.slice(0, i).find((earlier) => ports[earlier.key] === port);
    if (other !== undefined) {
      throw new UsageError(
        `the ${other.label} (${source(other)}) and the ${kind.label} (${source(kind)}) would both be ${port}: ` +
          `every default port must differ, so pick distinct ports.`,
      );
    }
    if (OTHER_PORTS[port] !== undefined) {
      throw new UsageError(`--${kind.option} ${port} is taken: ${port} is ${OTHER_PORTS[port]}. Pick another port.`);
    }
  });
  return ports;
}

/** Git's output; when git fails, `failure`, or an unexpected error with git's message. */
function git(root, args, failure) {
  const result = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error?.code === 'ENOENT') throw new UsageError('git is not installed: the rename lists files with git.');
  if (result.error) throw result.error;
  if (result.status !== 0) throw failure ?? new Error(`git ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** The work tree's tracked files; refuses a folder that is not the top of a git work tree. */
function checkRepository(root, { force }) {
  if (!existsSync(root)) throw new UsageError(`--root ${root} does not exist.`);
  const notRepository = new UsageError(
    `${root} is not a git work tree: the rename changes only the files git tracks. Run it in a clone of ` +
      `the repository (or pass --root <the clone>).`,
  );
  const topLevel = realpathSync(git(root, ['rev-parse', '--show-toplevel'], notRepository).trim());
  if (topLevel !== realpathSync(root)) {
    throw new UsageError(`${root} is inside the git work tree ${topLevel}: pass --root ${topLevel}.`);
  }
  const dirty = git(root, ['status', '--porcelain']).split('\n').filter(Boolean);
  if (dirty.length > 0 && !force) {
    const shown = dirty.slice(0, 10).map((line) => `  ${line}`);
    if (dirty.length > 10) shown.push(`  ... and ${dirty.length - 10} more`);
    throw new UsageError(
      `the work tree has uncommitted changes, and a rename mixed with other edits cannot be reviewed:\n` +
        `${shown.join('\n')}\nCommit or stash them first (or pass --force to rename anyway).`,
    );
  }
  return { files: git(root, ['ls-files', '-z']).split('\0').filter(Boolean), dirty };
}

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

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reorderJson(before, after) {
  const oldValue = parseJson(before);
  // Only files in npm's own layout are re-serialised; anything hand-formatted keeps its text.
  if (oldValue === undefined || `${JSON.stringify(oldValue, null, 2)}\n` !== before) return after;
  return `${JSON.stringify(keepSorted(oldValue, JSON.parse(after)), null, 2)}\n`;
}

/** The workspace's package names, and every package it depends on (manifests and the lockfile). */
function packageNames(root, files) {
  const names = new Set();
  const dependencies = new Set();
  const json = (file) => parseJson(readFileSync(join(root, file), 'utf8'));
  for (const file of files.filter((file) => basename(file) === 'package.json')) {
    const manifest = json(file) ?? {};
    if (typeof manifest.name === 'string') names.add(manifest.name);
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dependency of Object.keys(manifest[field] ?? {})) dependencies.add(dependency);
    }
  }
  const locked = files.includes('package-lock.json') ? json('package-lock.json')?.packages : undefined;
  for (const [path, entry] of Object.entries(locked ?? {})) {
    const at = path.lastIndexOf('node_modules/');
    if (at >= 0 && entry?.link !== true) dependencies.add(path.slice(at + 'node_modules/'.length));
  }
  return { names, dependencies };
}

/**
 * Every change, computed in memory. Throws UsageError when the repository does not use the current
 * scope (already renamed, or another repository) or when the new scope belongs to a dependency.
 */
function planRename(root, files, target) {
  const { names, dependencies } = packageNames(root, files);
  if (![...names].some((name) => name.startsWith(`${CURRENT.scope}/`))) {
    throw new UsageError(
      `no package in ${root} is named ${CURRENT.scope}/*: it was already renamed (tools/rename/current.mjs ` +
        `there says what it is called now), or it is not this template.`,
    );
  }
  const foreign = [...dependencies].filter((name) => name.startsWith(`${target.scope}/`) && !names.has(name));
  if (target.scope !== CURRENT.scope && foreign.length > 0) {
    throw new UsageError(
      `--scope ${target.scope} is already used by dependencies (${foreign.slice(0, 3).join(', ')}): ` +
        `workspace packages there would clash with them. Pick a scope of your own.`,
    );
  }
  const replaceTokens = tokenReplacer(target);
  if (replaceTokens === undefined && PORT_KINDS.every(({ key }) => target.ports[key] === CURRENT.ports[key])) {
    throw new UsageError(
      `nothing to rename: the repository is already ${CURRENT.scope} / ${CURRENT.name} with these ports.`,
    );
  }

  // Files that keep the old scope or name (binary, not UTF-8) are named after the rename.
  const olds = changing(target, ['scope', 'name']).map((kind) => new RegExp(OLD_TOKENS[kind]));
  const missing = PORT_FILES.filter((file) => !files.includes(file));
  const plan = { changes: [], unmatched: [], missing, skipped: [], leftovers: [] };
  for (const file of files) {
    const path = join(root, file);
    // Deleted in the work tree but still in the index: nothing to rename.
    if (!lstatSync(path, { throwIfNoEntry: false })?.isFile()) continue;
    const bytes = readFileSync(path);
    const before = bytes.toString('utf8');
    const counts = { scope: 0, name: 0, displayName: 0, ports: 0 };
    let after = before;
    if (!bytes.includes(0) && PORT_FILES.includes(file)) {
      const spans = portSpans(before, CURRENT.ports, NOT_DEFAULTS[file]);
      if (spans.length === 0) plan.unmatched.push(file);
      for (const span of spans.reverse()) {
        const to = target.ports[span.kind];
        if (to === CURRENT.ports[span.kind]) continue;
        after = after.slice(0, span.start) + String(to) + after.slice(span.end);
        counts.ports += 1;
      }
    }
    if (!bytes.includes(0) && replaceTokens !== undefined) after = replaceTokens(after, counts);
    if (after !== before && !Buffer.from(before, 'utf8').equals(bytes)) {
      plan.skipped.push(file); // not UTF-8: rewriting it would corrupt it
      after = before;
    }
    if (olds.some((old) => old.test(after))) plan.leftovers.push(file);
    if (after === before) continue;
    const name = basename(file);
    if (name === 'package.json' || name === 'package-lock.json') after = reorderJson(before, after);
    plan.changes.push({ file, before, after, counts });
  }
  return plan;
}

function runPrettier(root, bin, args, files) {
  if (files.length === 0) return { status: 0, stdout: '' };
  const result = spawnSync(bin, ['--ignore-unknown', '--no-error-on-unmatched-pattern', ...args, ...files], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return result.error ? { status: 2, stdout: '' } : result;
}

/**
 * Writes every change, then lets the repository's own prettier re-wrap the lines a longer or shorter
 * name moved across the print width, in the files that were formatted before (so the rename never
 * mixes in a reformat of a file someone keeps unformatted).
 */
function applyPlan(root, plan) {
  const files = plan.changes.map((change) => change.file).filter((file) => basename(file) !== 'package-lock.json');
  const bin = join(root, 'node_modules', '.bin', 'prettier');
  const check = existsSync(bin) ? runPrettier(root, bin, ['--list-different'], files) : undefined;
  for (const change of plan.changes) writeFileSync(join(root, change.file), change.after);
  if (check === undefined) return { state: 'missing', files };
  if (check.status !== 0 && check.status !== 1) return { state: 'failed', files };
  const unformattedBefore = new Set(check.stdout.split('\n').filter(Boolean));
  const formatted = files.filter((file) => !unformattedBefore.has(file));
  const written = runPrettier(root, bin, ['--write', '--log-level', 'warn'], formatted);
  return { state: written.status === 0 ? 'ok' : 'failed', files: formatted };
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const warn = (text) => process.stderr.write(`warning: ${text}\n`);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

const COUNT_LABELS = { scope: 'scope', name: 'name', displayName: 'display name', ports: 'ports' };
const describeCounts = (counts) =>
  Object.entries(COUNT_LABELS)
    .filter(([key]) => counts[key])
    .map(([key, label]) => `${label} ${counts[key]}`)
    .join(', ');

/** The changed lines of one file, old above new (every change keeps the line count but a reorder). */
function changedLines(change) {
  const before = change.before.split('\n');
  const after = change.after.split('\n');
  if (before.length !== after.length) return [`      (${before.length} lines -> ${after.length} lines)`];
  return before.flatMap((line, i) =>
    line === after[i]
      ? []
      : [`      ${String(i + 1).padStart(5)} - ${line.trim()}`, `            + ${after[i].trim()}`],
  );
}

function printPlan(root, target, plan, files, dryRun) {
  say(`${dryRun ? 'Dry run: would rename' : 'Renaming'} ${root} (${plural(files.length, 'tracked file')})`);
  const rows = [
    ['scope', CURRENT.scope, target.scope],
    ['name', CURRENT.name, target.name],
    ['display name', CURRENT.displayName, target.displayName],
    ...PORT_KINDS.map((kind) => [kind.label, String(CURRENT.ports[kind.key]), String(target.ports[kind.key])]),
  ];
  for (const [label, from, to] of rows)
    say(`  ${label.padEnd(21)} ${from === to ? `${from} (kept)` : `${from} -> ${to}`}`);
  say();

  if (dryRun) {
    for (const change of plan.changes) {
      say(`  ${change.file}  (${describeCounts(change.counts)})`);
      if (change.file === 'package-lock.json') say('      (entries renamed and re-sorted as npm writes them)');
      else changedLines(change).forEach((line) => say(line));
    }
    say();
  }

  const totals = { scope: 0, name: 0, displayName: 0, ports: 0 };
  for (const change of plan.changes) for (const key of Object.keys(totals)) totals[key] += change.counts[key];
  say(`${dryRun ? 'Would change' : 'Changed'} ${plural(plan.changes.length, 'file')}.`);
  say(`Replacements: ${describeCounts(totals) || 'none'}`);

  if (plan.missing.length > 0) {
    warn(
      `tools/rename/port-rules.mjs lists ${plural(plan.missing.length, 'file')} this repository does not track, ` +
        `so no default port was changed there: ${plan.missing.join(', ')}`,
    );
  }
  for (const file of plan.unmatched) {
    warn(`${file} no longer holds a default port: check its ports by hand and update tools/rename/port-rules.mjs.`);
  }
  for (const file of plan.skipped) warn(`${file} is not UTF-8 text and was left unchanged; rename in it by hand.`);
}

function printAfter(target, plan, format) {
  if (format.state === 'ok') say(`Formatted with the repository's prettier: ${plural(format.files.length, 'file')}.`);
  if (plan.leftovers.length > 0) {
    warn(`still mentioning ${CURRENT.scope} or ${CURRENT.name}: ${plan.leftovers.join(', ')}`);
  }
  say();
  say('Next steps:');
  const why = { missing: 'prettier is not installed yet', failed: 'prettier could not run' }[format.state];
  const steps = [
    `npm install      links node_modules/${target.scope}/* to the workspaces (the lockfile is already renamed)`,
    ...(why ? [`npx prettier --write $(git diff --name-only)   re-wraps lines the new names lengthened (${why})`] : []),
    'npm test         lint, typecheck and every test, under the new names',
    'git diff         review, then commit the rename on its own',
  ];
  steps.forEach((step, i) => say(`  ${i + 1}. ${step}`));
  say(
    `  Optional: delete .dev-pki/ so the local certificates are issued to "${target.displayName}"; Docker ` +
      `images are now ${target.name}/<app>:local and the Compose project ${target.name} (old volumes stay under the old name).`,
  );
}

function parseOptions(argv) {
  const command = new Command('rename')
    .description(
      `Renames this repository: the npm scope (now ${CURRENT.scope}), the product name (now ${CURRENT.name}, ` +
        `in words "${CURRENT.displayName}") and the apps' default ports, in every file git tracks. ` +
        'The provider (ConnectPay, CONNECTPAY_* variables, its hosts, headers and metrics) keeps its name.',
    )
    .requiredOption('--scope <scope>', 'new npm scope, e.g. @acme', validateScope)
    .requiredOption('--name <name>', 'new product name, e.g. acme-pay-kit', validateName)
    .option(
      '--display-name <words>',
      'the name in words (certificate subjects, prose); default: from --name, e.g. "Acme Pay Kit"',
      validateDisplayName,
    );
  for (const kind of PORT_KINDS) {
    const validate = (value) => validatePort(kind.option, value);
    command.option(`--${kind.option} <port>`, `default ${kind.label} (now ${CURRENT.ports[kind.key]})`, validate);
  }
  return command
    .option('--dry-run', 'print what would change and write nothing')
    .option('--force', 'rename even though the work tree has uncommitted changes')
    .option('--root <dir>', 'the repository to rename', resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'))
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 invalid options or a repository the rename refuses (nothing written), 1 unexpected error.\n' +
        'Example: node tools/rename/rename.mjs --scope @acme --name acme-pay-kit --gateway-port 4100 --dry-run',
    )
    .showHelpAfterError('(node tools/rename/rename.mjs --help shows every option)')
    .exitOverride()
    .parse(argv)
    .opts();
}

/** "acme-pay-kit" -> "Acme Pay Kit". */
const defaultDisplayName = (name) =>
  name.replace(/(^|[-_])(.)/g, (_, separator, letter) => `${separator && ' '}${letter.toUpperCase()}`);

let writing = false; // from here on, a failure may leave some files renamed

function main(argv) {
  const options = parseOptions(argv);
  const root = resolve(options.root);
  const target = {
    scope: options.scope,
    name: options.name,
    ports: resolvePorts(options),
    // A kept name keeps its display name; a new one gets its words capitalised.
    displayName:
      options.displayName ??
      validateDisplayName(options.name === CURRENT.name ? CURRENT.displayName : defaultDisplayName(options.name)),
  };
  const { files, dirty } = checkRepository(root, { force: options.force === true || options.dryRun === true });
  const changes = plural(dirty.length, 'uncommitted change');
  if (dirty.length > 0 && options.dryRun) {
    process.stderr.write(`note: the work tree has ${changes}; a real run would refuse without --force.\n`);
  } else if (dirty.length > 0) warn(`renaming over ${changes} (--force): review the diff with care.`);
  const plan = planRename(root, files, target);
  printPlan(root, target, plan, files, options.dryRun === true);
  if (options.dryRun) {
    say('\nDry run: nothing was written.');
    return;
  }
  writing = true;
  printAfter(target, plan, applyPlan(root, plan));
}

try {
  main(process.argv);
  process.exitCode = EXIT.ok;
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`rename: ${error.message}\n`);
    process.exitCode = EXIT.usage;
  } else if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander has said why
  } else {
    // No stack trace for the user: the message names what failed; RENAME_DEBUG=1 shows the rest.
    process.stderr.write(
      `rename: unexpected error: ${error instanceof Error ? error.message : String(error)}\n` +
        (writing
          ? 'Some files may already be renamed: see git status, and restore them with git checkout -- . before retrying.\n'
          : 'Nothing was written.\n'),
    );
    if (process.env.RENAME_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
    process.exitCode = EXIT.unexpected;
  }
}
