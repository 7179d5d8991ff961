import { randomBytes } from 'node:crypto';
import {
  authorizeUrl,
  checkRedirectUrl,
  isGuidV4,
  newAuthorizeNonce,
  NewAuthCodeRequiredError,
  OAuthTokenManager,
  ProviderHttpError,
  refreshRefusal,
  TokenCipher,
  tokenLifetimeSeconds,
  TransportMisuseError,
  type TokenEndpointResponse,
  type TokenPersistence,
} from '../src/index.js';

/** A store with the compare-and-swap of packages/storage's TokenStore, in memory. */
class MemoryStore implements TokenPersistence {
  readonly rows = new Map<string, { value: Uint8Array; version: number }>();
  async get(key: string) {
    return this.rows.get(key);
  }
  async put(key: string, value: Uint8Array, options: { expectedVersion: number }) {
    const version = this.rows.get(key)?.version ?? 0;
    if (version !== options.expectedVersion) {
      throw Object.assign(new Error('conflict'), { code: 'STORAGE_CONFLICT' });
    }
    this.rows.set(key, { value, version: version + 1 });
    return version + 1;
  }
}

// The token response exactly as dev:/access-tokens shows it (token values shortened).
const DOCUMENTED_RESPONSE: TokenEndpointResponse = JSON.parse(
  '{"token_type":"Bearer","access_token":"a6bcc5df-6c04","refresh_token":"e6e0cb4f-d822","expires_in":3600,' +
    '"client_customer_name":"Mo********co","scope":"ob-ps:authz-nosca ob-ps ob-as","refresh_token_expires_in":"2592000"}',
) as TokenEndpointResponse;

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

function manager(endpoint: (form: Record<string, string>) => Promise<TokenEndpointResponse>, clock: { now: number }) {
  const store = new MemoryStore();
  const tokens = new OAuthTokenManager({
    store,
    cipher: new TokenCipher(randomBytes(32).toString('base64')),
    endpoint,
    refreshSkewMs: 0,
    now: () => new Date(clock.now),
  });
  return { tokens, store };
}

function refusedWith(status: number, body: unknown) {
  return () => Promise.reject(new ProviderHttpError(status, body, { api: 'oauth.token' }));
}

describe('token responses as ConnectPay documents them', () => {
  it('takes refresh_token_expires_in as a string ("2592000") and keeps the masked customer name', async () => {
    const clock = { now: T0 };
    const { tokens } = manager(async () => DOCUMENTED_RESPONSE, clock);
    const status = await tokens.exchangeCode('1f9ae0a1-21f9-145c-9939-75c281a3b06b', 'https://hooks.example/cb');
    expect(status).toMatchObject({
      state: 'valid',
      scope: 'ob-ps:authz-nosca ob-ps ob-as',
      customerName: 'Mo********co',
      accessTokenExpiresAt: new Date(T0 + 3600 * 1000).toISOString(),
      refreshTokenExpiresAt: new Date(T0 + 2_592_000 * 1000).toISOString(),
    });
  });

  it('uses the string lifetime, not the default: "600" makes the refresh token expire after 10 minutes', async () => {
    const clock = { now: T0 };
    const { tokens } = manager(async () => ({ ...DOCUMENTED_RESPONSE, refresh_token_expires_in: '600' }), clock);
    const status = await tokens.exchangeCode('code', 'https://hooks.example/cb');
    expect(status.refreshTokenExpiresAt).toBe(new Date(T0 + 600_000).toISOString());
    clock.now = T0 + 601_000;
    expect((await tokens.status()).state).toBe('refresh-expired');
  });

  it('reads lifetimes as positive numbers or digit strings, and nothing else', () => {
    expect(tokenLifetimeSeconds(3600)).toBe(3600);
    expect(tokenLifetimeSeconds('2592000')).toBe(2_592_000);
    for (const bad of ['', 'soon', '-5', '0', 0, -1, '1e3', null, undefined, {}]) {
      expect(tokenLifetimeSeconds(bad)).toBeUndefined();
    }
  });
});

