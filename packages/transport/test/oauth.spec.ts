import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '@connectpay-kit/storage';
import {
  type ConnectPayClient,
  createConnectPayClient,
  NewAuthCodeRequiredError,
  TokenCipher,
  TokenStoreError,
} from '@connectpay-kit/transport';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

/**
 * A provider-like token endpoint and Person-data API on one mTLS server: refresh tokens rotate and
 * die on use, access tokens live `accessSeconds`.
 */
class FakeProviderState {
  accessSeconds = 3600;
  readonly refresh = new Set<string>();
  readonly access = new Set<string>();
  readonly calls = { code: 0, refresh: 0, refused: 0 };
  issue() {
    const pair = {
      access_token: `at_${randomBytes(8).toString('hex')}`,
      refresh_token: `rt_${randomBytes(8).toString('hex')}`,
    };
    this.access.add(pair.access_token);
    this.refresh.add(pair.refresh_token);
    return { ...pair, token_type: 'Bearer', expires_in: this.accessSeconds, scope: 'psd2-ais' };
  }
}

let pki: TransportPki;
let server: TestServer;
let provider: FakeProviderState;
let dir: string;
let storage: Storage;
/** Checked by the API: every access token presented must already be committed to the store. */
let storedAccessTokens: () => Promise<string | undefined>;
const violations: string[] = [];
const encryptionKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  pki = await createTransportPki();
  dir = mkdtempSync(join(tmpdir(), 'oauth-'));
  server = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    handler: async (request, body, response) => {
      if (request.url === '/auth/v1/oauth2/token') {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') === 'authorization_code') {
          provider.calls.code += 1;
          return json(response, 200, provider.issue());
        }
        provider.calls.refresh += 1;
        const token = form.get('refresh_token') ?? '';
        if (!provider.refresh.delete(token)) {
          provider.calls.refused += 1;
          return json(response, 400, { error: 'invalid_grant', error_description: 'refresh token rotated' });
        }
        // Slow enough that concurrent callers pile up behind one refresh.
        await new Promise((r) => setTimeout(r, 30));
        return json(response, 200, provider.issue());
      }
      const presented = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!provider.access.has(presented)) return json(response, 401, { error: 'invalid_token' });
      if ((await storedAccessTokens()) !== presented) violations.push('access token used before it was stored');
      return json(response, 200, { accounts: [] });
    },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  provider = new FakeProviderState();
  violations.length = 0;
  storage = await openStorage(join(dir, `${randomBytes(4).toString('hex')}.sqlite`));
  const cipher = new TokenCipher(encryptionKey);
  storedAccessTokens = async () => {
    const row = await storage.tokens.get('default');
    return row ? (JSON.parse(cipher.decrypt(row.value, 'default')) as { accessToken: string }).accessToken : undefined;
  };
});
afterEach(async () => {
  await storage.close().catch(() => undefined);
});

function client(options: { skewMs?: number } = {}): ConnectPayClient {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: server.url, oneway: 'https://127.0.0.1:9' },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'tpp', clientSecret: 'tpp-secret' },
    oauth: { store: storage.tokens, encryptionKey, refreshSkewMs: options.skewMs ?? 0 },
    retry: { maxAttempts: 1 },
  });
}

describe('OAuth token manager', () => {
  it('exchanges a code and stores the pair encrypted at rest', async () => {
    const cp = client();
    const status = await cp.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    expect(status.state).toBe('valid');
    const row = await storage.tokens.get('default');
    const raw = Buffer.from(row!.value).toString('latin1');
    expect(raw).not.toMatch(/at_|rt_/);
    expect((await cp.call('accounts.list')).status).toBe(200);
    expect(violations).toEqual([]);
    await cp.close();
  });

  it('50 concurrent callers with an expired access token cause exactly one refresh', async () => {
    provider.accessSeconds = 1;
    const cp = client({ skewMs: 5_000 }); // every token counts as expiring: refresh on first use
    await cp.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    provider.accessSeconds = 3600;
    const results = await Promise.all(Array.from({ length: 50 }, () => cp.call('accounts.list')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(provider.calls.refresh).toBe(1);
    expect(violations).toEqual([]);
    await cp.close();
  });

  it('two processes sharing the store: the loser of the rotation race uses the winner’s stored pair', async () => {
    provider.accessSeconds = 1;
    const a = client({ skewMs: 5_000 });
    await a.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    provider.accessSeconds = 3600;
    const b = client({ skewMs: 5_000 });
    const [ra, rb] = await Promise.all([a.call('accounts.list'), b.call('accounts.list')]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    expect(provider.calls.refresh - provider.calls.refused).toBe(1);
    expect(violations).toEqual([]);
    await a.close();
    await b.close();
  });

  it('a refused refresh token says a person must issue a new auth code', async () => {
    provider.accessSeconds = 1;
    const cp = client({ skewMs: 5_000 });
    await cp.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    provider.refresh.clear(); // revoked at the provider
    await expect(cp.call('accounts.list')).rejects.toThrow(NewAuthCodeRequiredError);
    await expect(cp.call('accounts.list')).rejects.toThrow(/new auth code/);
    await cp.close();
  });

  it('without stored tokens, asks for an auth code instead of calling the API', async () => {
    const cp = client();
    await expect(cp.call('accounts.list')).rejects.toThrow(NewAuthCodeRequiredError);
    expect((await cp.oauth!.status()).state).toBe('none');
    await cp.close();
  });

  it('does not use a rotated access token when the new pair cannot be stored', async () => {
    provider.accessSeconds = 1;
    const cp = client({ skewMs: 5_000 });
    await cp.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    const before = server.requests.filter((r) => r.url === '/ob/accounts').length;
    await storage.close();
    await expect(cp.call('accounts.list')).rejects.toThrow(TokenStoreError);
    expect(server.requests.filter((r) => r.url === '/ob/accounts').length).toBe(before);
    await cp.close();
  });

  it('reports status without token values', async () => {
    const cp = client();
    await cp.oauth!.exchangeCode('code-1', 'https://127.0.0.1/callback');
    const status = await cp.oauth!.status();
    expect(JSON.stringify(status)).not.toMatch(/at_|rt_/);
    expect(status).toMatchObject({ state: 'valid', scope: 'psd2-ais' });
    await cp.close();
  });
});
