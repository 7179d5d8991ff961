import { StorageConflictError } from '../errors.js';
import type { AuthState, AuthStateInput, AuthStateStore } from '../types.js';
import { encodeJson, requireDate, requireText } from '../validation.js';
import type { PostgresConnection } from './connection.js';

interface AuthStateRow {
  state: string;
  nonce: string;
  data: unknown;
  created_at: Date;
  expires_at: Date;
}

export class PostgresAuthStateStore implements AuthStateStore {
  constructor(private readonly connection: PostgresConnection) {}

  async create(state: string, input: AuthStateInput): Promise<void> {
    requireText(state, 'The auth state');
    const nonce = requireText(input?.nonce, 'The nonce');
    const expiresAt = requireDate(input.expiresAt, 'expiresAt');
    const createdAt = input.createdAt === undefined ? new Date() : requireDate(input.createdAt, 'createdAt');
    const data = encodeJson(input.data, 'The auth state data');
    const inserted = await this.connection.query(
      'store an auth state',
      'INSERT INTO auth_states (state, nonce, data, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (state) DO NOTHING RETURNING state',
      [state, nonce, data, createdAt, expiresAt],
    );
    // The state value is a CSRF secret until consumed: never echo it.
    if (inserted.length === 0)
      throw new StorageConflictError(
        'This auth state already exists: generate a fresh random state for every redirect.',
      );
  }

  async consume(state: string, now: Date = new Date()): Promise<AuthState | undefined> {
    requireText(state, 'The auth state');
    requireDate(now, 'now');
    // Deleted even when expired: a state is never usable twice, whatever the outcome. Of concurrent
    // DELETEs only the first gets the row back; the others wait for it and then find nothing.
    const [row] = await this.connection.query<AuthStateRow>(
      'consume an auth state',
      'DELETE FROM auth_states WHERE state = $1 RETURNING state, nonce, data, created_at, expires_at',
      [state],
    );
    if (!row || row.expires_at.getTime() <= now.getTime()) return undefined;
    return {
      state: row.state,
      nonce: row.nonce,
      data: row.data ?? undefined,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  async purgeExpired(now: Date = new Date()): Promise<number> {
    requireDate(now, 'now');
    const rows = await this.connection.query(
      'purge expired auth states',
      'DELETE FROM auth_states WHERE expires_at <= $1 RETURNING state',
      [now],
    );
    return rows.length;
  }
}
