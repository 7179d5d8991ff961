import Database from 'better-sqlite3';
import { StorageError, StorageInvalidLocationError, StorageUnavailableError } from '../errors.js';

/**
 * One better-sqlite3 connection with the settings durability depends on. Calls are synchronous, so
 * within one process statements never interleave; other processes are kept out by SQLite's locks.
 */
export class SqliteConnection {
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly db: Database.Database,
    readonly display: string,
  ) {}

  static open(path: string, display: string, lockTimeoutMs: number): SqliteConnection {
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (error) {
      throw new StorageInvalidLocationError(
        `The SQLite database ${display} cannot be opened: ${messageOf(error)}. Check the path and its permissions.`,
        {
          cause: error,
        },
      );
    }
    try {
      // Other processes (a second receiver, a CLI) hold the write lock briefly: wait for it rather than fail at once.
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(lockTimeoutMs))}`);
      // WAL: readers never block the writer, and a commit is one sequential append to the -wal file.
      db.pragma('journal_mode = WAL');
      // FULL, not WAL's usual NORMAL: NORMAL fsyncs only at checkpoints, so a power loss can undo
      // transactions that already committed. The inbox tells the provider "OK" once append() resolves
      // and the provider never redelivers after that, so every commit must be on disk when it returns.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (error) {
      db.close();
      const notADatabase = (error as { code?: unknown }).code === 'SQLITE_NOTADB';
      if (notADatabase) {
        throw new StorageInvalidLocationError(
          `${display} is not a SQLite database: point the storage at a new file or an existing SQLite file.`,
          {
            cause: error,
          },
        );
      }
      throw sqliteFailure(error, `open ${display}`);
    }
    return new SqliteConnection(db, display);
  }

  /** A prepared statement, compiled once per connection (the inbox runs the same few all day). */
  prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs one unit of work, turning driver errors into StorageErrors. */
  run<T>(action: string, work: (db: Database.Database) => T): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    try {
      return Promise.resolve(work(this.db));
    } catch (error) {
      return Promise.reject(sqliteFailure(error, action));
    }
  }

  /** The same as run, for code already inside a synchronous path (group commit batches). */
  runSync<T>(action: string, work: (db: Database.Database) => T): T {
    if (this.closed) throw closedError();
    try {
      return work(this.db);
    } catch (error) {
      throw sqliteFailure(error, action);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

function closedError(): StorageUnavailableError {
  return new StorageUnavailableError('The storage is closed: open it again with openStorage().');
}

export function sqliteFailure(error: unknown, action: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new StorageUnavailableError(
      `SQLite could not ${action}: another connection held the write lock longer than lockTimeoutMs. Retry; if it persists, look for a stuck process using the same file.`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_FULL') {
    return new StorageUnavailableError(
      `SQLite could not ${action}: the disk is full. Free space; nothing of this call was stored.`,
      { cause: error },
    );
  }
  return new StorageUnavailableError(`SQLite could not ${action}: ${messageOf(error)}.`, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
}
