import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import type { ResolvedOptions } from '../options.js';
import type { Storage } from '../types.js';
import { SqliteAuthStateStore } from './auth-state-store.js';
import { SqliteConnection } from './connection.js';
import { SqliteInbox } from './inbox.js';
import { migrateSqlite } from './migrate.js';
import { SqliteResourceStateStore } from './resource-state-store.js';
import { SqliteTokenStore } from './token-store.js';

export function openSqlite(path: string, display: string, options: ResolvedOptions): Storage {
  const connection = SqliteConnection.open(path, display, options.lockTimeoutMs);
  let schemaVersion: number;
  try {
    schemaVersion = migrateSqlite(connection, SQLITE_MIGRATIONS);
  } catch (error) {
    connection.close();
    throw error;
  }
  const inbox = new SqliteInbox(connection, options.groupCommit);
  let closing: Promise<void> | undefined;

  return {
    dialect: 'sqlite',
    location: display,
    schemaVersion,
    tokens: new SqliteTokenStore(connection),
    authStates: new SqliteAuthStateStore(connection),
    inbox,
    resources: new SqliteResourceStateStore(connection),
    ping: () =>
      connection.run('answer a health check', (db) => void db.prepare('SELECT count(*) FROM schema_migrations').get()),
    close: () =>
      (closing ??= (async () => {
        await inbox.closeAppends();
        connection.close();
      })()),
  };
}