describe('refresh refusals: detected from the status, invalid_grant being one form', () => {
  async function expired(refresh: (form: Record<string, string>) => Promise<TokenEndpointResponse>) {
    const clock = { now: T0 };
    let first = true;
    const { tokens, store } = manager(async (form) => {
      if (first && form['grant_type'] === 'authorization_code') {
        first = false;
        return DOCUMENTED_RESPONSE;
      }
      return refresh(form);
    }, clock);
    await tokens.exchangeCode('code', 'https://hooks.example/cb');
    clock.now = T0 + 3601 * 1000; // access token expired, refresh token good for 30 days
    return { tokens, store, clock };
  }

  it.each([
    ['RFC 6749 invalid_grant', 400, { error: 'invalid_grant', error_description: 'expired' }],
    ['a 400 with a body of another shape', 400, { code: 'RefreshTokenExpired', message: 'Token expired' }],
    ['a 401 with no body', 401, undefined],
    ['a 403 with a text body', 403, 'Forbidden'],
  ])('%s means a new auth code is needed', async (_name, status, body) => {
    const { tokens } = await expired(refusedWith(status, body));
    const error = await tokens.getAccessToken().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NewAuthCodeRequiredError);
    expect((error as Error).message).toContain(`HTTP ${status}`);
    expect((error as Error).message).not.toMatch(/e6e0cb4f|a6bcc5df/);
  });

  it.each([
    ['invalid_client (the DevApp credentials, not the grant)', 401, { error: 'invalid_client' }],
    ['a 503', 503, { error: 'temporarily_unavailable' }],
    ['a 429', 429, undefined],
  ])('%s is passed through and the stored pair is kept', async (_name, status, body) => {
    const { tokens, store } = await expired(refusedWith(status, body));
    const before = store.rows.get('default')?.version;
    await expect(tokens.getAccessToken()).rejects.toBeInstanceOf(ProviderHttpError);
    await expect(tokens.getAccessToken()).rejects.not.toBeInstanceOf(NewAuthCodeRequiredError);
    expect(store.rows.get('default')?.version).toBe(before);
    expect((await tokens.status()).state).toBe('access-expired');
  });

  it('a refresh token past its documented lifetime is not sent at all', async () => {
    let refreshCalls = 0;
    const { tokens, clock } = await expired(async () => {
      refreshCalls += 1;
      return DOCUMENTED_RESPONSE;
    });
    // Past the 30 days the response's string lifetime gave the refresh token.
    clock.now = T0 + 2_592_001 * 1000;
    await expect(tokens.getAccessToken()).rejects.toThrow(/refresh token expired/);
    expect(refreshCalls).toBe(0);
  });

  it('rotates: a successful refresh stores the new refresh token and its new lifetime', async () => {
    const presented: string[] = [];
    let round = 1;
    const { tokens, clock } = await expired(async (form) => {
      presented.push(`${form['grant_type']}:${form['refresh_token']}`);
      round += 1;
      return { ...DOCUMENTED_RESPONSE, access_token: `at-${round}`, refresh_token: `rt-${round}` };
    });
    expect(await tokens.getAccessToken()).toBe('at-2');
    const status = await tokens.status();
    expect(status.state).toBe('valid');
    expect(status.refreshTokenExpiresAt).toBe(new Date(T0 + 3601 * 1000 + 2_592_000 * 1000).toISOString());
    clock.now += 3601 * 1000;
    expect(await tokens.getAccessToken()).toBe('at-3');
    expect(presented).toEqual(['refresh_token:e6e0cb4f-d822', 'refresh_token:rt-2']);
  });

  it('classifies errors without a token value in the answer', () => {
    expect(refreshRefusal(new ProviderHttpError(400, { error: 'invalid_grant' }, {}))).toBe('HTTP 400, invalid_grant');
    expect(refreshRefusal(new ProviderHttpError(400, undefined, {}))).toBe('HTTP 400');
    expect(refreshRefusal(new ProviderHttpError(500, undefined, {}))).toBeUndefined();
    expect(refreshRefusal(new Error('socket hang up'))).toBeUndefined();
  });
});

describe('the authorize URL', () => {
  const base = {
    environment: 'stage' as const,
    clientId: 'devapp-1',
    scope: 'psd2-ais',
    redirectUrl: 'https://hooks.shop.example/auth/callback',
    state: 'state-1',
  };

  it('carries a GUIDv4 nonce and the documented parameters', () => {
    const nonce = newAuthorizeNonce();
    expect(isGuidV4(nonce)).toBe(true);
    const url = new URL(authorizeUrl({ ...base, nonce }));
    expect(url.origin).toBe('https://api2-stage.connectpay.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'devapp-1',
      flowId: 'GetPSD2AuthCode',
      scope: 'psd2-ais',
      state: 'state-1',
      nonce,
      redirect_url: 'https://hooks.shop.example/auth/callback',
      response_type: 'code',
    });
  });

  it('refuses a nonce that is not a GUIDv4, such as the 16 random bytes in base64url sent before', () => {
    for (const nonce of [randomBytes(16).toString('base64url'), '', 'c3e4f215-dde4-1d0c-9a48-bc7274c90977']) {
      expect(() => authorizeUrl({ ...base, nonce })).toThrow(/GUIDv4/);
    }
  });

  it('refuses a redirect_url with a query, and says why', () => {
    const nonce = newAuthorizeNonce();
    for (const redirectUrl of ['https://hooks.shop.example/cb?flow=1', 'https://hooks.shop.example/cb?']) {
      const error = (() => {
        try {
          authorizeUrl({ ...base, nonce, redirectUrl });
          return undefined;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(TransportMisuseError);
      expect((error as Error).message).toMatch(/must not carry a query/);
    }
    expect(() => checkRedirectUrl('http://hooks.shop.example/cb', 'prod')).toThrow(/https/);
    expect(checkRedirectUrl('http://127.0.0.1:3001/auth/callback', 'local')).toBe(
      'http://127.0.0.1:3001/auth/callback',
    );
    expect(() => checkRedirectUrl('https://hooks.shop.example/cb#x', 'stage')).toThrow(/fragment/);
  });

  it('refuses PSD2 scopes mixed with proprietary ones, which ConnectPay answers with an error', () => {
    expect(() => authorizeUrl({ ...base, nonce: newAuthorizeNonce(), scope: ['psd2-ais', 'ob-as'] })).toThrow(
      /cannot be requested together/,
    );
    const url = new URL(authorizeUrl({ ...base, nonce: newAuthorizeNonce(), scope: ['psd2-ais', 'psd2-pis'] }));
    expect(url.searchParams.get('scope')).toBe('psd2-ais psd2-pis');
  });
});
