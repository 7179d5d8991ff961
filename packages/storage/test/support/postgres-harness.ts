import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStorage, redactLocation, type Storage } from '../../src/index.js';
import type { StorageHarness } from './harness.js';

export const POSTGRES_TEST_URL = process.env.CONNECTPAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the test PostgreSQL answers. Unreachable: in CI that is a failure (the suite would silently
 * test nothing), on a laptop the PostgreSQL half is skipped with a note.
 */
export async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = redactLocation(POSTGRES_TEST_URL);
    if (process.env.CI) {
      throw new Error(
        `PostgreSQL for the storage tests is unreachable at ${where} (${reason}); CI must run them: start it or set CONNECTPAY_TEST_POSTGRES_URL.`,
        {
          cause: error,
        },
      );
    }
    console.log(
      `Skipping the PostgreSQL storage tests: ${where} is unreachable (${reason}). Set CONNECTPAY_TEST_POSTGRES_URL to run them.`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema t_<random> per harness, dropped with everything in it by destroy(). */
export async function postgresHarness(): Promise<StorageHarness> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const opened: Storage[] = [];
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    return client;
  };
  const withRaw = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    dialect: 'postgres',
    async open(options) {
      const storage = await openStorage(POSTGRES_TEST_URL, { ...options, schema });
      opened.push(storage);
      return storage;
    },
    async exec(sql) {
      await withRaw((client) => client.query(sql));
    },
    async count(table) {
      return withRaw(async (client) =>
        Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n),
      );
    },
    async holdInboxWriteLock() {
      const client = await connect();
      await client.query('BEGIN');
      // EXCLUSIVE blocks INSERT/UPDATE (ROW EXCLUSIVE) but still lets readers in.
      await client.query('LOCK TABLE inbox_events IN EXCLUSIVE MODE');
      return async () => {
        await client.query('ROLLBACK');
        await client.end();
      };
    },
    async destroy() {
      await Promise.all(opened.map((storage) => storage.close().catch(() => undefined)));
      await withRaw((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
}
