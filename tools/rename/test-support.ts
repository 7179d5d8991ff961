// Shared by tools/test/rename.spec.ts and rename-e2e.spec.ts: throwaway git repositories, copies of
// this workspace, and the rename run as the process a user starts.
import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENAME_SCRIPT = join(WORKSPACE_ROOT, 'tools', 'rename', 'rename.mjs');

// A test commit must not depend on the machine's git identity, hooks or signing setup.
const GIT_CONFIG = [
  'user.name=rename test',
  'user.email=rename-test@example.invalid',
  'commit.gpgsign=false',
  'core.hooksPath=/dev/null',
  'init.defaultBranch=main',
].flatMap((setting) => ['-c', setting]);

export function git(cwd: string, args: readonly string[]): string {
  const result = spawnSync('git', [...GIT_CONFIG, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr}`);
  return result.stdout;
}

/** `git init` plus one commit of everything not ignored, so the rename sees a clean work tree. */
export function initRepo(dir: string): void {
  git(dir, ['init', '-q']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '--allow-empty', '-m', 'fixture']);
}

export function runRename(args: readonly string[]) {
  const env = { ...process.env, RENAME_DEBUG: '' };
  return spawnSync(process.execPath, [RENAME_SCRIPT, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
}

const made: string[] = [];

export function tempDir(prefix: string): string {
  made.push(mkdtempSync(join(tmpdir(), prefix)));
  return made.at(-1)!;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** What a clone plus the work in progress holds: tracked and untracked files, never ignored ones. */
export function workspaceFiles(): string[] {
  const listed = git(WORKSPACE_ROOT, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']).split('\0');
  // Deleted in the work tree but still in the index: not there to copy.
  return [...new Set(listed)].filter(
    (file) => file && lstatSync(join(WORKSPACE_ROOT, file), { throwIfNoEntry: false })?.isFile(),
  );
}

/** Copies the workspace's files (not node_modules, dist or dev keys) into `dest` and commits them. */
export function copyWorkspace(dest: string): string[] {
  const files = workspaceFiles();
  for (const file of files) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    copyFileSync(join(WORKSPACE_ROOT, file), join(dest, file));
  }
  initRepo(dest);
  return files;
}

export function readTexts(root: string, files: readonly string[]): Map<string, string> {
  return new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
