#!/usr/bin/env node
// Makes the template a company's own: renames the npm scope, the product name and the default ports
// in every file git tracks. See tools/rename/README.md.
//
// Exit codes: 0 renamed (or dry run done), 2 bad options or a repository the rename refuses (nothing
// written), 1 unexpected error.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CURRENT } from './current.mjs';
import {
  EXIT,
  PORT_KINDS,
  UsageError,
  applyPlan,
  checkRepository,
  defaultDisplayName,
  leftovers,
  planRename,
  resolvePorts,
  validateDisplayName,
  validateName,
  validatePort,
  validateScope,
} from './engine.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_ROOT = resolve(HERE, '..', '..');

/** Commander reports a rejected option value with this message and exit code 2. */
const asArgument = (validate) => (value) => {
  try {
    return validate(value);
  } catch (error) {
    if (error instanceof UsageError) throw new InvalidArgumentError(error.message);
    throw error;
  }
};

function program() {
  const command = new Command('rename')
    .description(
      `Renames this repository: the npm scope (now ${CURRENT.scope}), the product name (now ${CURRENT.name}, ` +
        `in words "${CURRENT.displayName}") and the apps' default ports, in every file git tracks. ` +
        'The provider (ConnectPay, CONNECTPAY_* variables, its hosts, headers and metrics) keeps its name.',
    )
    .requiredOption('--scope <scope>', 'new npm scope, e.g. @acme', asArgument(validateScope))
    .requiredOption('--name <name>', 'new product name, e.g. acme-pay-kit', asArgument(validateName))
    .option(
      '--display-name <words>',
      'the name in words (certificate subjects, prose); default: from --name, e.g. "Acme Pay Kit"',
      asArgument(validateDisplayName),
    );
  for (const kind of PORT_KINDS) {
    command.addOption(
      new Option(`--${kind.option} <port>`, `default ${kind.label} (now ${CURRENT.ports[kind.key]})`).argParser(
        asArgument((value) => validatePort(kind.option, value)),
      ),
    );
  }
  return command
    .option('--dry-run', 'print what would change and write nothing')
    .option('--force', 'rename even though the work tree has uncommitted changes')
    .option('--root <dir>', 'the repository to rename', DEFAULT_ROOT)
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 2 invalid options or a repository the rename refuses (nothing written), 1 unexpected error.\n' +
        'Example: node tools/rename/rename.mjs --scope @acme --name acme-pay-kit --gateway-port 4100 --dry-run',
    )
    .exitOverride()
    .showHelpAfterError('(node tools/rename/rename.mjs --help shows every option)');
}

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
  const out = [];
  before.forEach((line, i) => {
    if (line === after[i]) return;
    out.push(`      ${String(i + 1).padStart(5)} - ${line.trim()}`, `            + ${after[i].trim()}`);
  });
  return out;
}

function printPlan(root, target, plan, files, dryRun) {
  const say = (line = '') => process.stdout.write(`${line}\n`);
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
      else for (const line of changedLines(change)) say(line);
    }
    say();
  }

  const totals = { scope: 0, name: 0, displayName: 0, ports: 0 };
  for (const change of plan.changes) for (const key of Object.keys(totals)) totals[key] += change.counts[key];
  say(`${dryRun ? 'Would change' : 'Changed'} ${plural(plan.changes.length, 'file')}.`);
  say(`Replacements: ${describeCounts(totals) || 'none'}`);

  const warn = (text) => process.stderr.write(`warning: ${text}\n`);
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

function printAfter(root, target, files, format) {
  const say = (line = '') => process.stdout.write(`${line}\n`);
  if (format.state === 'ok') say(`Formatted with the repository's prettier: ${plural(format.files.length, 'file')}.`);
  const left = leftovers(root, files, target);
  if (left.length > 0) {
    process.stderr.write(`warning: still mentioning ${CURRENT.scope} or ${CURRENT.name}: ${left.join(', ')}\n`);
  }
  say();
  say('Next steps:');
  const steps = [
    `npm install      links node_modules/${target.scope}/* to the workspaces (the lockfile is already renamed)`,
  ];
  if (format.state !== 'ok') {
    const why = format.state === 'missing' ? 'prettier is not installed yet' : 'prettier could not run';
    steps.push(`npx prettier --write $(git diff --name-only)   re-wraps lines the new names lengthened (${why})`);
  }
  steps.push('npm test         lint, typecheck and every test, under the new names');
  steps.push('git diff         review, then commit the rename on its own');
  steps.forEach((step, i) => say(`  ${i + 1}. ${step}`));
  say(
    `  Optional: delete .dev-pki/ so the local certificates are issued to "${target.displayName}"; Docker ` +
      `images are now ${target.name}/<app>:local and the Compose project ${target.name} (old volumes stay under the old name).`,
  );
}

async function main(argv) {
  const command = program();
  try {
    command.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  const options = command.opts();
  const root = resolve(options.root);
  const target = {
    scope: options.scope,
    name: options.name,
    // A kept name keeps its display name; a new one gets its words capitalised.
    displayName:
      options.displayName ?? (options.name === CURRENT.name ? CURRENT.displayName : defaultDisplayName(options.name)),
    ports: resolvePorts(Object.fromEntries(PORT_KINDS.map((kind) => [kind.key, options[`${kind.key}Port`]]))),
  };
  if (options.displayName === undefined) validateDisplayName(target.displayName);
  const { files, dirty } = checkRepository(root, { force: options.force === true || options.dryRun === true });
  if (dirty.length > 0) {
    process.stderr.write(
      options.dryRun
        ? `note: the work tree has ${plural(dirty.length, 'uncommitted change')}; a real run would refuse without --force.\n`
        : `warning: renaming over ${plural(dirty.length, 'uncommitted change')} (--force): review the diff with care.\n`,
    );
  }
  const plan = planRename(root, files, target);
  printPlan(root, target, plan, files, options.dryRun === true);
  if (options.dryRun) {
    process.stdout.write('\nDry run: nothing was written.\n');
    return EXIT.ok;
  }
  let format;
  try {
    format = applyPlan(root, plan);
  } catch (error) {
    error.partial = true;
    throw error;
  }
  printAfter(root, target, files, format);
  return EXIT.ok;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`rename: ${error.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    // No stack trace for the user: the message names what failed; RENAME_DEBUG=1 shows the rest.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `rename: unexpected error: ${message}\n` +
        (error?.partial
          ? 'Some files may already be renamed: see git status, and restore them with git checkout -- . before retrying.\n'
          : 'Nothing was written.\n'),
    );
    if (process.env.RENAME_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
    process.exitCode = EXIT.unexpected;
  },
);
