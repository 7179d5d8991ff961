import pg from 'pg';
import { StorageError, StorageInvalidLocationError, StorageUnavailableError } from '../errors.js';

export interface PostgresSettings {
  readonly url: URL;
  readonly display: string;
  readonly schema: string | undefined;
  readonly lockTimeoutMs: number;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
}

/** A pg pool whose every connection has the storage's search_path and lock timeout from its first statement. */
export class PostgresConnection {
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    readonly display: string,
  ) {
    // An idle connection dropped by the server emits 'error' on the pool; without a listener Node
    // would crash the process. The next query reconnects and reports its own failure.
    pool.on('error', () => undefined);
  }

  static create(settings: PostgresSettings): PostgresConnection {
    const url = new URL(settings.url.href);
    // Startup parameters rather than SET after connect: they apply before any statement runs, on every
    // connection the pool ever opens. Values the URL already sets via `options` stay in front.
    const startup = [
      url.searchParams.get('options') ?? '',
      `-c lock_timeout=${Math.max(0, Math.floor(settings.lockTimeoutMs))}`,
    ];
    if (settings.schema !== undefined) startup.push(`-c search_path=${settings.schema}`);
    url.searchParams.set('options', startup.join(' ').trim());
    if (!url.searchParams.has('application_name')) url.searchParams.set('application_name', 'connectpay-kit-storage');

    const pool = new pg.Pool({
      connectionString: url.href,
      max: settings.poolSize,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
    });
    return new PostgresConnection(pool, settings.display);
  }

  async query<Row>(action: string, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    if (this.closed) throw closedError();
    try {
      const result = await this.pool.query(sql, params as unknown[]);
      return result.rows as Row[];
    } catch (error) {
      throw postgresFailure(error, action, this.display);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function closedError(): StorageUnavailableError {
  return new StorageUnavailableError('The storage is closed: open it again with openStorage().');
}

// Configuration mistakes that retrying will not fix: the URL names a database or credentials that do not work.
const CONFIGURATION_CODES = new Set(['3D000', '28P01', '28000']);

export function postgresFailure(error: unknown, action: string, display: string): StorageError {
  if (error instanceof StorageError) return error;
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
  if (typeof code === 'string' && CONFIGURATION_CODES.has(code)) {
    return new StorageInvalidLocationError(
      `PostgreSQL at ${display} refused to ${action}: ${detail}. Check the database name, user and permissions in the URL.`,
      {
        cause: error,
      },
    );
  }
  if (code === '55P03') {
    return new StorageUnavailableError(
      `PostgreSQL could not ${action}: another transaction held a lock longer than lockTimeoutMs (${detail}). Retry; if it persists, look for a long-running transaction.`,
      { cause: error },
    );
  }
  return new StorageUnavailableError(`PostgreSQL at ${display} could not ${action}: ${detail}.`, { cause: error });
}
