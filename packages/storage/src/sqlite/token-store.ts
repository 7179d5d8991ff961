import { tokenConflict } from '../token-conflict.js';
import type { StoredToken, TokenPutOptions, TokenStore } from '../types.js';
import { requireBytes, requireCount, requireText, requireVersion, toBuffer } from '../validation.js';
import type { SqliteConnection } from './connection.js';

interface TokenRow {
  value: Buffer;
  version: number;
  updated_at: number;
}

export class SqliteTokenStore implements TokenStore {
  constructor(private readonly connection: SqliteConnection) {}

  async get(key: string): Promise<StoredToken | undefined> {
    requireText(key, 'The token key');
    return this.connection.run('read a token', () => {
      const row = this.connection
        .prepare('SELECT value, version, updated_at FROM oauth_tokens WHERE key = ?')
        .get(key) as TokenRow | undefined;
      return row && { value: row.value, version: row.version, updatedAt: new Date(row.updated_at) };
    });
  }

  async put(key: string, value: Uint8Array, options: TokenPutOptions): Promise<number> {
    requireText(key, 'The token key');
    const bytes = toBuffer(requireBytes(value, 'The token value'), 'The token value');
    const expectedVersion = requireVersion(options?.expectedVersion);
    return this.connection.run('store a token', () => {
      // One statement either way: the version check and the write cannot be split by another writer.
      const stored =
        expectedVersion === 0
          ? this.connection
              .prepare(
                'INSERT INTO oauth_tokens (key, value, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (key) DO NOTHING RETURNING version',
              )
              .get(key, bytes, Date.now())
          : this.connection
              .prepare(
                'UPDATE oauth_tokens SET value = ?, version = version + 1, updated_at = ? WHERE key = ? AND version = ? RETURNING version',
              )
              .get(bytes, Date.now(), key, expectedVersion);
      if (stored === undefined) throw tokenConflict(key, expectedVersion, this.currentVersion(key));
      return (stored as { version: number }).version;
    });
  }

  async delete(key: string, options: { readonly expectedVersion?: number } = {}): Promise<void> {
    requireText(key, 'The token key');
    const expectedVersion =
      options.expectedVersion === undefined
        ? undefined
        : requireCount(options.expectedVersion, 'expectedVersion', { min: 1, max: Number.MAX_SAFE_INTEGER });
    return this.connection.run('delete a token', () => {
      if (expectedVersion === undefined) {
        this.connection.prepare('DELETE FROM oauth_tokens WHERE key = ?').run(key);
        return;
      }
      if (
        this.connection.prepare('DELETE FROM oauth_tokens WHERE key = ? AND version = ?').run(key, expectedVersion)
          .changes > 0
      )
        return;
      throw tokenConflict(key, expectedVersion, this.currentVersion(key));
    });
  }

  private currentVersion(key: string): number {
    const row = this.connection.prepare('SELECT version FROM oauth_tokens WHERE key = ?').get(key) as
      { version: number } | undefined;
    return row?.version ?? 0;
  }
}
