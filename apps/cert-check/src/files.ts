import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UnreadableFileError, WriteFailedError } from './errors.js';

/** Far above any chain or CA bundle (the 1,385-certificate public pool is 2.6 MB); stops /dev/zero. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** "-" reads standard input, so `openssl s_client -showcerts … | cert-check verify -` works. */
export const STDIN_PATH = '-';

/**
 * Reads a file named on the command line. Pipes and process substitutions (`<(…)`) are read too;
 * errors say what is wrong with the path in words, never show the content.
 */
export function readInputFile(path: string): Buffer {
  let fd: number;
  try {
    fd = path === STDIN_PATH ? 0 : openSync(path, 'r');
  } catch (error) {
    throw new UnreadableFileError(displayPath(path), describeFsError(error), { cause: error });
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      throw new UnreadableFileError(displayPath(path), 'it is a directory; name the chain file inside it');
    if (stat.isFile()) {
      if (stat.size > MAX_INPUT_BYTES) throw tooLarge(displayPath(path));
      // A regular file's size is known: one exact read, no chunk buffers (1,000 files per run add up).
      return readFileSync(fd);
    }
    return readAll(fd, displayPath(path));
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(displayPath(path), describeFsError(error), { cause: error });
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

function tooLarge(shownAs: string): UnreadableFileError {
  return new UnreadableFileError(
    shownAs,
    `it is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, far too large for a certificate chain`,
  );
}

/** Pipes and devices: read until end of input, refusing more than MAX_INPUT_BYTES. */
function readAll(fd: number, shownAs: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(total === 0 ? 16 * 1024 : 256 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      // A non-blocking stdin with nothing written yet: wait briefly for the writer rather than fail.
      if ((error as { code?: string }).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        continue;
      }
      throw error;
    }
    if (read === 0) break;
    total += read;
    if (total > MAX_INPUT_BYTES) throw tooLarge(shownAs);
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

/** Writes through a temporary sibling and a rename, so a crash never leaves half a chain or zip behind. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, data, { flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new WriteFailedError(path, describeFsError(error), { cause: error });
  }
}

export function displayPath(path: string): string {
  return path === STDIN_PATH ? 'standard input' : path;
}

function describeFsError(error: unknown): string {
  switch ((error as { code?: string }).code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EEXIST':
      return 'a temporary file of the same name exists; retry';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    default: {
      const message = (error as { message?: unknown } | null)?.message;
      return typeof message === 'string' ? message : 'unknown error';
    }
  }
}
