// Runs cert-check as a user does: the installed bin (what `npx cert-check` runs), spawned; or in-process
// through buildProgram where a test needs what a spawn cannot give (a fake TTY, thousands of fuzz runs).
// Either way it captures both streams, and makes real files to run it on.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../src/cli.js';
import type { CliIo } from '../../src/io.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The workspace's link to the package bin, as npm installs it and `npx cert-check` runs it:
 * node_modules/.bin/cert-check -> bin/cert-check.cjs -> dist/main.js (the bundle and its code cache).
 * test/support/build.mjs (jest's globalSetup) rebuilds dist/ first when it is older than its sources.
 */
export const INSTALLED_BIN = join(WORKSPACE_ROOT, 'node_modules/.bin/cert-check');

/** A user's environment: jest's NODE_OPTIONS (--experimental-vm-modules) would change how the bin loads. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (key !== 'NODE_OPTIONS' && !/^npm_/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** A bound on one run: a hung bin fails its test instead of holding the suite until jest's own timeout. */
const RUN_DEADLINE_MS = 20_000;

/**
 * Spawns `executable` (default: the installed bin, run through its shebang as a shell would) with
 * `argv`, `input` on stdin (empty by default), and resolves when it exits.
 */
export function run(
  argv: readonly string[],
  options: { input?: string | Uint8Array; env?: Record<string, string>; executable?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.executable ?? INSTALLED_BIN, argv, {
      env: userEnv(options.env),
      stdio: 'pipe',
      timeout: RUN_DEADLINE_MS,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null)
        reject(new Error(`cert-check ${argv.join(' ')} ended by ${String(signal)} (deadline ${RUN_DEADLINE_MS} ms)`));
      else
        resolve({
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        });
    });
    child.stdin.on('error', () => {
      // The bin may exit before reading its input (a usage error): not the test's concern.
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The installed bin, spawned: what a user sees. */
export function cli(argv: readonly string[]): Promise<CliResult> {
  return run(argv);
}

/** In-process, through buildProgram (src/, not the bundle): for a fake TTY, an injected failure, fuzzing. */
export async function cliInProcess(
  argv: readonly string[],
  io: Partial<Pick<CliIo, 'isTTY' | 'env'>> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const program = buildProgram({
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    ...io,
  });
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

/** The JSON Lines of `--format json`, parsed. */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** shared/ is always the sibling of the repository root. */
export const CORPUS_DIR = join(WORKSPACE_ROOT, '../shared/corpus/');
export const CORPUS_AT = '2026-11-29T00:00:00Z';

export function corpus(relativePath: string): string {
  return join(CORPUS_DIR, relativePath);
}

/** A scratch folder in os.tmpdir(), removed by the returned cleanup. */
export function scratchDir(prefix = 'cert-check-'): {
  dir: string;
  file: (name: string, content: string | Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Node's own error output starts stack frames like this; none may reach a user. */
export const STACK_TRACE = /^\s+at .+[(:]\d+/m;
