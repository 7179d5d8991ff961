import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_TEST_URL =
  process.env['CONNECTPAY_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the test PostgreSQL answers. Unreachable: a failure under CI (the suite would silently
 * test nothing), a skip with a note on a laptop.
 */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const where = POSTGRES_TEST_URL.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    if (process.env['CI']) {
      throw new Error(`PostgreSQL for the webhook tests is unreachable at ${where} (${reason}); CI must run them.`, {
        cause: error,
      });
    }
    console.log(
      `Skipping the PostgreSQL crash test: ${where} is unreachable (${reason}). Set CONNECTPAY_TEST_POSTGRES_URL.`,
    );
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name; `query` runs SQL with it on the search path, `drop` removes it and its tables. */
export function postgresSchema(): {
  name: string;
  query<R extends pg.QueryResultRow>(sql: string): Promise<R[]>;
  drop(): Promise<void>;
} {
  const name = `wh_${randomBytes(6).toString('hex')}`;
  const withClient = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${name}` });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name,
    query: <R extends pg.QueryResultRow>(sql: string) =>
      withClient(async (client) => (await client.query<R>(sql)).rows),
    drop: () => withClient(async (client) => void (await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`))),
  };
}
