import type { Dialect, OpenStorageOptions, Storage } from '../../src/index.js';

/** One throwaway database (a SQLite file or a PostgreSQL schema) that a contract test can open many times. */
export interface StorageHarness {
  readonly dialect: Dialect;
  /** Opens a Storage on this database; every instance is a separate connection (a "replica"). */
  open(options?: OpenStorageOptions): Promise<Storage>;
  /** Plain SQL from outside the Storage, on its own connection. */
  exec(sql: string): Promise<void>;
  count(table: string): Promise<number>;
  /** Takes the database's write lock on the inbox from another connection until the returned function runs. */
  holdInboxWriteLock(): Promise<() => Promise<void>>;
  /** Closes every Storage opened here and deletes the database. */
  destroy(): Promise<void>;
}

export type HarnessFactory = () => Promise<StorageHarness>;
