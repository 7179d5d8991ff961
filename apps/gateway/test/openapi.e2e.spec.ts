import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import { ApiReference } from '../src/docs/api-reference.service.js';
import { routeCoverage } from '../src/docs/openapi.js';
import { startGateway, tempDevPki, type GatewayOnlyHarness } from './support/harness.js';

type Operation = {
  operationId: string;
  summary: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema: { enum?: string[] } }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const CHROMIUM = '/usr/bin/chromium';
let pkiDir: string;
let harness: GatewayOnlyHarness;
let document: Document;

beforeAll(async () => {
  pkiDir = await tempDevPki();
  harness = await startGateway(pkiDir, {});
  document = (await request(harness.url).get('/docs/openapi.json').expect(200)).body as Document;
});

afterAll(async () => {
  await harness?.close();
  if (pkiDir) rmSync(dirname(pkiDir), { recursive: true, force: true });
});

function operations(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function fastifyOf(app: { getHttpAdapter(): { getInstance(): unknown } }): FastifyInstance {
  return app.getHttpAdapter().getInstance() as FastifyInstance;
}

describe('the OpenAPI document', () => {
  it('has an operation for every route the gateway registered, and no operation without a route', () => {
    const reference = harness.gateway.app.get(ApiReference);
    // Nest controllers and the plain Fastify catalog route alike.
    expect(reference.routes.map((route) => `${route.method} ${route.url}`)).toEqual(
      expect.arrayContaining(['GET /v1/merchant/payments/:paymentId', 'POST /v1/catalog/:api', 'HEAD /health/live']),
    );
    expect(routeCoverage(reference.routes, document)).toEqual({ undocumented: [], missing: [] });
    // And each operation is a route Fastify serves, asked of Fastify itself rather than of the collector.
    const fastify = fastifyOf(harness.gateway.app);
    for (const operation of operations(document)) {
      const [method, path] = operation.split(' ') as [string, string];
      expect([operation, fastify.hasRoute({ method, url: path.replace(/\{([^}]+)\}/g, ':$1') })]).toEqual([
        operation,
        true,
      ]);
    }
  });

  it('declares each path parameter and gives every operation its own operationId', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        ids.push(operation.operationId);
        const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
        expect([`${method.toUpperCase()} ${path}`, declared.map((parameter) => parameter.name)]).toEqual([
          `${method.toUpperCase()} ${path}`,
          inPath,
        ]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps every operation the hand-kept list had, and adds the routes it had missed', () => {
    expect(operations(document)).toEqual(
      expect.arrayContaining([
        'POST /v1/merchant/payments',
        'GET /v1/merchant/payments/{paymentId}',
        'POST /v1/oauth/token',
        'GET /v1/oauth/status',
        'GET /v1/accounts',
        'GET /v1/catalog',
        'POST /v1/catalog/{api}',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /status',
        'GET /docs',
        'GET /docs/openapi.json',
        'POST /v1/admin/client-certificate/switch',
        'POST /v1/admin/client-certificate/probe',
        'POST /status/probe',
      ]),
    );
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'Catalog',
      'CatalogCallRequest',
      'CreatePaymentRequest',
      'ErrorResponse',
      'ExchangeCodeRequest',
      'PaymentCreated',
      'PaymentDetails',
      'TokenStatus',
    ]);
  });

  it("has a row in the README's endpoint table for every operation", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Endpoints'), readme.indexOf('## Adding an endpoint'));
    const missing = operations(document)
      .map((operation) => operation.replace(/\{([^}]+)\}/g, ':$1'))
      .filter((operation) => !table.includes(`\`${operation}\``));
    expect(missing).toEqual([]);
  });

  it('describes path parameters, the catalog APIs it can call and the typed endpoints it refuses', () => {
    const get = document.paths['/v1/merchant/payments/{paymentId}']?.['get'];
    expect(get?.parameters).toEqual([
      expect.objectContaining({
        name: 'paymentId',
        in: 'path',
        required: true,
        schema: expect.objectContaining({ maxLength: 200 }),
      }),
    ]);
    const call = document.paths['/v1/catalog/{api}']?.['post'];
    const apis = call?.parameters?.find((parameter) => parameter.name === 'api')?.schema.enum ?? [];
    expect(apis).toContain('reference.currencies');
    // Browser pages and APIs with a typed endpoint are not callable here.
    expect(apis).not.toContain('oauth.authorize');
    expect(apis).not.toContain('merchant.payments.create');
    expect(JSON.stringify(call)).toContain('GATEWAY_USE_TYPED_ENDPOINT');
    expect(JSON.stringify(call)).toContain('POST /v1/merchant/payments');
    expect(
      Object.keys(
        (call?.requestBody as { content: { 'application/json': { examples: object } } }).content['application/json']
          .examples,
      ),
    ).toEqual(apis);
  });

  it('marks public routes as public, and every other route answers 401 without an api key', async () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const url = path.replace('{paymentId}', 'p-1').replace('{api}', 'reference.currencies');
        const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
        // Public routes are only read (a POST /status/probe would dial ConnectPay); the others refuse before doing anything.
        if (isPublic && method !== 'get') continue;
        const answer = await request(harness.url)[method as 'get' | 'post'](url);
        expect([`${method.toUpperCase()} ${path}`, answer.status === 401]).toEqual([
          `${method.toUpperCase()} ${path}`,
          !isPublic,
        ]);
      }
    }
  });

  it('fails the check for a route registered without a description, and for an operation without a route', async () => {
    const unstarted = await startGateway(pkiDir, {}, { listen: false });
    try {
      // What adding an endpoint without its description looks like.
      fastifyOf(unstarted.gateway.app).get('/v1/refunds/:refundId', async () => ({}));
      await unstarted.gateway.listen();
      const reference = unstarted.gateway.app.get(ApiReference);
      expect(reference.coverage()).toEqual({ undocumented: ['GET /v1/refunds/{refundId}'], missing: [] });
    } finally {
      await unstarted.close();
    }
    const reference = harness.gateway.app.get(ApiReference);
    const withStale = { paths: { ...document.paths, '/v1/refunds': { post: {} } } };
    expect(routeCoverage(reference.routes, withStale)).toEqual({ undocumented: [], missing: ['POST /v1/refunds'] });
  });
});

