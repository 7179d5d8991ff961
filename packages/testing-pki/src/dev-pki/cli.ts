#!/usr/bin/env node
// The dev PKI as a step of its own: `node packages/testing-pki/dist/dev-pki/cli.js [dir]` makes (or
// reuses) the local dev PKI, so the apps only ever read it. `npx nx run sandbox:dev-pki` runs this,
// every `nx serve` depends on that target, and compose's one-shot `dev-pki` service runs it too.
//
// Exit codes: 0 made or reused, 2 wrong usage, 1 the dev PKI could not be made (the message says why).
import { resolve } from 'node:path';
import { TestingPkiError } from '../errors.js';
import { ensureDevPki } from './ensure-dev-pki.js';

const USAGE =
  'usage: node packages/testing-pki/dist/dev-pki/cli.js [dir]\n' +
  '  Makes the local dev PKI in dir (default: CONNECTPAY_DEV_PKI_DIR, else .dev-pki in the current folder),\n' +
  '  or reuses it while it is complete and valid for 30 more days.';

/** The folder to fill: the argument, else CONNECTPAY_DEV_PKI_DIR (as the apps read it), else ./.dev-pki. */
function devPkiDirFrom(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): string {
  return resolve(cwd, args[0] ?? (env['CONNECTPAY_DEV_PKI_DIR'] || '.dev-pki'));
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.length > 1 || args.some((arg) => arg.startsWith('-'))) {
    process.stderr.write(`dev-pki: unexpected arguments ${args.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const dir = devPkiDirFrom(args, process.env, process.cwd());
  const pki = await ensureDevPki(dir);
  process.stdout.write(
    pki.generated ? `dev PKI generated in ${pki.dir} (${pki.reason ?? 'new'})\n` : `dev PKI in ${pki.dir} reused\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // No stack for a known failure (ours, or the file system's EACCES, ENOTDIR, ...): its message says
    // what went wrong. Anything else is a bug: show it all.
    const known = error instanceof TestingPkiError || (error instanceof Error && 'code' in error);
    const text = error instanceof Error ? (known ? error.message : error.stack) : String(error);
    process.stderr.write(`dev-pki: the local dev PKI could not be made: ${text}\n`);
    process.exitCode = 1;
  },
);
