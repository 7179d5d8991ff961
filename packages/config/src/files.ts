import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigIssueCode } from './errors.js';

/** PEM files and secrets are a few KiB; anything this big is the wrong file (or a device). */
const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export type FileRead =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      readonly code: Extract<ConfigIssueCode, 'CONFIG_FILE_NOT_FOUND' | 'CONFIG_FILE_NOT_READABLE'>;
      readonly reason: string;
    };

export function resolvePath(path: string, baseDir: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(baseDir, path);
}

/** The path with symlinks resolved when it exists, so two names for one file compare equal. */
export function canonicalPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Reads a configuration file as UTF-8; failures come back as a reason that names the path, never content. */
export function readConfigFile(path: string): FileRead {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) {
      return {
        ok: false,
        code: 'CONFIG_FILE_NOT_READABLE',
        reason: `${path} is ${stats.isDirectory() ? 'a directory' : 'not a regular file'}; expected a file.`,
      };
    }
    if (stats.size > MAX_CONFIG_FILE_BYTES) {
      return {
        ok: false,
        code: 'CONFIG_FILE_NOT_READABLE',
        reason: `${path} is ${stats.size} bytes, too large for a PEM or secret file (limit ${MAX_CONFIG_FILE_BYTES}); check the path.`,
      };
    }
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { ok: false, ...describeReadError(error, path) };
  }
}

/** Turns a filesystem error into a code and a reason that says which failure it was and what to do. */
export function describeReadError(
  error: unknown,
  path: string,
): { code: 'CONFIG_FILE_NOT_FOUND' | 'CONFIG_FILE_NOT_READABLE'; reason: string } {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (errno) {
    case 'ENOENT':
      return { code: 'CONFIG_FILE_NOT_FOUND', reason: `${path} does not exist (ENOENT); check the path.` };
    case 'ENOTDIR':
      return {
        code: 'CONFIG_FILE_NOT_FOUND',
        reason: `${path} does not exist: a parent in the path is not a directory (ENOTDIR).`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'CONFIG_FILE_NOT_READABLE',
        reason: `${path} exists but this process may not read it (${errno}, permission denied); grant read access to the user running it.`,
      };
    case 'EISDIR':
      return { code: 'CONFIG_FILE_NOT_READABLE', reason: `${path} is a directory (EISDIR); expected a file.` };
    default:
      return {
        code: 'CONFIG_FILE_NOT_READABLE',
        reason: `${path} cannot be read (${errno ?? 'unknown error'}).`,
      };
  }
}
