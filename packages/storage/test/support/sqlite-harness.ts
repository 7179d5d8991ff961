import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../src/index.js';
import type { StorageHarness } from './harness.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `connectpay-storage-${prefix}-`));
}

export async function sqliteHarness(): Promise<StorageHarness> {
  const dir = tempDir('sqlite');
  const path = join(dir, 'storage.sqlite');
  const opened: Storage[] = [];
  const withRaw = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };

  return {
    dialect: 'sqlite',
    async open(options) {
      const storage = await openStorage(path, options);
      opened.push(storage);
      return storage;
    },
    async exec(sql) {
      withRaw((db) => db.exec(sql));
    },
    async count(table) {
      return withRaw((db) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    },
    async holdInboxWriteLock() {
      const db = new Database(path);
      db.exec('BEGIN IMMEDIATE');
      return async () => {
        db.exec('COMMIT');
        db.close();
      };
    },
    async destroy() {
      await Promise.all(opened.map((storage) => storage.close().catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
