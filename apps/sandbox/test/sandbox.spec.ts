import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki, createRoot, toPem } from '@connectpay-kit/testing-pki';
import {
  createConnectPayClient,
  type ConnectPayClient,
  type ProviderHttpError,
  type TransportError,
} from '@connectpay-kit/transport';
import { Agent, request } from 'undici';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-pki-'));
let sandbox: RunningSandbox;
let client: ConnectPayClient;
let receiver: Server;
const received: { path: string; headers: Record<string, unknown>; body: unknown }[] = [];
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

beforeAll(async () => {
  await ensureDevPki(dir);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const pki = optionsFromDevPki(dir);
  sandbox = await startSandbox({
    ...pki,
    mtlsPort: 0,
    onewayPort: 0,
    webhook: {
      url: `${receiverUrl}/webhooks/connectpay`,
      tokenHeader: 'x-connectpay-webhook-token',
      token: pki.webhookToken,
    },
    webhookRetryDelaysMs: [10],
    publicOnewayUrl: 'https://sandbox.example:9444/',
  });
  client = createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
    caPem: read('ca.pem'),
    mtls: { certChainPem: read('client-chain.pem'), privateKeyPem: read('client.key') },
    basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
    merchant: { privateKeyPem: read('merchant.key') },
    retry: { maxAttempts: 1 },
  });
});

afterAll(async () => {
  await client.close();
  await sandbox.close();
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    return error as TransportError;
  }
  throw new Error('expected a failure');
}

const PAYMENT = {
  merchant: { brandId: 'brand-1', notificationUrl: '', language: 'en' },
  payment: { paymentMethod: 'PIS', instructedAmount: { amount: '12.34', currency: 'EUR' } },
  identifiers: { merchantReference: 'order-1' },
};

describe('sandbox: health', () => {
  it('answers GET /sandbox/v1/health on the one-way host, and on the mTLS host with a client certificate', async () => {
    const ca = read('ca.pem');
    const browser = new Agent({ connect: { ca } });
    const service = new Agent({ connect: { ca, cert: read('client-chain.pem'), key: read('client.key') } });
    try {
      const oneway = await request(`${sandbox.onewayUrl}/sandbox/v1/health`, { dispatcher: browser });
      expect(oneway.statusCode).toBe(200);
      expect(await oneway.body.json()).toEqual({ status: 'ok', host: 'oneway' });
      const mtls = await request(`${sandbox.mtlsUrl}/sandbox/v1/health`, { dispatcher: service });
      expect(mtls.statusCode).toBe(200);
      expect(await mtls.body.json()).toEqual({ status: 'ok', host: 'mtls' });
    } finally {
      await Promise.all([browser.close(), service.close()]);
    }
  });
});

describe('sandbox: merchant API v2 on the one-way host', () => {
  it('creates a signed payment (201) and returns it with its status', async () => {
    const created = await client.call<{ payment: { paymentId: string; redirectUrl: string; status: string } }>(
      'merchant.payments.create',
      { body: PAYMENT },
    );
    expect(created.status).toBe(201);
    // The page a shopper is sent to is on the public address, not the listen address.
    expect(created.body.payment.redirectUrl).toBe(
      `https://sandbox.example:9444/sandbox/pay/${created.body.payment.paymentId}`,
    );
    const fetched = await client.call<{ payment: { status: string; instructedAmount: unknown } }>(
      'merchant.payments.get',
      {
        params: { paymentId: created.body.payment.paymentId },
      },
    );
    expect(fetched.body.payment.status).toBe('Created');
    expect(fetched.body.payment.instructedAmount).toEqual({ amount: '12.34', currency: 'EUR' });
  });

  it('refuses a request signed with another key, as the provider would', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const stranger = createConnectPayClient({
      environment: 'local',
      baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
      caPem: read('ca.pem'),
      basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
      merchant: {
        privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
    });
    const error = await failure(stranger.call('merchant.payments.create', { body: PAYMENT }));
    expect((error as ProviderHttpError).status).toBe(401);
    expect((error as ProviderHttpError).body).toMatchObject({ error: 'invalid_signature' });
    await stranger.close();
  });

  it('answers a validation error that names each bad field', async () => {
    const error = await failure(
      client.call('merchant.payments.create', {
        body: { ...PAYMENT, payment: { paymentMethod: 'PIS', instructedAmount: { amount: '12,34' } } },
      }),
    );
    expect((error as ProviderHttpError).status).toBe(400);
    expect(JSON.stringify((error as ProviderHttpError).body)).toMatch(
      /amount must be a decimal string.*currency must be/,
    );
  });

  it('sends the subscribed webhook with the static token and the per-payment notification', async () => {
    const notificationUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
    const created = await client.call<{ payment: { paymentId: string } }>('merchant.payments.create', {
      body: { ...PAYMENT, merchant: { ...PAYMENT.merchant, notificationUrl } },
    });
    const id = created.body.payment.paymentId;
    const advance = await request(`${sandbox.onewayUrl}/sandbox/v1/payments/${id}/advance`, {
      method: 'POST',
      dispatcher: new Agent({ connect: { ca: read('ca.pem') } }),
    });
    expect(advance.statusCode).toBe(200);
    await advance.body.dump();
    await sandbox.webhooks.settled();
    const subscription = received.find((r) => r.path === '/webhooks/connectpay' && JSON.stringify(r.body).includes(id));
    expect(subscription?.headers['x-connectpay-webhook-token']).toBe(read('webhook-token.txt').trim());
    expect(subscription?.headers['x-connectpay-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(subscription?.body).toMatchObject({
      type: 'MerchantPayment.PendingProvider',
      data: { payment: { paymentId: id, status: 'PendingProvider' } },
    });
    const hint = received.find((r) => r.path === '/notify');
    expect(hint?.body).toMatchObject({ payment: { paymentId: id, status: 'PendingProvider' } });
    expect(hint?.headers['x-connectpay-webhook-token']).toBeUndefined();
  });
});

