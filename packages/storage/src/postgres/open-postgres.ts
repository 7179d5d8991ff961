import { POSTGRES_MIGRATIONS } from '../migrations/postgres.js';
import type { ResolvedOptions } from '../options.js';
import type { Storage } from '../types.js';
import { PostgresAuthStateStore } from './auth-state-store.js';
import { PostgresConnection } from './connection.js';
import { PostgresInbox } from './inbox.js';
import { migratePostgres } from './migrate.js';
import { PostgresResourceStateStore } from './resource-state-store.js';
import { PostgresTokenStore } from './token-store.js';

export async function openPostgres(url: URL, display: string, options: ResolvedOptions): Promise<Storage> {
  const { schema } = options;
  const connection = PostgresConnection.create({ url, display, ...options });
  let schemaVersion: number;
  try {
    schemaVersion = await migratePostgres(connection, POSTGRES_MIGRATIONS, schema);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const inbox = new PostgresInbox(connection, options.groupCommit);
  let closing: Promise<void> | undefined;

  return {
    dialect: 'postgres',
    location: schema === undefined ? display : `${display} (schema ${schema})`,
    schemaVersion,
    tokens: new PostgresTokenStore(connection),
    authStates: new PostgresAuthStateStore(connection),
    inbox,
    resources: new PostgresResourceStateStore(connection),
    ping: async () => {
      await connection.query('answer a health check', 'SELECT count(*) FROM schema_migrations');
    },
    close: () =>
      (closing ??= (async () => {
        await inbox.closeAppends();
        await connection.close();
      })()),
  };
}
