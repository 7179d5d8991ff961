import { randomBytes } from 'node:crypto';

interface AuthCode {
  redirectUrl: string;
  scope: string;
  expiresAt: number;
}

interface AccessToken {
  scope: string;
  expiresAt: number;
}

export interface TokenLifetimes {
  readonly accessSeconds: number;
  readonly refreshSeconds: number;
}

function opaque(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/**
 * What the OAuth side of the sandbox remembers; in memory, gone on restart, like a fresh provider
 * account. Merchant payments keep theirs in families/merchant-payments-state.ts.
 */
export class SandboxState {
  private readonly codes = new Map<string, AuthCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, { scope: string; expiresAt: number }>();
  /** Counts token endpoint calls per grant, so tests can see single-flight refreshes. */
  readonly tokenCalls = { authorization_code: 0, refresh_token: 0 };

  constructor(private readonly lifetimes: TokenLifetimes) {}

  issueCode(redirectUrl: string, scope: string, now = Date.now()): string {
    const code = opaque('code');
    this.codes.set(code, { redirectUrl, scope, expiresAt: now + 24 * 3600 * 1000 });
    return code;
  }

  /** Single use: a code is gone after its first exchange, whether it succeeds or not. */
  takeCode(code: string, redirectUrl: string | undefined, now = Date.now()): { scope: string } | undefined {
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry || entry.expiresAt <= now) return undefined;
    if (redirectUrl !== undefined && redirectUrl !== entry.redirectUrl) return undefined;
    return { scope: entry.scope };
  }

  issueTokens(scope: string, now = Date.now()) {
    const accessToken = opaque('at');
    const refreshToken = opaque('rt');
    this.accessTokens.set(accessToken, { scope, expiresAt: now + this.lifetimes.accessSeconds * 1000 });
    this.refreshTokens.set(refreshToken, { scope, expiresAt: now + this.lifetimes.refreshSeconds * 1000 });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.lifetimes.accessSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: this.lifetimes.refreshSeconds,
      scope,
    };
  }

  /** Rotation: the old refresh token stops working the moment it is used. */
  rotate(refreshToken: string, now = Date.now()) {
    const entry = this.refreshTokens.get(refreshToken);
    this.refreshTokens.delete(refreshToken);
    if (!entry || entry.expiresAt <= now) return undefined;
    return this.issueTokens(entry.scope, now);
  }

  checkAccessToken(token: string, now = Date.now()): boolean {
    const entry = this.accessTokens.get(token);
    return entry !== undefined && entry.expiresAt > now;
  }
}
