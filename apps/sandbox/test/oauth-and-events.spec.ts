import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import {
  authorizeUrl,
  createConnectPayClient,
  type ConnectPayClient,
  newAuthorizeNonce,
  OAuthTokenManager,
  TokenCipher,
  type TokenPersistence,
} from '@connectpay-kit/transport';
import { Agent, request } from 'undici';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-oauth-'));
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
let sandbox: RunningSandbox;
let client: ConnectPayClient;
let browser: Agent;
let receiver: Server;
const received: { type: string; token: string }[] = [];
let clientId: string;

beforeAll(async () => {
  await ensureDevPki(dir);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string };
      received.push({ type: event.type, token: String(req.headers['x-connectpay-webhook-token']) });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const pki = optionsFromDevPki(dir);
  clientId = pki.clientId;
  sandbox = await startSandbox({
    ...pki,
    mtlsPort: 0,
    onewayPort: 0,
    webhook: {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/connectpay`,
      tokenHeader: 'x-connectpay-webhook-token',
      token: "#Qx7!k$2%m&'*+-.^_`|~aB3cD4eF5gH6iJ7",
    },
    webhookTimeScale: 100_000,
  });
  client = createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
    caPem: read('ca.pem'),
    mtls: { certChainPem: read('client-chain.pem'), privateKeyPem: read('client.key') },
    basic: { clientId: pki.clientId, clientSecret: pki.clientSecret },
    retry: { maxAttempts: 1 },
  });
  browser = new Agent({ connect: { ca: read('ca.pem') } });
});

afterAll(async () => {
  await client.close();
  await browser.close();
  await sandbox.close();
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const REDIRECT = 'https://127.0.0.1/auth/callback';

function authorize(overrides: Record<string, string> = {}): URL {
  const url = new URL(
    authorizeUrl({
      environment: 'local',
      baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
      clientId,
      scope: 'psd2-ais',
      redirectUrl: REDIRECT,
      state: 'st-1',
      nonce: newAuthorizeNonce(),
    }),
  );
  for (const [name, value] of Object.entries(overrides)) url.searchParams.set(name, value);
  return url;
}

async function open(url: URL): Promise<{ status: number; location: string; body: string }> {
  const answer = await request(url, { dispatcher: browser });
  return {
    status: answer.statusCode,
    location: String(answer.headers['location'] ?? ''),
    body: await answer.body.text(),
  };
}

describe('the OAuth family', () => {
  it('issues a code for a GUIDv4 nonce and refuses the nonce a second time', async () => {
    const url = authorize();
    const first = await open(url);
    expect(first.status).toBe(302);
    const back = new URL(first.location);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('code')).toMatch(/^code_/);
    const again = await open(url);
    expect(again.status).toBe(400);
    expect(again.body).toContain('nonce was already used');
  });

  it.each([
    ['a nonce that is not a GUIDv4', { nonce: randomBytes(16).toString('base64url') }, 'nonce must be a GUIDv4'],
    ['a GUID of another version', { nonce: randomUUID().replace(/^(.{14})4/, '$11') }, 'nonce must be a GUIDv4'],
    ['a redirect_url with a query', { redirect_url: `${REDIRECT}?next=1` }, 'must not carry a query'],
    ['another flowId', { flowId: 'Other' }, 'flowId must be GetPSD2AuthCode'],
    ['PSD2 and proprietary scopes mixed', { scope: 'psd2-ais ob-as' }, 'cannot be mixed'],
  ])('refuses %s', async (_name, overrides, message) => {
    const answer = await open(authorize(overrides));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain(message);
  });

  it('answers the token call as documented and rotates the refresh token on every refresh', async () => {
    const code = new URL((await open(authorize())).location).searchParams.get('code') ?? '';
    const issued = await client.call<Record<string, unknown>>('oauth.token', {
      body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
    });
    expect(issued.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token_expires_in: '2592000', // a string, as in dev:/access-tokens
      client_customer_name: expect.stringMatching(/^\w{2}\*+\w{2}$/),
      scope: 'psd2-ais',
    });
    const first = String(issued.body['refresh_token']);
    const rotated = await client.call<Record<string, unknown>>('oauth.token', {
      body: { grant_type: 'refresh_token', refresh_token: first },
    });
    expect(rotated.body['refresh_token']).not.toBe(first);
    const reused = await client
      .call('oauth.token', { body: { grant_type: 'refresh_token', refresh_token: first } })
      .then(
        () => 0,
        (error: { status?: number }) => error.status,
      );
    expect(reused).toBe(400);
  });

  it("transport's token manager reads the sandbox's string lifetime and serves the accounts APIs", async () => {
    const rows = new Map<string, { value: Uint8Array; version: number }>();
    const store: TokenPersistence = {
      get: async (key) => rows.get(key),
      put: async (key, value, { expectedVersion }) => {
        if ((rows.get(key)?.version ?? 0) !== expectedVersion)
          throw Object.assign(new Error('conflict'), { code: 'STORAGE_CONFLICT' });
        rows.set(key, { value, version: expectedVersion + 1 });
        return expectedVersion + 1;
      },
    };
    const tokens = new OAuthTokenManager({
      store,
      cipher: new TokenCipher(randomBytes(32).toString('base64')),
      endpoint: async (form) => (await client.call('oauth.token', { body: form })).body as never,
    });
    const code = new URL((await open(authorize())).location).searchParams.get('code') ?? '';
    const before = Date.now();
    const status = await tokens.exchangeCode(code, REDIRECT);
    expect(Date.parse(status.refreshTokenExpiresAt ?? '') - before).toBeGreaterThan(2_591_000_000);
    expect(status.customerName).toMatch(/\*/);

    const access = await tokens.getAccessToken();
    const agent = new Agent({
      connect: { ca: read('ca.pem'), cert: read('client-chain.pem'), key: read('client.key') },
    });
    try {
      const list = await request(`${sandbox.mtlsUrl}/ob/accounts`, {
        headers: { authorization: `Bearer ${access}` },
        dispatcher: agent,
      });
      expect(list.statusCode).toBe(200);
      const accounts = ((await list.body.json()) as { accounts: { accountId: string }[] }).accounts;
      expect(accounts.map((a) => a.accountId)).toEqual(['acc-1', 'acc-2']);
      const history = await request(`${sandbox.mtlsUrl}/ob/accounts/acc-1/transactions`, {
        headers: { authorization: `Bearer ${access}` },
        dispatcher: agent,
      });
      expect(history.statusCode).toBe(200);
      expect(((await history.body.json()) as { transactions: unknown[] }).transactions).toHaveLength(2);
    } finally {
      await agent.close();
    }
  });
});

