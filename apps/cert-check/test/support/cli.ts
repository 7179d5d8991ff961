// Runs cert-check in-process through buildProgram, capturing both streams, and makes real files to run it on.
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

export async function cli(argv: readonly string[], io: Partial<Pick<CliIo, 'isTTY' | 'env'>> = {}): Promise<CliResult> {
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
export const CORPUS_DIR = fileURLToPath(new URL('../../../../../shared/corpus/', import.meta.url));
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
