// POST /v1/catalog/:api is served at the Node server for requests of the ordinary shape
// (catalog/catalog-call.direct.ts) and by Fastify for the rest. A caller must not be able to tell
// which one answered: the same request sent both ways (with a Content-Length, and chunked, which
// only Fastify takes) gets the same status, headers in the same order, body, and log lines.
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFaultUpstream, type FaultUpstream } from './support/fault-upstream.js';
import { API_KEY, startGateway, tempDevPki, type GatewayOnlyHarness } from './support/harness.js';

let pkiDir: string;
let upstream: FaultUpstream;
let gateway: GatewayOnlyHarness;

beforeAll(async () => {
  pkiDir = await tempDevPki();
  const read = (name: string) => readFileSync(join(pkiDir, name), 'utf8');
  upstream = await startFaultUpstream({ certPem: read('server-oneway-chain.pem'), keyPem: read('server-oneway.key') });
  gateway = await startGateway(pkiDir, {
    CONNECTPAY_LOCAL_ONEWAY_URL: upstream.url,
    CONNECTPAY_LOCAL_MTLS_URL: upstream.url,
    GATEWAY_UPSTREAM_TIMEOUT_MS: '2000',
  });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  if (pkiDir) rmSync(dirname(pkiDir), { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  /** Header names in the order sent, without the ones Node adds per connection. */
  readonly names: readonly string[];
  readonly headers: Record<string, string>;
  readonly body: string;
}

const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function send(
  path: string,
  body: string,
  headers: Record<string, string>,
  chunked: boolean,
  agent?: Agent,
): Promise<Answer> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        ...(agent ? { agent } : {}),
        headers: chunked ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const names: string[] = [];
          for (let index = 0; index < response.rawHeaders.length; index += 2) {
            const name = (response.rawHeaders[index] as string).toLowerCase();
            if (!PER_CONNECTION.has(name)) names.push(name);
          }
          resolve({
            status: response.statusCode ?? 0,
            names,
            headers: response.headers as Record<string, string>,
            body: text,
          });
        });
      },
    );
    outgoing.on('error', reject);
    if (chunked) outgoing.write(body.slice(0, 1));
    outgoing.end(chunked ? body.slice(1) : body);
  });
}

/** The log lines of one request, without what differs between two requests (time, id, duration). */
function linesOf(requestId: string): Record<string, unknown>[] {
  return gateway.logs
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line['requestId'] === requestId)
    .map(({ time: _time, requestId: _id, durationMs, ...rest }) => ({
      ...rest,
      ...(durationMs === undefined ? {} : { durationMs: typeof durationMs }),
    }));
}

