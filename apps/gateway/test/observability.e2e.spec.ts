import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request as undiciRequest } from 'undici';
import request from 'supertest';
import { AMOUNT_PATTERN } from '@connectpay-kit/hosts';
import { TokenCipher } from '@connectpay-kit/transport';
import { API_KEY, MINIMAL_PAYMENT, startHarness, type Harness } from './support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  // Traffic for the metrics, the status page and the log scan: every scheme, a failure and a refusal.
  await request(harness.url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT).expect(201);
  await request(harness.url).post('/v1/catalog/reference.currencies').set(API_KEY).send({}).expect(200);
  await request(harness.url).get('/v1/merchant/payments/missing-payment').set(API_KEY).expect(404);
  await request(harness.url).get('/v1/accounts').set('x-api-key', 'wrong-key-6f1c').expect(401);
});

afterAll(async () => {
  await harness?.close();
});

describe('health', () => {
  it('is ready with a valid dev PKI and a running sandbox, and says how long the chain lasts', async () => {
    const response = await request(harness.url).get('/health/ready');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ready', environment: 'local', failing: [] });
    expect(response.body.certificate.ok).toBe(true);
    expect(response.body.certificate.daysToExpiry).toBeGreaterThan(30);
    expect(response.body.checks.storage.ok).toBe(true);
    expect(response.headers['x-request-id']).toBeDefined();
  });
});

describe('metrics', () => {
  it('counts requests by route template, upstream calls and errors by API, and the certificate expiry', async () => {
    const text = (await request(harness.url).get('/metrics')).text;
    expect(text).toMatch(
      /gateway_http_requests_total\{route="\/v1\/merchant\/payments",method="POST",status="201"\} 1/,
    );
    expect(text).toMatch(
      /gateway_http_requests_total\{route="\/v1\/merchant\/payments\/:paymentId",method="GET",status="404"\} 1/,
    );
    // The catalog call is a plain Fastify route, counted by its template like the Nest routes.
    expect(text).toMatch(/gateway_http_requests_total\{route="\/v1\/catalog\/:api",method="POST",status="200"\} 1/);
    expect(text).toMatch(/connectpay_requests_total\{api="reference.currencies",status="200"\} 1/);
    expect(text).toMatch(/connectpay_request_duration_seconds_count\{api="merchant.payments.create"\} 1/);
    expect(text).toMatch(/connectpay_errors_total\{api="merchant.payments.get",code="TRANSPORT_HTTP_ERROR"\} 1/);
    const expiry =
      /connectpay_client_certificate_expiry_seconds\{environment="local",fingerprint="[0-9A-F:]+"\} (\d+)/.exec(text);
    expect(Number(expiry?.[1])).toBeGreaterThan(30 * 86_400);
    // Raw ids never become label values.
    expect(text).not.toContain('missing-payment');
  });
});

describe('docs', () => {
  it('serves an OpenAPI 3.1 document generated from the validation schemas', async () => {
    const response = await request(harness.url).get('/docs/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/merchant/payments',
        '/v1/merchant/payments/{paymentId}',
        '/v1/oauth/token',
        '/v1/accounts',
        '/v1/catalog/{api}',
      ]),
    );
    const create = document.components.schemas['CreatePaymentRequest'];
    expect(create?.required).toEqual(['merchant', 'payment', 'identifiers']);
    // The amount rule of the shared contract (packages/hosts), as a pattern a client generator can use.
    expect(JSON.stringify(create)).toContain(JSON.stringify(AMOUNT_PATTERN));
    expect(document.components.schemas['ErrorResponse']).toBeDefined();
    // Every $ref points at a schema that exists.
    for (const [, name] of JSON.stringify(document).matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) {
      expect(document.components.schemas[name as string]).toBeDefined();
    }
  });

  it('serves Swagger UI over that document, with the endpoints listed for readers without JavaScript', async () => {
    const response = await request(harness.url).get('/docs');
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.text).toContain('<div id="swagger-ui"></div>');
    // The fields and allowed values rendered in a browser: openapi.e2e.spec.ts.
    expect(response.text).toMatch(/<noscript>[\s\S]*\/v1\/merchant\/payments[\s\S]*x-api-key[\s\S]*<\/noscript>/);
  });
});

