import { tokenConflict } from '../token-conflict.js';
import type { StoredToken, TokenPutOptions, TokenStore } from '../types.js';
import { requireBytes, requireCount, requireText, requireVersion, toBuffer } from '../validation.js';
import type { PostgresConnection } from './connection.js';

interface TokenRow {
  value: Buffer;
  version: string;
  updated_at: Date;
}

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly connection: PostgresConnection) {}

  async get(key: string): Promise<StoredToken | undefined> {
    requireText(key, 'The token key');
    const [row] = await this.connection.query<TokenRow>(
      'read a token',
      'SELECT value, version, updated_at FROM oauth_tokens WHERE key = $1',
      [key],
    );
    return row && { value: row.value, version: Number(row.version), updatedAt: row.updated_at };
  }

  async put(key: string, value: Uint8Array, options: TokenPutOptions): Promise<number> {
    requireText(key, 'The token key');
    const bytes = toBuffer(requireBytes(value, 'The token value'), 'The token value');
    const expectedVersion = requireVersion(options?.expectedVersion);
    // One statement either way: under concurrent writers the row lock decides, and the loser's
    // WHERE re-check sees the winner's version, so exactly one of them gets a row back.
    const [row] =
      expectedVersion === 0
        ? await this.connection.query<{ version: string }>(
            'store a token',
            'INSERT INTO oauth_tokens (key, value, version, updated_at) VALUES ($1, $2, 1, now()) ON CONFLICT (key) DO NOTHING RETURNING version',
            [key, bytes],
          )
        : await this.connection.query<{ version: string }>(
            'store a token',
            'UPDATE oauth_tokens SET value = $1, version = version + 1, updated_at = now() WHERE key = $2 AND version = $3 RETURNING version',
            [bytes, key, expectedVersion],
          );
    if (!row) throw tokenConflict(key, expectedVersion, await this.currentVersion(key));
    return Number(row.version);
  }

  async delete(key: string, options: { readonly expectedVersion?: number } = {}): Promise<void> {
    requireText(key, 'The token key');
    if (options.expectedVersion === undefined) {
      await this.connection.query('delete a token', 'DELETE FROM oauth_tokens WHERE key = $1', [key]);
      return;
    }
    const expectedVersion = requireCount(options.expectedVersion, 'expectedVersion', {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    });
    const rows = await this.connection.query(
      'delete a token',
      'DELETE FROM oauth_tokens WHERE key = $1 AND version = $2 RETURNING key',
      [key, expectedVersion],
    );
    if (rows.length > 0) return;
    throw tokenConflict(key, expectedVersion, await this.currentVersion(key));
  }

  private async currentVersion(key: string): Promise<number> {
    const [row] = await this.connection.query<{ version: string }>(
      'read a token version',
      'SELECT version FROM oauth_tokens WHERE key = $1',
      [key],
    );
    return row ? Number(row.version) : 0;
  }
}