describe('subscribed webhooks controls', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const answer = await request(`${sandbox.onewayUrl}${path}`, {
      method: method as 'GET' | 'POST',
      dispatcher: browser,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
  };

  it('publishes a banking event type with the token verbatim, and reports the subscription', async () => {
    const published = await control('POST', '/sandbox/v1/events', {
      type: 'OutgoingPayment.Completed',
      data: { transactionId: 'tx-1' },
    });
    expect(published.status).toBe(202);
    await sandbox.webhooks.settled(5_000);
    expect(received.at(-1)).toEqual({
      type: 'OutgoingPayment.Completed',
      token: "#Qx7!k$2%m&'*+-.^_`|~aB3cD4eF5gH6iJ7",
    });
    const status = await control('GET', '/sandbox/v1/webhook-subscription');
    expect(status.body).toMatchObject({
      state: 'active',
      switchOffAfter: 100,
      retryDelaysMs: [0.05, 0.05, 0.3, 3, 36, 864],
    });
    expect((await control('POST', '/sandbox/v1/events', { type: 'not an event' })).status).toBe(400);
  });
});

describe('the open-banking family', () => {
  let access: string;
  let mtls: Agent;

  beforeAll(async () => {
    const code = new URL((await open(authorize())).location).searchParams.get('code') ?? '';
    const issued = await client.call<{ access_token: string }>('oauth.token', {
      body: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT },
    });
    access = issued.body.access_token;
    mtls = new Agent({ connect: { ca: read('ca.pem'), cert: read('client-chain.pem'), key: read('client.key') } });
  });
  afterAll(async () => {
    await mtls.close();
  });

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, token: string = access) => {
    const answer = await request(`${sandbox.mtlsUrl}${path}`, {
      method,
      dispatcher: mtls,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
  };
  const order = (amount: string, remittance = 'Invoice 42') => ({
    paymentRail: 'SEPA_SCT',
    debtorAccount: { iban: 'LT601010012345678901' },
    creditorAccount: { iban: 'DE89370400440532013000' },
    creditorName: 'Gravelbox Ltd.',
    instructedAmount: { amount, currency: 'EUR' },
    remittanceInformationUnstructured: remittance,
  });
  const poll = async (paymentOrderNo: string, times: number) => {
    const seen: unknown[] = [];
    for (let i = 0; i < times; i += 1) {
      seen.push((await call('GET', `/ob/payments/${paymentOrderNo}/status`)).body['transactionStatus']);
    }
    return seen;
  };

  it('initiates a payment order as documented and moves it RCVD → PDNG → ACSC, one step per status poll', async () => {
    const before = received.length;
    const created = await call('POST', '/ob/payments', order('9.00'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      paymentOrderNo: expect.stringMatching(/^s-\d{20}$/),
      paymentRail: 'SEPA_SCT',
      transactionStatus: 'RCVD',
      transactionFeeIndicator: true,
    });
    const no = String(created.body['paymentOrderNo']);
    expect(await poll(no, 3)).toEqual(['PDNG', 'ACSC', 'ACSC']);
    await sandbox.webhooks.settled(5_000);
    // Delivered concurrently, so in any order (as the provider's are); one event per step.
    expect(
      received
        .slice(before)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['OutgoingPayment.Completed', 'OutgoingPayment.Created', 'OutgoingPayment.Processing']);
    expect((await call('GET', `/ob/payments/${no}`)).body).toMatchObject({
      transactionStatus: 'ACSC',
      creditorName: 'Gravelbox Ltd.',
    });
  });

  it('holds 99.99 in PDNG however often it is polled, and rejects remittance "RJCT"', async () => {
    const held = String((await call('POST', '/ob/payments', order('99.99'))).body['paymentOrderNo']);
    expect(await poll(held, 4)).toEqual(['PDNG', 'PDNG', 'PDNG', 'PDNG']);
    const rejected = String((await call('POST', '/ob/payments', order('5.00', 'RJCT'))).body['paymentOrderNo']);
    expect(await poll(rejected, 3)).toEqual(['PDNG', 'RJCT', 'RJCT']);
  });

  it('refuses a bad order naming each field, and any call without a valid access token', async () => {
    const bad = await call('POST', '/ob/payments', { ...order('0.00'), creditorName: undefined, paymentRail: 'FAX' });
    expect(bad.status).toBe(400);
    expect(String(bad.body['error_description'])).toMatch(
      /creditorName: is required.*instructedAmount.amount.*paymentRail/,
    );
    expect((await call('POST', '/ob/payments', order('1.00'), 'at_forged')).status).toBe(401);
    expect((await call('GET', '/ob/payments/s-404/status')).status).toBe(404);
  });

  it('answers exchange rates for several currency pairs', async () => {
    const rates = await call(
      'GET',
      '/ob/currencyexchangerate?debtoraccountiban=LT601010012345678901&currencyPair=EURUSD&currencyPair=EURGBP',
    );
    expect(rates.status).toBe(200);
    expect((rates.body['rates'] as { currencyPair: string }[]).map((rate) => rate.currencyPair)).toEqual([
      'EURUSD',
      'EURGBP',
    ]);
    expect((await call('GET', '/ob/currencyexchangerate?debtoraccountiban=LT601010012345678901')).status).toBe(400);
  });
});

describe('the BaaS-SCA family', () => {
  it("takes transport's baas-sca-partner call (x-connectpay-api-key) on the one-way host", async () => {
    const created = await client.call<{ userId: string; emailValidationUrl: string }>('baas-sca.users.create', {
      body: { email: 'user@example.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body.emailValidationUrl).toContain(created.body.userId);
  });

  it('refuses a wrong API key, and the same path on the mTLS host', async () => {
    const wrong = await request(`${sandbox.onewayUrl}/baas-sca/user-management/partner/users`, {
      method: 'POST',
      dispatcher: browser,
      headers: { 'x-connectpay-api-key': Buffer.from(`${clientId}:wrong`).toString('base64') },
      body: '{"email":"user@example.com"}',
    });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    const mtls = new Agent({
      connect: { ca: read('ca.pem'), cert: read('client-chain.pem'), key: read('client.key') },
    });
    const onMtls = await request(`${sandbox.mtlsUrl}/baas-sca/user-management/partner/users`, {
      method: 'POST',
      dispatcher: mtls,
      body: '{}',
    });
    expect(onMtls.statusCode).toBe(403);
    await onMtls.body.dump();
    await mtls.close();
  });
});
