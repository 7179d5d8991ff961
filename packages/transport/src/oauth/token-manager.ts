import { NewAuthCodeRequiredError, ProviderHttpError, TokenStoreError, TransportError } from '../errors.js';
import type { TokenCipher } from './token-crypto.js';

/**
 * The durable home of the token pair: packages/storage's TokenStore satisfies it. `put` is a
 * compare-and-swap on `expectedVersion` (0 = must not exist) and throws an error whose `code` is
 * `STORAGE_CONFLICT` when another writer committed first.
 */
export interface TokenPersistence {
  get(key: string): Promise<{ value: Uint8Array; version: number } | undefined>;
  put(key: string, value: Uint8Array, options: { expectedVersion: number }): Promise<number>;
  delete?(key: string): Promise<unknown>;
}

/**
 * What the token endpoint answers. ConnectPay's documented example (dev:/access-tokens) sends
 * `expires_in` as a number and `refresh_token_expires_in` as a string (`"2592000"`): both forms are
 * taken for both fields. `client_customer_name` is the masked Customer the pair belongs to.
 */
export interface TokenEndpointResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in?: number | string;
  readonly refresh_token_expires_in?: number | string;
  readonly token_type?: string;
  readonly scope?: string;
  readonly client_customer_name?: string;
}

export type TokenEndpoint = (form: Record<string, string>) => Promise<TokenEndpointResponse>;

interface TokenRecord {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  scope?: string;
  customerName?: string;
  obtainedAt: string;
}

export interface TokenStatus {
  readonly state: 'none' | 'valid' | 'access-expired' | 'refresh-expired';
  readonly accessTokenExpiresAt?: string;
  readonly refreshTokenExpiresAt?: string;
  readonly obtainedAt?: string;
  readonly scope?: string;
  /** `client_customer_name` as ConnectPay returns it: masked (`Mo********co`), so safe to show. */
  readonly customerName?: string;
}

export interface TokenManagerOptions {
  readonly store: TokenPersistence;
  readonly cipher: TokenCipher;
  readonly endpoint: TokenEndpoint;
  /** Which token pair this is (one per DevApp / consenting Person). Default 'default'. */
  readonly subject?: string;
  /** Refresh this long before the access token expires. Default 60 s. */
  readonly refreshSkewMs?: number;
  readonly now?: () => Date;
}

// The provider's lifetimes (dev:/access-tokens: 1 h and 30 days), used when the response leaves them out.
const ACCESS_TOKEN_SECONDS = 3600;
const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;
// How long a refused refresh waits for another replica's rotation to land in the store.
const ROTATION_WAIT_ATTEMPTS = 10;
const ROTATION_WAIT_STEP_MS = 100;

/**
 * OAuth tokens for Person-data APIs. Refresh tokens ROTATE at ConnectPay: each refresh returns a new
 * refresh token and kills the old one, so losing the new one means a person must issue a new auth
 * code. Hence: the new pair is committed to storage before the access token is handed out, concurrent
 * callers in this process share one refresh (single-flight), and the store's compare-and-swap keeps
 * two processes from both believing they rotated.
 */
