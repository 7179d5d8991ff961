import type pg from 'pg';
import { StorageError, StorageMigrationFailedError, StorageSchemaTooNewError } from '../errors.js';
import { latestVersion, type Migration } from '../migrations/migration.js';
import { postgresFailure, type PostgresConnection } from './connection.js';

type Client = Pick<pg.PoolClient, 'query'>;

// Replicas starting together queue on this lock (one per search_path) instead of racing to create
// the same tables; it is released with each transaction, so a crash never leaves it held.
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('connectpay-kit/storage:' || current_setting('search_path')))`;

/** Each migration in its own transaction under the advisory lock, re-checking the version inside it. */
export async function migratePostgres(
  connection: PostgresConnection,
  migrations: readonly Migration[],
  schema: string | undefined,
): Promise<number> {
  const supported = latestVersion(migrations);
  let client: pg.PoolClient;
  try {
    client = await connection.pool.connect();
  } catch (error) {
    throw postgresFailure(error, 'connect', connection.display);
  }
  let broken = false;
  try {
    const found = await inTransaction(client, async () => {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      return currentVersion(client);
    });
    if (found > supported) throw new StorageSchemaTooNewError(found, supported);

    for (const migration of migrations) {
      if (migration.version <= found) continue;
      await inTransaction(client, async () => {
        const now = await currentVersion(client);
        if (now > supported) throw new StorageSchemaTooNewError(now, supported);
        if (now >= migration.version) return;
        try {
          await client.query(migration.sql);
        } catch (error) {
          throw new StorageMigrationFailedError(
            migration.version,
            migration.name,
            error instanceof Error ? error.message : String(error),
            { cause: error },
          );
        }
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
    }
    return await currentVersion(client);
  } catch (error) {
    broken = !(error instanceof StorageError);
    throw postgresFailure(error, 'migrate the schema', connection.display);
  } finally {
    client.release(broken);
  }
}

async function inTransaction<T>(client: Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    // Migrations may wait behind another replica's; the storage's short lock timeout is for requests.
    await client.query(`SET LOCAL lock_timeout = '60s'`);
    await client.query(LOCK);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function currentVersion(client: Client): Promise<number> {
  const { rows } = await client.query('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
  return Number((rows[0] as { version: number | string }).version);
}
