import { StorageError, StorageMigrationFailedError, StorageSchemaTooNewError } from '../errors.js';
import { latestVersion, type Migration } from '../migrations/migration.js';
import { sqliteFailure, type SqliteConnection } from './connection.js';

/**
 * Brings the file to the newest schema. Each migration runs in its own IMMEDIATE transaction (which
 * takes the write lock first), and re-reads the version inside it, so two processes opening the same
 * new file apply every migration once.
 */
export function migrateSqlite(connection: SqliteConnection, migrations: readonly Migration[]): number {
  const db = connection.db;
  const supported = latestVersion(migrations);
  const currentVersion = (): number =>
    (db.prepare('SELECT coalesce(max(version), 0) AS version FROM schema_migrations').get() as { version: number })
      .version;

  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    const found = currentVersion();
    if (found > supported) throw new StorageSchemaTooNewError(found, supported);

    for (const migration of migrations) {
      if (migration.version <= found) continue;
      db.transaction(() => {
        const now = currentVersion();
        if (now > supported) throw new StorageSchemaTooNewError(now, supported);
        if (now >= migration.version) return;
        try {
          db.exec(migration.sql);
        } catch (error) {
          throw new StorageMigrationFailedError(
            migration.version,
            migration.name,
            error instanceof Error ? error.message : String(error),
            { cause: error },
          );
        }
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
      }).immediate();
    }
    return currentVersion();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw sqliteFailure(error, `migrate ${connection.display}`);
  }
}