describe('status page', () => {
  it('shows the environment, the chain with days left, the expiry timeline and the token state', async () => {
    const page = await request(harness.url).get('/status');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('>local<');
    expect(page.text).toMatch(/class="certificate"[\s\S]*days left/);
    expect(page.text).toMatch(/id="token-state">none</);
    // The current certificate, today and the renewal window on one axis; no next one is staged here.
    expect(page.text).toMatch(/id="timeline-current"[^>]*>current · until \d{4}-\d{2}-\d{2}</);
    expect(page.text).toContain('id="timeline-today"');
    expect(page.text).toContain('id="renewal-window"');
    expect(page.text).toMatch(
      /id="timeline-summary">No next certificate is staged; renewal is due from \d{4}-\d{2}-\d{2}\./,
    );
    // Hints speak in the service's terms: an operator at a browser cannot pass command-line flags.
    expect(page.text).not.toMatch(/--offline|--crl|--trust/);
    // The caller's 404 for an unknown payment id is the caller's answer, not an upstream error.
    expect(page.text).not.toContain('merchant.payments.get');
    expect(page.text).toContain('None since the gateway started.');
    expect(page.text).not.toContain('<script');
  });

  it("probes ConnectPay's mTLS host from the page's button, and as an API-key route", async () => {
    const page = await request(harness.url).get('/status');
    expect(page.text).toMatch(/<form method="post" action="\/status\/probe">[\s\S]*id="probe-button"/);
    const pressed = await request(harness.url).post('/status/probe');
    expect(pressed.status).toBe(200);
    expect(pressed.text).toContain('id="probe-verdict">accepted<');
    expect(pressed.text).toMatch(/Asks for a client certificate<\/th><td>yes</);
    expect(pressed.text).not.toContain('PRIVATE KEY');
    const json = await request(harness.url).post('/v1/admin/client-certificate/probe').set(API_KEY);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ verdict: 'accepted', clientCertificateRequested: true });
    expect((await request(harness.url).post('/v1/admin/client-certificate/probe')).status).toBe(401);
  });

  // CI installs Debian chromium (.ci/run), so there the browser check must run, not skip.
  const inBrowser = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;
  if (!existsSync(CHROMIUM)) {
    console.log(`status page browser test skipped: ${CHROMIUM} is not installed (CI installs Debian chromium).`);
  }
  inBrowser(
    'renders in a real headless browser',
    async () => {
      const dom = await dumpDom(`${harness.url}/status`);
      expect(dom).toContain('ConnectPay gateway');
      expect(dom).toMatch(/class="badge env">local</);
      expect(dom).toMatch(/days left/);
      expect(dom).toMatch(/id="token-state">none</);
      expect(dom).toMatch(/id="timeline-current"[^>]*>current · until/);
      expect(dom).toContain('id="renewal-window"');
    },
    60_000,
  );
});

describe('logs', () => {
  it('carry the request id on every request line', () => {
    const lines = harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line['msg'] === 'request' || line['msg'] === 'request failed');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests) expect(line['requestId']).toEqual(expect.any(String));
  });

  it('never contain a secret: client secret, keys, tokens, auth codes, api keys', async () => {
    // OAuth traffic first, so token values exist to look for.
    const agent = new Agent({ connect: { ca: harness.read('ca.pem') } });
    const issued = await undiciRequest(`${harness.sandbox.onewayUrl}/sandbox/v1/auth-codes`, {
      method: 'POST',
      body: JSON.stringify({ redirectUrl: 'https://127.0.0.1/callback' }),
      dispatcher: agent,
    });
    const { code } = (await issued.body.json()) as { code: string };
    await agent.close();
    await request(harness.url)
      .post('/v1/oauth/token')
      .set(API_KEY)
      .send({ code, redirectUri: 'https://127.0.0.1/callback' })
      .expect(200);
    await request(harness.url).get('/v1/accounts').set(API_KEY).expect(200);

    const stored = await harness.gateway.runtime.storage.tokens.get('default');
    const tokens = JSON.parse(
      new TokenCipher(harness.read('token-encryption.key')).decrypt(stored!.value, 'default'),
    ) as {
      accessToken: string;
      refreshToken: string;
    };
    // At rest the tokens are sealed.
    expect(Buffer.from(stored!.value).toString('latin1')).not.toContain(tokens.accessToken);

    const clientId = harness.read('client-id.txt').trim();
    const clientSecret = harness.read('client-secret.txt').trim();
    const pemBody = (pem: string) => pem.split('\n').filter((line) => line && !line.startsWith('-----'))[1] as string;
    const secrets = {
      clientSecret,
      basicHeader: Buffer.from(`${clientId}:${clientSecret}`).toString('base64'),
      clientKey: pemBody(harness.read('client.key')),
      merchantKey: pemBody(harness.read('merchant.key')),
      tokenKey: harness.read('token-encryption.key').trim(),
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      authCode: code,
      apiKey: 'local-dev-key',
      wrongApiKey: 'wrong-key-6f1c',
    };
    const logs = harness.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    for (const [name, value] of Object.entries(secrets)) expect([name, logs.includes(value)]).toEqual([name, false]);
  });
});

function dumpDom(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(out) : reject(new Error(`chromium exited with ${status}`))));
  });
}
