import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultStorageLocation,
  describeStartupFailure,
  isDatabaseUrl,
  openStorageOrExplain,
  pathFrom,
  StartupConfigError,
  StartupFailedError,
  storageFolder,
  storageLocationOf,
} from '../src/index.js';
import { GATEWAY, WEBHOOK } from './support/services.js';

class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('storage locations', () => {
  it('puts the default SQLite file in <workspace>/.data', () => {
    expect(defaultStorageLocation('/work/repo', 'webhook.sqlite')).toBe('/work/repo/.data/webhook.sqlite');
  });

  it('needs a folder only for a SQLite file', () => {
    expect(storageFolder('/data/gw.sqlite')).toBe('/data');
    expect(storageFolder(':memory:')).toBeUndefined();
    expect(storageFolder('postgres://gateway@db.internal:5432/connectpay')).toBeUndefined();
    expect(isDatabaseUrl('postgresql://db/x')).toBe(true);
    expect(isDatabaseUrl('data/gw.sqlite')).toBe(false);
  });

  it('keeps URLs and :memory: as given, resolves file paths, and falls back when unset', () => {
    const path = pathFrom('/srv/app');
    expect(storageLocationOf(undefined, '/fallback.sqlite', path)).toBe('/fallback.sqlite');
    expect(storageLocationOf('postgres://db/x', '/fallback.sqlite', path)).toBe('postgres://db/x');
    expect(storageLocationOf(':memory:', '/fallback.sqlite', path)).toBe(':memory:');
    expect(storageLocationOf('data/gw.sqlite', '/fallback.sqlite', path)).toBe('/srv/app/data/gw.sqlite');
  });
});

describe('openStorageOrExplain', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-storage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hands back what opened', async () => {
    const handle = await openStorageOrExplain(GATEWAY, 'local', () => open(join(dir, 'store'), 'w'));
    await handle.close();
  });

  it("reports a location storage refuses under the service's storage variable (exit 78)", async () => {
    const error = await openStorageOrExplain(WEBHOOK, 'stage', () =>
      Promise.reject(
        new StorageError('STORAGE_INVALID_LOCATION', 'mysql://db is not a SQLite path or postgres:// URL.'),
      ),
    ).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(StartupConfigError);
    expect((error as StartupConfigError).issues).toEqual([
      { variable: 'WEBHOOK_STORAGE', message: 'mysql://db is not a SQLite path or postgres:// URL.' },
    ]);
    expect(describeStartupFailure(WEBHOOK, error).exitCode).toBe(78);
  });

  it('turns any other failure into a failed start that names the error code (exit 1)', async () => {
    writeFileSync(join(dir, 'file'), '');
    // A path below a regular file: the real ENOTDIR a mistyped SQLite location gives.
    const error = await openStorageOrExplain(GATEWAY, 'local', () => open(join(dir, 'file', 'gw.sqlite'), 'w')).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StartupFailedError);
    const { exitCode, message } = describeStartupFailure(GATEWAY, error);
    expect(exitCode).toBe(1);
    expect(message).toMatch(
      /^The gateway cannot start: storage could not be opened \(ENOTDIR\): ENOTDIR: not a directory/,
    );
    expect((error as StartupFailedError).cause).toMatchObject({ code: 'ENOTDIR' });
  });
});
