import { fixChain, type ParsedInput } from '@connectpay-kit/certs';
import { readChainFile, requireCertificates } from '../chain-file.js';
import { displayPath, writeFileAtomic } from '../files.js';
import { ExitCode } from '../exit-codes.js';
import { safeLine } from '../format/sanitize.js';
import { loadPool, loadTrust } from '../load-options.js';
import { parseAt } from '../options.js';
import type { CommandContext } from './context.js';

export interface FixFlags {
  readonly output: string;
  readonly intermediates?: string;
  readonly trust?: readonly string[];
  readonly at?: string;
}

/** Several files (leaf.pem ca.pem root.pem) are one chain: their certificates are pooled in order. */
function combine(files: readonly string[]): { input: ParsedInput; conversions: string[] } {
  const parsed = files.map((file) => requireCertificates(readChainFile(file), file));
  const conversions = parsed.flatMap((input, position) =>
    input.format === 'pem'
      ? []
      : [`converted ${displayPath(files[position] as string)} from ${input.format.toUpperCase()} to PEM`],
  );
  if (parsed.length === 1) return { input: parsed[0] as ParsedInput, conversions: [] };
  return {
    input: {
      fileName: files.map(displayPath).join(' + '),
      format: 'pem',
      certificates: parsed.flatMap((input) => input.certificates),
      privateKeys: parsed.flatMap((input) => input.privateKeys),
      problems: parsed.flatMap((input) => input.problems),
    },
    conversions,
  };
}

export async function runFix(files: readonly string[], flags: FixFlags, context: CommandContext): Promise<ExitCode> {
  const at = parseAt(flags.at);
  const trust = loadTrust(flags.trust ?? []);
  const intermediates = flags.intermediates === undefined ? undefined : loadPool(flags.intermediates);
  const { input, conversions } = combine(files);
  const result = fixChain(input, {
    ...(at === undefined ? {} : { at }),
    ...(trust === undefined ? {} : { trust }),
    ...(intermediates === undefined ? {} : { intermediates }),
  });

  const toStdout = flags.output === '-';
  // With -o -, stdout carries the chain, so the account of the changes goes to stderr.
  const say = toStdout ? context.err : context.out;
  if (toStdout) context.out(result.chainPem);
  else writeFileAtomic(flags.output, result.chainPem);

  const changes = [...conversions, ...result.changes];
  const { bold, green, red } = context.colours;
  if (changes.length === 0) say('no changes: the chain was already in order\n');
  for (const change of changes) say(`  - ${safeLine(change)}\n`);
  const where = toStdout ? 'standard output' : flags.output;
  const count = `${result.certificates.length} certificate${result.certificates.length === 1 ? '' : 's'}`;
  if (result.complete) {
    say(`${green(bold('complete'))}: wrote ${count} to ${where}, leaf first, root last\n`);
    return ExitCode.ok;
  }
  context.err(
    `${red(bold('incomplete'))}: wrote ${count} to ${where}, but ${safeLine(result.problem ?? 'the chain does not reach a root')}; ` +
      "get the missing certificate from your CA's repository and pass it with --intermediates (or --trust for a private root)\n",
  );
  return ExitCode.findings;
}
