import { open, readFile, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DevPkiLockedError, DevPkiWriteError } from '../errors.js';

// A lock older than this belongs to a process that died mid-generation (a generation takes ~1 s).
const STALE_AFTER_MS = 60_000;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  try {
    const [info, content] = await Promise.all([stat(lockFile), readFile(lockFile, 'utf8')]);
    if (Date.now() - info.mtimeMs > STALE_AFTER_MS) return true;
    const pid = Number((JSON.parse(content) as { pid?: unknown }).pid);
    return Number.isInteger(pid) && pid > 0 && !processIsAlive(pid);
  } catch {
    // Just created and not written yet, or already gone: either way not ours to remove.
    return false;
  }
}

/** Holds `lockFile` (created exclusively) until the returned release function runs. */
export async function acquireLock(lockFile: string, timeoutMs: number): Promise<() => Promise<void>> {
  const started = Date.now();
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw new DevPkiWriteError(lockFile, error);
    }
    if (await isStale(lockFile)) {
      await rm(lockFile, { force: true });
      continue;
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs) throw new DevPkiLockedError(lockFile, waited);
    await sleep(25 + Math.floor(Math.random() * 50));
  }
}
