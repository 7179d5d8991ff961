import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openStorage, redactLocation, StorageError, type StorageErrorCode } from '../src/index.js';
import { tempDir } from './support/sqlite-harness.js';

async function openFailure(location: string, code: StorageErrorCode): Promise<StorageError> {
  const error = await openStorage(location).then(
    (storage) => storage.close().then(() => undefined),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe(code);
  return error as StorageError;
}

describe('redactLocation', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/connectpay', 'postgres://app:***@db:5432/connectpay'],
    ['postgresql://app:p@ss@db/connectpay', 'postgresql://app:***@db/connectpay'],
    [
      'postgres://app@db/connectpay?password=hunter2&sslmode=require',
      'postgres://app@db/connectpay?password=***&sslmode=require',
    ],
    ['postgres://db:5432/connectpay', 'postgres://db:5432/connectpay'],
    ['./.data/connectpay.sqlite', './.data/connectpay.sqlite'],
  ])('%s -> %s', (location, expected) => {
    expect(redactLocation(location)).toBe(expected);
  });
});

describe('openStorage locations', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('open');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens SQLite in memory with the same behaviour as a file', async () => {
    const storage = await openStorage(':memory:');
    try {
      expect(storage.dialect).toBe('sqlite');
      const { id } = await storage.inbox.append({ deliveryKey: 'k', receivedAt: new Date(0), headers: {}, body: 'x' });
      expect((await storage.inbox.claim({ worker: 'w', limit: 5, leaseMs: 1000 })).map((event) => event.id)).toEqual([
        id,
      ]);
    } finally {
      await storage.close();
    }
  });

  it('opens a SQLite file path and reports where it lives', async () => {
    const path = join(dir, 'connectpay.sqlite');
    const storage = await openStorage(path);
    await storage.close();
    expect(storage).toMatchObject({ dialect: 'sqlite', location: path });
  });

  it.each([
    '',
    '   ',
    'mysql://user@db/connectpay',
    'file:///tmp/x.sqlite',
    'postgres://user@db:5432/',
    'postgres://user@db:notaport/x',
  ])('refuses the location %j with a hint', async (location) => {
    const error = await openFailure(location, 'STORAGE_INVALID_LOCATION');
    expect(error.message.length).toBeGreaterThan(30);
  });

  it('refuses a SQLite path whose directory does not exist, saying how to fix it', async () => {
    const error = await openFailure(join(dir, 'missing', 'x.sqlite'), 'STORAGE_INVALID_LOCATION');
    expect(error.message).toContain('mkdir');
  });

  it('refuses a directory and a file that is not a SQLite database', async () => {
    mkdirSync(join(dir, 'folder'));
    await openFailure(join(dir, 'folder'), 'STORAGE_INVALID_LOCATION');

    const notDatabase = join(dir, 'notes.txt');
    writeFileSync(notDatabase, 'these are not the pages you are looking for '.repeat(200));
    const error = await openFailure(notDatabase, 'STORAGE_INVALID_LOCATION');
    expect(error.message).toContain('not a SQLite database');
  });

  it('reports an unreachable PostgreSQL as unavailable without ever showing its password', async () => {
    const error = await openFailure('postgres://app:hunter2-secret@127.0.0.1:1/connectpay', 'STORAGE_UNAVAILABLE');
    expect(error.message).toContain('postgres://app:***@127.0.0.1:1/connectpay');
    expect(inspect(error, { depth: 10 })).not.toContain('hunter2');
  });

  it('never shows the password of a PostgreSQL URL that does not parse', async () => {
    const error = await openFailure('postgres://app:hunter2-secret@[not-a-host/connectpay', 'STORAGE_INVALID_LOCATION');
    expect(inspect(error, { depth: 10 })).not.toContain('hunter2');
  });

  it('rejects options that cannot work', async () => {
    await expect(openStorage(join(dir, 'x.sqlite'), { lockTimeoutMs: -5 })).rejects.toMatchObject({
      code: 'STORAGE_INVALID_INPUT',
    });
    await expect(openStorage(join(dir, 'x.sqlite'), { groupCommit: { maxBatch: Number.NaN } })).rejects.toMatchObject({
      code: 'STORAGE_INVALID_INPUT',
    });
    await expect(
      openStorage('postgres://app@127.0.0.1:1/x', { schema: 'Robert"); DROP TABLE x;--' }),
    ).rejects.toMatchObject({
      code: 'STORAGE_INVALID_INPUT',
    });
  });
});
