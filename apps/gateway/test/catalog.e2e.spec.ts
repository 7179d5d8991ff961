import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { API_KEY, startHarness, type Harness } from './support/harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Sends bytes exactly as written (absolute-form request lines, odd Host headers) and returns the answer. */
function rawHttp(url: string, text: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('generic catalog endpoint (mtls + basic)', () => {
  it('calls reference.currencies by name over mTLS', async () => {
    const response = await request(harness.url).post('/v1/catalog/reference.currencies').set(API_KEY).send({});
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ currencies: ['EUR', 'GBP', 'PLN', 'SEK', 'DKK', 'NOK'] });
  });

  it('takes no body at all as "no params"', async () => {
    const response = await request(harness.url).post('/v1/catalog/reference.currencies').set(API_KEY);
    expect(response.status).toBe(200);
  });

  it('takes an empty JSON body and a structured +json type as JSON', async () => {
    const empty = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('content-type', 'application/json')
      .send('');
    expect(empty.status).toBe(200);
    const vendorJson = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('content-type', 'application/vnd.acme+json; charset=utf-8')
      .send('{}');
    expect(vendorJson.status).toBe(200);
  });

  it('refuses text, oversized and prototype-polluting bodies in the error shape, calling nothing', async () => {
    const calls = harness.sandboxRequestIds.length;
    const text = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('content-type', 'text/plain')
      .send('{}');
    expect(text.status).toBe(415);
    expect(text.body.error).toMatchObject({
      code: 'GATEWAY_UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('application/json'),
    });

    const huge = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: { pad: 'x'.repeat(300 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({
      code: 'GATEWAY_PAYLOAD_TOO_LARGE',
      requestId: huge.headers['x-request-id'],
    });

    const polluting = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('content-type', 'application/json')
      .send('{"__proto__":{"admin":true}}');
    expect(polluting.status).toBe(400);
    expect(polluting.body.error.code).toBe('GATEWAY_INVALID_JSON');
    expect(harness.sandboxRequestIds.length).toBe(calls);
  });

  it('fills path params from `params` (accounts.get) and checks them against the template', async () => {
    const missing = await request(harness.url)
      .post('/v1/catalog/accounts.get')
      .set(API_KEY)
      .send({ params: { id: 'acc-1' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([
      { path: 'params.accountId', message: expect.stringContaining('is required') },
      { path: 'params.id', message: expect.stringContaining('not a path parameter') },
    ]);
  });

  it('refuses a body for an API that takes none', async () => {
    const response = await request(harness.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .send({ body: { x: 1 } });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('body');
  });

  it('lists the catalog with the endpoint that calls each API', async () => {
    const response = await request(harness.url).get('/v1/catalog').set(API_KEY);
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(
      (response.body.apis as { api: string; gatewayEndpoint: string }[]).map((a) => [a.api, a.gatewayEndpoint]),
    );
    expect(byName['reference.currencies']).toBe('POST /v1/catalog/reference.currencies');
    expect(byName['merchant.payments.create']).toBe('POST /v1/merchant/payments');
    // Each entry names where it comes from, and whether its path is ConnectPay's or an example.
    const accounts = (response.body.apis as Record<string, unknown>[]).find((a) => a['api'] === 'accounts.list');
    expect(accounts).toMatchObject({
      path: '/ob/accounts',
      scopes: ['ob-as'],
      source: 'example',
      docs: ['https://docs.connectpay.com/business-apis/accounts/'],
    });
    const status = (response.body.apis as Record<string, unknown>[]).find((a) => a['api'] === 'payments.status');
    expect(status).toMatchObject({
      source: 'published',
      docs: expect.arrayContaining([expect.stringMatching(/payment-status/)]),
    });
  });
});

describe('no open proxy', () => {
  it('answers 404 for an API that is not in the catalog, with suggestions', async () => {
    const response = await request(harness.url).post('/v1/catalog/reference.countries').set(API_KEY).send({});
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('GATEWAY_UNKNOWN_API');
    expect(response.body.error.message).toContain('reference.currencies');
  });

  it('refuses browser APIs and APIs that have a typed endpoint', async () => {
    const browser = await request(harness.url).post('/v1/catalog/oauth.authorize').set(API_KEY).send({});
    expect(browser.status).toBe(400);
    expect(browser.body.error.code).toBe('GATEWAY_API_NOT_CALLABLE');
    const token = await request(harness.url)
      .post('/v1/catalog/oauth.token')
      .set(API_KEY)
      .send({ body: { grant_type: 'refresh_token' } });
    expect(token.status).toBe(400);
    expect(token.body.error).toMatchObject({
      code: 'GATEWAY_USE_TYPED_ENDPOINT',
      message: expect.stringContaining('POST /v1/oauth/token'),
    });
    expect(harness.sandbox.state.tokenCalls.refresh_token).toBe(0);
  });

  it('answers a URL-shaped API name with 404 and calls nothing', async () => {
    const calls = harness.sandboxRequestIds.length;
    const response = await request(harness.url)
      .post(`/v1/catalog/${encodeURIComponent('https://evil.example/steal')}`)
      .set(API_KEY)
      .send({});
    expect(response.status).toBe(404);
    expect(harness.sandboxRequestIds.length).toBe(calls);
  });

  it('ignores a caller-supplied Host header and absolute request URL', async () => {
    let trapped = 0;
    const trap: Server = createServer((_req, res) => {
      trapped += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const trapHost = `127.0.0.1:${(trap.address() as AddressInfo).port}`;
    try {
      const answer = await rawHttp(
        harness.url,
        `POST http://${trapHost}/v1/catalog/reference.currencies HTTP/1.1\r\nHost: ${trapHost}\r\nx-api-key: local-dev-key\r\n` +
          'content-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain('"currencies":["EUR"');
      expect(trapped).toBe(0);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });
});

describe('internal authentication', () => {
  it('answers 401 without an api key and with a wrong one, in the error shape', async () => {
    const without = await request(harness.url).post('/v1/catalog/reference.currencies').send({});
    expect(without.status).toBe(401);
    expect(without.body).toEqual({
      error: {
        code: 'GATEWAY_UNAUTHENTICATED',
        message: expect.stringContaining('x-api-key'),
        requestId: without.headers['x-request-id'],
      },
    });
    const wrong = await request(harness.url).get('/v1/accounts').set('x-api-key', 'local-dev-key-2');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('GATEWAY_UNAUTHENTICATED');
  });

  it('answers 404 in the error shape for an unknown route', async () => {
    const response = await request(harness.url).get('/v2/payments').set(API_KEY);
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({
      code: 'GATEWAY_ROUTE_NOT_FOUND',
      requestId: response.headers['x-request-id'],
    });
  });

  it('needs no key for health, metrics, docs and the status page', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs', '/docs/openapi.json', '/status']) {
      const response = await request(harness.url).get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
  });
});