describe('/docs', () => {
  it('is Swagger UI from the gateway itself, under a CSP that allows nothing from elsewhere', async () => {
    const page = await request(harness.url).get('/docs').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(sources.filter((source) => /^[a-z]+:/.test(source))).toEqual([]);
    for (const source of sources) await request(harness.url).get(source).expect(200);
    const script = await request(harness.url).get('/docs/assets/docs.js').expect(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.text).toContain("url: '/docs/openapi.json'");
    await request(harness.url).get('/docs/assets/unknown.js').expect(404);
  });

  // CI installs Debian chromium (.ci/run), so there the browser check must run, not skip.
  const inBrowser = existsSync(CHROMIUM) || process.env['CI'] ? it : it.skip;
  if (!existsSync(CHROMIUM)) {
    console.log(`/docs browser test skipped: ${CHROMIUM} is not installed (CI installs Debian chromium).`);
  }
  inBrowser(
    "renders an operation's request fields and their allowed values in a real headless browser",
    async () => {
      // Deep links open one operation: the request body's fields, with their descriptions and rules...
      const create = text(await dumpDom(`${harness.url}/docs#/merchant/MerchantPayments_create`));
      expect(create).toMatch(/Request body application\/json .* CreatePaymentRequest/);
      expect(create).toContain('providerCountryCode');
      expect(create).toContain('matches ^[A-Z]{2}$');
      expect(create).toContain('Default: GATEWAY_MERCHANT_BRAND_ID.');
      // An enum's allowed values, open on the page: payment.paymentMethod's items.
      expect(create).toMatch(/paymentMethod .* Enum [^"]*"PIS" #1 "CARD"/);
      // ...and a parameter's allowed values.
      const call = text(await dumpDom(`${harness.url}/docs#/catalog/Catalog_call`));
      expect(call).toMatch(
        /api \* string \(path\) The catalog API to call\. Available values : [^:]*reference\.currencies/,
      );
    },
    90_000,
  );
});

/** The rendered page's text, one space between words. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The page after its scripts ran: --virtual-time-budget lets Swagger UI fetch the document and render. */
function dumpDom(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=15000', '--dump-dom', url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(out) : reject(new Error(`chromium exited with ${status}`))));
  });
}
