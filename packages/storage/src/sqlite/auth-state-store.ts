import { StorageConflictError } from '../errors.js';
import type { AuthState, AuthStateInput, AuthStateStore } from '../types.js';
import { encodeJson, requireDate, requireText } from '../validation.js';
import type { SqliteConnection } from './connection.js';

interface AuthStateRow {
  state: string;
  nonce: string;
  data: string | null;
  created_at: number;
  expires_at: number;
}

export class SqliteAuthStateStore implements AuthStateStore {
  constructor(private readonly connection: SqliteConnection) {}

  async create(state: string, input: AuthStateInput): Promise<void> {
    requireText(state, 'The auth state');
    const nonce = requireText(input?.nonce, 'The nonce');
    const expiresAt = requireDate(input.expiresAt, 'expiresAt');
    const createdAt = input.createdAt === undefined ? new Date() : requireDate(input.createdAt, 'createdAt');
    const data = encodeJson(input.data, 'The auth state data');
    return this.connection.run('store an auth state', () => {
      const inserted = this.connection
        .prepare(
          'INSERT INTO auth_states (state, nonce, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (state) DO NOTHING',
        )
        .run(state, nonce, data, createdAt.getTime(), expiresAt.getTime());
      // The state value is a CSRF secret until consumed: never echo it.
      if (inserted.changes === 0)
        throw new StorageConflictError(
          'This auth state already exists: generate a fresh random state for every redirect.',
        );
    });
  }

  async consume(state: string, now: Date = new Date()): Promise<AuthState | undefined> {
    requireText(state, 'The auth state');
    requireDate(now, 'now');
    return this.connection.run('consume an auth state', () => {
      // Deleted even when expired: a state is never usable twice, whatever the outcome.
      const row = this.connection
        .prepare('DELETE FROM auth_states WHERE state = ? RETURNING state, nonce, data, created_at, expires_at')
        .get(state) as AuthStateRow | undefined;
      if (!row || row.expires_at <= now.getTime()) return undefined;
      return {
        state: row.state,
        nonce: row.nonce,
        data: row.data === null ? undefined : ((JSON.parse(row.data) as unknown) ?? undefined),
        createdAt: new Date(row.created_at),
        expiresAt: new Date(row.expires_at),
      };
    });
  }

  async purgeExpired(now: Date = new Date()): Promise<number> {
    requireDate(now, 'now');
    return this.connection.run(
      'purge expired auth states',
      () => this.connection.prepare('DELETE FROM auth_states WHERE expires_at <= ?').run(now.getTime()).changes,
    );
  }
}
