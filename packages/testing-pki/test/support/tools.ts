import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs openssl without throwing on a non-zero exit, so tests can assert on failures too. */
export function openssl(args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile('openssl', [...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

export interface Scratch {
  readonly dir: string;
  file(name: string, content: string | Uint8Array): Promise<string>;
  dispose(): Promise<void>;
}

export async function scratchDir(prefix = 'testing-pki-'): Promise<Scratch> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async file(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
