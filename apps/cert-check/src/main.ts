#!/usr/bin/env node
// Entry point: wires the process's streams to the program and turns its result into the exit code.
// The program is imported dynamically, after the handlers below, so even a broken install (a missing
// dependency) ends in one line on stderr instead of Node's stack trace.
const UNUSABLE = 2;

function fail(error: unknown): void {
  const message = (error as { message?: unknown } | null)?.message;
  process.stderr.write(`cert-check: unexpected error: ${typeof message === 'string' ? message : String(error)}\n`);
  process.exit(UNUSABLE);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// `cert-check verify … | head` closes the pipe early: stop quietly, as other Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  fail(error);
});

async function main(): Promise<void> {
  const { buildProgram } = await import('./cli.js');
  const program = buildProgram({
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  });
  process.exitCode = await program.run(process.argv.slice(2));
}

// No top-level await: the build also bundles this entry as CommonJS (scripts/bundle.mjs).
main().catch(fail);