describe('sandbox: host kinds are mutually exclusive', () => {
  it('refuses a cert-protected API on the one-way host and a merchant API on the mTLS host', async () => {
    const agent = new Agent({
      connect: { ca: read('ca.pem'), cert: read('client-chain.pem'), key: read('client.key') },
    });
    const onOneway = await request(`${sandbox.onewayUrl}/reference/v1/currencies`, { dispatcher: agent });
    expect(onOneway.statusCode).toBe(403);
    expect(await onOneway.body.json()).toMatchObject({ error: 'wrong_host' });
    const onMtls = await request(`${sandbox.mtlsUrl}/merchant/payments`, {
      method: 'POST',
      body: '{}',
      dispatcher: agent,
    });
    expect(onMtls.statusCode).toBe(403);
    await onMtls.body.dump();
    await agent.close();
  });

  it('refuses at the TLS handshake a client chain from another CA', async () => {
    const root = await createRoot({ subject: 'CN=Not The Dev Root' });
    const leaf = await root.issue({ subject: 'CN=intruder', extendedKeyUsage: ['clientAuth'] });
    const intruder = createConnectPayClient({
      environment: 'local',
      baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
      caPem: read('ca.pem'),
      mtls: { certChainPem: toPem([leaf, root]), privateKeyPem: leaf.privateKeyPem },
      basic: { clientId: 'x', clientSecret: 'y' },
      retry: { maxAttempts: 1 },
    });
    const error = await failure(intruder.call('reference.currencies'));
    expect(error.code).toBe('TRANSPORT_CLIENT_CERT_REFUSED');
    await intruder.close();
  });
});

describe('sandbox: OAuth on the mTLS host', () => {
  async function code(): Promise<string> {
    const response = await request(`${sandbox.onewayUrl}/sandbox/v1/auth-codes`, {
      method: 'POST',
      body: JSON.stringify({ redirectUrl: 'https://127.0.0.1/callback', scope: 'psd2-ais' }),
      dispatcher: new Agent({ connect: { ca: read('ca.pem') } }),
    });
    return ((await response.body.json()) as { code: string }).code;
  }

  it('exchanges a code once, rotates refresh tokens, and refuses a used refresh token', async () => {
    const authCode = await code();
    const first = await client.call<{ access_token: string; refresh_token: string; expires_in: number }>(
      'oauth.token',
      {
        body: { grant_type: 'authorization_code', code: authCode, redirect_uri: 'https://127.0.0.1/callback' },
      },
    );
    expect(first.body.expires_in).toBe(3600);
    const reuse = await failure(
      client.call('oauth.token', {
        body: { grant_type: 'authorization_code', code: authCode, redirect_uri: 'https://127.0.0.1/callback' },
      }),
    );
    expect((reuse as ProviderHttpError).body).toMatchObject({ error: 'invalid_grant' });

    const rotated = await client.call<{ refresh_token: string }>('oauth.token', {
      body: { grant_type: 'refresh_token', refresh_token: first.body.refresh_token },
    });
    expect(rotated.body.refresh_token).not.toBe(first.body.refresh_token);
    const old = await failure(
      client.call('oauth.token', { body: { grant_type: 'refresh_token', refresh_token: first.body.refresh_token } }),
    );
    expect((old as ProviderHttpError).status).toBe(400);
    expect((old as ProviderHttpError).body).toMatchObject({ error: 'invalid_grant' });
  });

  it('serves the accounts API only with a valid bearer token over mTLS', async () => {
    const tokens = await client.call<{ access_token: string }>('oauth.token', {
      body: { grant_type: 'authorization_code', code: await code(), redirect_uri: 'https://127.0.0.1/callback' },
    });
    const agent = new Agent({
      connect: { ca: read('ca.pem'), cert: read('client-chain.pem'), key: read('client.key') },
    });
    const ok = await request(`${sandbox.mtlsUrl}/ob/accounts`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
      dispatcher: agent,
    });
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { accounts: unknown[] }).accounts).toHaveLength(2);
    const bad = await request(`${sandbox.mtlsUrl}/ob/accounts`, {
      headers: { authorization: 'Bearer nope' },
      dispatcher: agent,
    });
    expect(bad.statusCode).toBe(401);
    await bad.body.dump();
    await agent.close();
  });
});
