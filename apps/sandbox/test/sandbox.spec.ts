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

// Merchant API v2 (contract, stage test data, progression, callbacks): test/merchant-payments.spec.ts.

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