export class OAuthTokenManager {
  private readonly subject: string;
  private readonly skewMs: number;
  private readonly now: () => Date;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: TokenManagerOptions) {
    this.subject = options.subject ?? 'default';
    this.skewMs = options.refreshSkewMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Exchanges an auth code (valid 24 h, single use) for the first token pair and stores it. */
  async exchangeCode(code: string, redirectUri: string): Promise<TokenStatus> {
    const response = await this.options.endpoint({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    const record = this.toRecord(response, undefined);
    const current = await this.read();
    await this.commit(record, current?.version ?? 0);
    return this.describe(record);
  }

  /** A valid access token, refreshing (and rotating) first when it is about to expire. */
  async getAccessToken(): Promise<string> {
    const current = await this.read();
    if (!current) {
      throw new NewAuthCodeRequiredError(
        'No OAuth tokens are stored yet: exchange an auth code first (GET /auth/start).',
      );
    }
    if (this.isFresh(current.record)) return current.record.accessToken;
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async status(): Promise<TokenStatus> {
    const current = await this.read();
    return current ? this.describe(current.record) : { state: 'none' };
  }

  private async refresh(): Promise<string> {
    // Re-read inside the single flight: another process may have rotated since our first read.
    const current = await this.read();
    if (!current) throw new NewAuthCodeRequiredError('The stored OAuth tokens are gone: exchange a new auth code.');
    if (this.isFresh(current.record)) return current.record.accessToken;
    if (Date.parse(current.record.refreshTokenExpiresAt) <= this.now().getTime()) {
      throw new NewAuthCodeRequiredError(
        'The refresh token expired (it lives 30 days): a person must issue a new auth code (GET /auth/start).',
      );
    }

    let response: TokenEndpointResponse;
    try {
      response = await this.options.endpoint({
        grant_type: 'refresh_token',
        refresh_token: current.record.refreshToken,
      });
    } catch (error) {
      const refusal = refreshRefusal(error);
      if (refusal !== undefined) {
        // Another replica may have rotated with the same refresh token a moment earlier and be
        // committing the new pair right now: wait for it before declaring the grant lost.
        const theirs = await this.awaitRotationElsewhere(current.version);
        if (theirs) return theirs;
        throw new NewAuthCodeRequiredError(
          `ConnectPay refused the refresh token (${refusal}): it was rotated, revoked or expired. ` +
            'A person must issue a new auth code (GET /auth/start). If a new code is refused too, check the DevApp credentials.',
        );
      }
      throw error;
    }

    const record = this.toRecord(response, current.record);
    try {
      await this.commit(record, current.version);
    } catch (error) {
      if (isConflict(error)) {
        const latest = await this.read();
        if (latest && this.isFresh(latest.record)) return latest.record.accessToken;
      }
      throw error instanceof TransportError
        ? error
        : new TokenStoreError('The rotated OAuth tokens could not be stored; the access token was not used.', error);
    }
    return record.accessToken;
  }

  private async awaitRotationElsewhere(version: number): Promise<string | undefined> {
    for (let attempt = 0; attempt < ROTATION_WAIT_ATTEMPTS; attempt += 1) {
      const latest = await this.read();
      if (latest && latest.version !== version && this.isFresh(latest.record)) return latest.record.accessToken;
      await new Promise((resolveWait) => setTimeout(resolveWait, ROTATION_WAIT_STEP_MS));
    }
    return undefined;
  }

  private async commit(record: TokenRecord, expectedVersion: number): Promise<void> {
    const sealed = this.options.cipher.encrypt(JSON.stringify(record), this.subject);
    try {
      await this.options.store.put(this.subject, sealed, { expectedVersion });
    } catch (error) {
      if (isConflict(error)) throw error;
      throw new TokenStoreError('The OAuth tokens could not be stored: the token store is unavailable.', error);
    }
  }

  private async read(): Promise<{ record: TokenRecord; version: number } | undefined> {
    let row: { value: Uint8Array; version: number } | undefined;
    try {
      row = await this.options.store.get(this.subject);
    } catch (error) {
      throw new TokenStoreError('The OAuth tokens could not be read: the token store is unavailable.', error);
    }
    if (!row) return undefined;
    return {
      record: JSON.parse(this.options.cipher.decrypt(row.value, this.subject)) as TokenRecord,
      version: row.version,
    };
  }

  private toRecord(response: TokenEndpointResponse, previous: TokenRecord | undefined): TokenRecord {
    if (typeof response.access_token !== 'string' || response.access_token === '') {
      throw new TransportError('TRANSPORT_INVALID_RESPONSE', 'The token endpoint answered without an access_token.');
    }
    const refreshToken = response.refresh_token ?? previous?.refreshToken;
    if (!refreshToken) {
      throw new TransportError('TRANSPORT_INVALID_RESPONSE', 'The token endpoint answered without a refresh_token.');
    }
    const now = this.now().getTime();
    const accessSeconds = tokenLifetimeSeconds(response.expires_in) ?? ACCESS_TOKEN_SECONDS;
    const rotated = response.refresh_token !== undefined;
    const refreshExpiresAt =
      rotated || !previous
        ? new Date(
            now + (tokenLifetimeSeconds(response.refresh_token_expires_in) ?? REFRESH_TOKEN_SECONDS) * 1000,
          ).toISOString()
        : previous.refreshTokenExpiresAt;
    return {
      accessToken: response.access_token,
      accessTokenExpiresAt: new Date(now + accessSeconds * 1000).toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpiresAt,
      ...(typeof response.scope === 'string' && response.scope !== '' ? { scope: response.scope } : {}),
      ...customerName(response.client_customer_name, previous?.customerName),
      obtainedAt: new Date(now).toISOString(),
    };
  }

  private isFresh(record: TokenRecord): boolean {
    return Date.parse(record.accessTokenExpiresAt) - this.skewMs > this.now().getTime();
  }

  private describe(record: TokenRecord): TokenStatus {
    const now = this.now().getTime();
    const state =
      Date.parse(record.refreshTokenExpiresAt) <= now
        ? 'refresh-expired'
        : Date.parse(record.accessTokenExpiresAt) <= now
          ? 'access-expired'
          : 'valid';
    return {
      state,
      accessTokenExpiresAt: record.accessTokenExpiresAt,
      refreshTokenExpiresAt: record.refreshTokenExpiresAt,
      obtainedAt: record.obtainedAt,
      ...(record.scope ? { scope: record.scope } : {}),
      ...(record.customerName ? { customerName: record.customerName } : {}),
    };
  }
}

/**
 * A lifetime in seconds from the token response: a positive number, or a string of digits (ConnectPay
 * sends `refresh_token_expires_in` as `"2592000"`). Anything else counts as absent, so the documented
 * default applies rather than a token that never expires or is expired at once.
 */
export function tokenLifetimeSeconds(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

function customerName(value: unknown, previous: string | undefined): { customerName?: string } {
  if (typeof value === 'string' && value !== '' && value.length <= 200) return { customerName: value };
  return previous ? { customerName: previous } : {};
}

function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'STORAGE_CONFLICT';
}

/**
 * Whether a failed refresh means the refresh token itself is refused, and if so how it was told.
 * ConnectPay documents no error body for the token endpoint (only the lifetimes and that an expired
 * refresh token means the whole flow again), so a 400, 401 or 403 is a refusal whatever its body; an
 * RFC 6749 `invalid_grant` is one form of it. `invalid_client` is the DevApp credentials, not the grant,
 * and a 5xx, 429 or a connection failure is transient: the stored pair is kept for the next attempt.
 */
export function refreshRefusal(error: unknown): string | undefined {
  if (!(error instanceof ProviderHttpError)) return undefined;
  if (error.status !== 400 && error.status !== 401 && error.status !== 403) return undefined;
  const body = error.body;
  const code = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (code === 'invalid_client') return undefined;
  return code === 'invalid_grant' ? `HTTP ${error.status}, invalid_grant` : `HTTP ${error.status}`;
}
