import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  createConnectPayClient,
  ProviderHttpError,
  TransportMisuseError,
  TransportTimeoutError,
  verifyMerchantSignature,
} from '@connectpay-kit/transport';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { failure } from './support/failure.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

let pki: TransportPki;
let oneway: TestServer;
let mtls: TestServer;
const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const merchantKeyPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
let resetsLeft = 0;
let mtlsResetsLeft = 0;

beforeAll(async () => {
  pki = await createTransportPki();
  oneway = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    handler: (request: IncomingMessage, body, response) => {
      if (resetsLeft > 0) {
        resetsLeft -= 1;
        request.socket.destroy();
        return;
      }
      const url = `https://${request.headers.host ?? ''}${request.url ?? ''}`;
      const ok = verifyMerchantSignature(
        { method: request.method ?? '', url, body },
        String(request.headers['x-signature'] ?? ''),
        merchant.publicKey,
      );
      if (!ok)
        return json(response, 401, { error: 'invalid_signature', error_description: 'X-Signature does not verify' });
      if (request.url?.startsWith('/merchant/payments/slow')) return; // never answers
      if (request.url?.startsWith('/merchant/payments/flaky')) return json(response, 503, { error: 'unavailable' });
      if (request.method === 'POST')
        return json(response, 201, { payment: { paymentId: 'p-1', redirectUrl: 'https://x/p-1' } });
      json(response, 200, { payment: { paymentId: 'p-1', status: 'PendingProvider' } });
    },
  });
  mtls = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    handler: (request, _body, response) => {
      if (mtlsResetsLeft > 0) {
        mtlsResetsLeft -= 1;
        request.socket.destroy();
        return;
      }
      json(response, 200, { currencies: ['EUR'] });
    },
  });
});
afterAll(async () => {
  await oneway.close();
  await mtls.close();
});

function client(overrides: Partial<Parameters<typeof createConnectPayClient>[0]> = {}) {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: mtls.url, oneway: oneway.url },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'merchant-1', clientSecret: 'shh-secret' },
    merchant: { privateKeyPem: merchantKeyPem },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

describe('ConnectPayClient', () => {
  it('signs a merchant payment so the provider side verifies it with the public key', async () => {
    const cp = client();
    const response = await cp.call('merchant.payments.create', {
      body: { payment: { paymentMethod: 'PIS', instructedAmount: { amount: '12.34', currency: 'EUR' } } },
      requestId: 'caller-trace-1',
    });
    expect(response.status).toBe(201);
    expect(response.requestId).toBe('caller-trace-1');
    const seen = oneway.requests.at(-1);
    expect(seen?.headers['x-request-id']).toBe('caller-trace-1');
    expect(seen?.headers['accept']).toBe('application/json;version=2');
    expect(seen?.headers['x-signature']).toHaveLength(344);
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from('merchant-1:shh-secret').toString('base64')}`);
    await cp.close();
  });

  it('signs GETs too, and keeps one-way calls off the client certificate', async () => {
    const cp = client();
    const response = await cp.call('merchant.payments.get', { params: { paymentId: 'p-1' } });
    expect(response.body).toEqual({ payment: { paymentId: 'p-1', status: 'PendingProvider' } });
    expect(oneway.requests.at(-1)?.clientCertFingerprint).toBeUndefined();
    await cp.close();
  });

  it('passes the provider error body through with its status', async () => {
    const cp = client({
      merchant: {
        privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
    });
    const error = await failure(cp.call('merchant.payments.get', { params: { paymentId: 'p-1' } }));
    expect(error).toBeInstanceOf(ProviderHttpError);
    expect((error as ProviderHttpError).status).toBe(401);
    expect((error as ProviderHttpError).body).toEqual({
      error: 'invalid_signature',
      error_description: 'X-Signature does not verify',
    });
    expect(error.message).toContain('X-Signature does not verify');
    await cp.close();
  });

  it('retries an idempotent GET after a dropped connection', async () => {
    const cp = client();
    resetsLeft = 1;
    const response = await cp.call('merchant.payments.get', { params: { paymentId: 'p-1' } });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
    await cp.close();
  });

  it('retries a GET that a gateway in front answered 503, up to the limit', async () => {
    const cp = client();
    const before = oneway.requests.length;
    const error = await failure(cp.call('merchant.payments.get', { params: { paymentId: 'flaky' } }));
    expect((error as ProviderHttpError).status).toBe(503);
    expect(oneway.requests.length - before).toBe(3);
    await cp.close();
  });

  it('never retries a payment creation: one dropped connection, one failure, one attempt', async () => {
    const cp = client();
    resetsLeft = 1;
    const before = oneway.requests.length;
    const error = await failure(cp.call('merchant.payments.create', { body: { payment: {} } }));
    expect(error.code).toBe('TRANSPORT_CONNECTION_RESET');
    expect(oneway.requests.length - before).toBe(1);
    resetsLeft = 0;
    await cp.close();
  });

  it('retries a reset on the mTLS host once the provider has accepted the identity', async () => {
    const cp = client();
    await cp.call('reference.currencies');
    mtlsResetsLeft = 1;
    const response = await cp.call('reference.currencies');
    expect(response.attempts).toBe(2);
    await cp.close();
  });

  it('reports a headers timeout as a typed timeout', async () => {
    const cp = client({ timeouts: { headersMs: 200 }, retry: { maxAttempts: 1 } });
    const error = await failure(cp.call('merchant.payments.get', { params: { paymentId: 'slow' } }));
    expect(error).toBeInstanceOf(TransportTimeoutError);
    expect((error as TransportTimeoutError).phase).toBe('headers');
    await cp.close();
  });

  it('refuses what the catalog does not allow, before any network traffic', async () => {
    const cp = client();
    const before = oneway.requests.length + mtls.requests.length;
    for (const call of [
      cp.call('merchant.refunds.create'),
      cp.call('oauth.authorize'),
      cp.call('merchant.payments.get', { params: { paymentId: '..' } }),
      cp.call('merchant.payments.get', { params: { paymentId: 'p' }, headers: { Authorization: 'Basic x' } }),
      cp.call('merchant.payments.get', { params: { paymentId: 'p' }, body: { a: 1 } }),
    ]) {
      expect(await failure(call)).toBeInstanceOf(TransportMisuseError);
    }
    expect(oneway.requests.length + mtls.requests.length).toBe(before);
    await cp.close();
  });

  it('generates a uuid request id when the caller gives none or an unusable one', async () => {
    const cp = client();
    const a = await cp.call('merchant.payments.get', { params: { paymentId: 'p-1' } });
    const b = await cp.call('merchant.payments.get', { params: { paymentId: 'p-1' }, requestId: 'bad id\r\nx: y' });
    expect(a.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.requestId).not.toContain('bad id');
    await cp.close();
  });

  it('reports every call to onCall with its outcome', async () => {
    const events: { api: string; status: number | undefined; errorCode: string | undefined }[] = [];
    const cp = client({ onCall: (e) => events.push(e), retry: { maxAttempts: 1 } });
    await cp.call('merchant.payments.get', { params: { paymentId: 'p-1' } });
    await failure(cp.call('merchant.payments.get', { params: { paymentId: 'flaky' } }));
    expect(events.map((e) => [e.api, e.status, e.errorCode])).toEqual([
      ['merchant.payments.get', 200, undefined],
      ['merchant.payments.get', 503, 'TRANSPORT_HTTP_ERROR'],
    ]);
    await cp.close();
  });
});