async function bothWays(path: string, body: string, headers: Record<string, string>) {
  const ids = [randomUUID(), randomUUID()] as const;
  const direct = await send(path, body, { ...headers, 'x-request-id': ids[0] }, false);
  const fastify = await send(path, body, { ...headers, 'x-request-id': ids[1] }, true);
  expect(direct.headers['x-request-id']).toBe(ids[0]);
  expect(fastify.headers['x-request-id']).toBe(ids[1]);
  const normalised = (answer: Answer, id: string) => ({
    status: answer.status,
    names: answer.names,
    contentType: answer.headers['content-type'],
    retryAfter: answer.headers['retry-after'],
    body: answer.body.split(id).join('<id>'),
  });
  expect(normalised(direct, ids[0])).toEqual(normalised(fastify, ids[1]));
  expect(linesOf(ids[0])).toEqual(linesOf(ids[1]));
  expect(linesOf(ids[0]).length).toBeGreaterThan(0);
  return { direct, ids };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const get = (paymentId: string) => JSON.stringify({ params: { paymentId } });

describe('the catalog route served at the server answers as Fastify does', () => {
  it('a provider answer: status, headers in order, body, access line', async () => {
    const { direct } = await bothWays('/v1/catalog/baas.merchant.payments.get', get('ok'), {
      ...API_KEY,
      ...JSON_TYPE,
    });
    expect(direct.status).toBe(200);
    expect(direct.names).toEqual(['x-request-id', 'content-type', 'content-length']);
    expect(JSON.parse(direct.body)).toEqual({ payment: { paymentId: 'p-1', status: 'Created' } });
  });

  it('a created payment (201) with a charset in the request content type', async () => {
    const body = JSON.stringify({ body: { identifiers: { merchantReference: 'ok' } } });
    const { direct } = await bothWays('/v1/catalog/baas.merchant.payments.create', body, {
      ...API_KEY,
      'content-type': 'application/json; charset=utf-8',
    });
    expect(direct.status).toBe(201);
  });

  it.each([
    ['no API key', '/v1/catalog/baas.merchant.payments.get', get('ok'), JSON_TYPE, 401],
    ['a wrong API key', '/v1/catalog/baas.merchant.payments.get', get('ok'), { 'x-api-key': 'nope' }, 401],
    ['malformed JSON', '/v1/catalog/baas.merchant.payments.get', '{"params":', API_KEY, 400],
    ['a __proto__ key', '/v1/catalog/baas.merchant.payments.get', '{"__proto__":{"a":1}}', API_KEY, 400],
    [
      'JSON nested too deep',
      '/v1/catalog/baas.merchant.payments.get',
      `${'['.repeat(100)}${']'.repeat(100)}`,
      API_KEY,
      400,
    ],
    ['an unknown field', '/v1/catalog/baas.merchant.payments.get', '{"parms":{}}', API_KEY, 400],
    ['an unknown API', '/v1/catalog/nope.nope', '{}', API_KEY, 404],
    ['an HTML maintenance page', '/v1/catalog/baas.merchant.payments.get', get('html'), API_KEY, 502],
    ['the provider failing', '/v1/catalog/baas.merchant.payments.get', get('status-500'), API_KEY, 502],
    ['an empty body', '/v1/catalog/nope.nope', '', API_KEY, 404],
  ])('%s', async (_name, path, body, headers, status) => {
    const { direct } = await bothWays(path, body, { ...JSON_TYPE, ...headers });
    expect(direct.status).toBe(status);
    expect(JSON.parse(direct.body)).toMatchObject({ error: { requestId: direct.headers['x-request-id'] } });
  });

  it('counts both in gateway_http_requests_total under the route template', async () => {
    const metric = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find((row) =>
          row.startsWith('gateway_http_requests_total{route="/v1/catalog/:api",method="POST",status="200"}'),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await metric();
    await bothWays('/v1/catalog/baas.merchant.payments.get', get('ok'), { ...API_KEY, ...JSON_TYPE });
    expect((await metric()) - before).toBe(2);
  });
});

describe('the API key on a keep-alive connection', () => {
  it('is checked on every request: a key the connection had accepted does not let another through', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = '/v1/catalog/baas.merchant.payments.get';
    const statuses: number[] = [];
    const sockets = new Set<unknown>();
    agent.on('free', (socket) => sockets.add(socket));
    for (const key of [API_KEY['x-api-key'], 'local-dev-kez', API_KEY['x-api-key'], 'x', '', 'local-dev-key-longer']) {
      const headers: Record<string, string> = { ...JSON_TYPE, ...(key ? { 'x-api-key': key } : {}) };
      statuses.push((await send(path, get('ok'), headers, false, agent)).status);
    }
    agent.destroy();
    expect(statuses).toEqual([200, 401, 200, 401, 401, 401]);
    expect(sockets.size).toBe(1); // all on one connection
  });

  it('a connection whose first key was refused is let through with a valid one', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = '/v1/catalog/baas.merchant.payments.get';
    const refused = await send(path, get('ok'), { ...JSON_TYPE, 'x-api-key': 'nope' }, false, agent);
    const accepted = await send(path, get('ok'), { ...JSON_TYPE, ...API_KEY }, false, agent);
    agent.destroy();
    expect([refused.status, accepted.status]).toEqual([401, 200]);
  });
});
