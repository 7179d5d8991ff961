// The gateway against an upstream that misbehaves, and callers that do: real sockets on 127.0.0.1,
// real TLS with the dev PKI. Each case asserts the status and code the caller gets, that it got them
// within the call's budget + 1 s, and how many attempts reached the upstream.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRoot } from '@connectpay-kit/testing-pki';
import request from 'supertest';
import { startFaultUpstream, type Fault, type FaultUpstream } from './support/fault-upstream.js';
import { API_KEY, startGateway, tempDevPki, type GatewayOnlyHarness } from './support/harness.js';

const BUDGET_MS = 600;
const MARGIN_MS = 1_000;

let pkiDir: string;
let upstream: FaultUpstream;
let foreign: FaultUpstream;
let gateway: GatewayOnlyHarness;

beforeAll(async () => {
  pkiDir = await tempDevPki();
  const read = (name: string) => readFileSync(join(pkiDir, name), 'utf8');
  upstream = await startFaultUpstream({
    certPem: read('server-oneway-chain.pem'),
    keyPem: read('server-oneway.key'),
    slowMs: 1_000,
  });
  // The mTLS host presents a certificate from a CA the gateway does not trust.
  const otherRoot = await createRoot({ subject: 'CN=Some Other Server Root' });
  const otherLeaf = await otherRoot.issue({
    subject: 'CN=127.0.0.1',
    extendedKeyUsage: ['serverAuth'],
    subjectAltNames: { ip: ['127.0.0.1'] },
  });
  foreign = await startFaultUpstream({ certPem: otherLeaf.pem, keyPem: otherLeaf.privateKeyPem });
  gateway = await startGateway(pkiDir, {
    CONNECTPAY_LOCAL_ONEWAY_URL: upstream.url,
    CONNECTPAY_LOCAL_MTLS_URL: foreign.url,
    GATEWAY_UPSTREAM_TIMEOUT_MS: String(BUDGET_MS),
  });
});

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await foreign?.close();
  if (pkiDir) rmSync(dirname(pkiDir), { recursive: true, force: true });
});

interface Outcome {
  readonly status: number;
  readonly body: { error?: { code: string; cause?: string; requestId: string; message: string } };
  readonly headers: Record<string, string>;
  readonly ms: number;
  readonly attempts: number;
  readonly requestId: string;
}

/** GET (idempotent) or POST (a payment creation: never retried) through the catalog route. */
async function call(method: 'GET' | 'POST', fault: Fault, target: GatewayOnlyHarness = gateway): Promise<Outcome> {
  const requestId = randomUUID();
  const payload =
    method === 'GET'
      ? { api: 'baas.merchant.payments.get', body: { params: { paymentId: fault } } }
      : { api: 'baas.merchant.payments.create', body: { body: { identifiers: { merchantReference: fault } } } };
  const started = performance.now();
  const response = await request(target.url)
    .post(`/v1/catalog/${payload.api}`)
    .set(API_KEY)
    .set('x-request-id', requestId)
    .send(payload.body);
  const ms = performance.now() - started;
  return {
    status: response.status,
    body: response.body as Outcome['body'],
    headers: response.headers as Record<string, string>,
    ms,
    attempts: upstream.attempts(requestId),
    requestId,
  };
}

function expectError(outcome: Outcome, status: number, code: string): void {
  expect({ status: outcome.status, code: outcome.body.error?.code }).toEqual({ status, code });
  expect(outcome.body.error?.requestId).toBe(outcome.requestId);
  expect(outcome.headers['x-request-id']).toBe(outcome.requestId);
  expect(outcome.ms).toBeLessThan(BUDGET_MS + MARGIN_MS);
}

describe('an upstream that fails', () => {
  it('resets the connection: an idempotent GET is tried 3 times, a payment creation once', async () => {
    const get = await call('GET', 'reset');
    expectError(get, 502, 'TRANSPORT_CONNECTION_RESET');
    expect(get.attempts).toBe(3);
    const post = await call('POST', 'reset');
    expectError(post, 502, 'TRANSPORT_CONNECTION_RESET');
    expect(post.attempts).toBe(1);
  });

  it('never answers: 504 naming the headers phase, within the budget, one attempt', async () => {
    const get = await call('GET', 'silent');
    expectError(get, 504, 'GATEWAY_UPSTREAM_TIMEOUT');
    expect(get.body.error?.cause).toBe('headers-timeout');
    expect(get.attempts).toBe(1);
    const post = await call('POST', 'silent');
    expectError(post, 504, 'GATEWAY_UPSTREAM_TIMEOUT');
    expect(post.attempts).toBe(1);
  });

  it('drips its body one byte at a time: 504 naming the body phase, within the budget', async () => {
    const get = await call('GET', 'drip');
    expectError(get, 504, 'GATEWAY_UPSTREAM_TIMEOUT');
    expect(get.body.error?.cause).toBe('body-timeout');
    expect(get.body.error?.message).toContain('body phase');
    expect(get.attempts).toBe(1);
    const post = await call('POST', 'drip');
    expectError(post, 504, 'GATEWAY_UPSTREAM_TIMEOUT');
    expect(post.attempts).toBe(1);
  });

  it('answers 500: 502 PROVIDER_ERROR with the provider body, not retried', async () => {
    const get = await call('GET', 'status-500');
    expectError(get, 502, 'PROVIDER_ERROR');
    expect(get.attempts).toBe(1);
  });

  it('answers 503: a GET is retried inside the budget, a creation is not', async () => {
    const get = await call('GET', 'status-503');
    expectError(get, 502, 'PROVIDER_ERROR');
    expect(get.attempts).toBe(3);
    const post = await call('POST', 'status-503');
    expectError(post, 502, 'PROVIDER_ERROR');
    expect(post.attempts).toBe(1);
  });

  it('answers 2xx with an HTML page: 502 PROVIDER_INVALID_RESPONSE, the page not passed on, its hash logged', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const outcome = await call(method, 'html');
      expectError(outcome, 502, 'PROVIDER_INVALID_RESPONSE');
      expect(outcome.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.stringify(outcome.body)).not.toContain('maintenance');
      expect(outcome.attempts).toBe(1);
      const line = gateway.logs.find((entry) => entry.includes(outcome.requestId) && entry.includes('bodySha256'));
      expect(line).toMatch(/"bodySha256":"[0-9a-f]{64}"/);
      expect(line).not.toContain('maintenance');
    }
  });

  it('answers 2xx JSON that is not an object: 502 PROVIDER_INVALID_RESPONSE', async () => {
    expectError(await call('GET', 'not-an-object'), 502, 'PROVIDER_INVALID_RESPONSE');
  });

  it('closes the connection mid-body: 502, and only an idempotent call is tried again', async () => {
    const get = await call('GET', 'close-mid-body');
    expectError(get, 502, 'TRANSPORT_CONNECTION_RESET');
    expect(get.attempts).toBe(3);
    const post = await call('POST', 'close-mid-body');
    expectError(post, 502, 'TRANSPORT_CONNECTION_RESET');
    expect(post.attempts).toBe(1);
  });

  it("presents another CA's certificate: 502 TRANSPORT_SERVER_CERT_UNTRUSTED, no request sent", async () => {
    const requestId = randomUUID();
    const started = performance.now();
    const response = await request(gateway.url)
      .post('/v1/catalog/reference.currencies')
      .set(API_KEY)
      .set('x-request-id', requestId)
      .send({});
    expect(performance.now() - started).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({ code: 'TRANSPORT_SERVER_CERT_UNTRUSTED', requestId });
    expect(foreign.attempts(requestId)).toBe(0);
  });

  it('answers well: the call passes through (the suite would pass a broken gateway otherwise)', async () => {
    const get = await call('GET', 'ok');
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ payment: { paymentId: 'p-1', status: 'Created' } });
    expect(get.attempts).toBe(1);
  });
});

/** Sends a catalog call over a raw socket and hangs up after `afterMs`. */
function hangUp(
  target: GatewayOnlyHarness,
  api: string,
  body: unknown,
  requestId: string,
  afterMs: number,
): Promise<void> {
  const url = new URL(`/v1/catalog/${api}`, target.url);
  const text = JSON.stringify(body);
  return new Promise((resolve) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      headers: {
        ...API_KEY,
        'x-request-id': requestId,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
      },
    });
    outgoing.on('error', () => resolve());
    outgoing.on('response', () => resolve());
    outgoing.end(text);
    setTimeout(() => {
      outgoing.destroy();
      resolve();
    }, afterMs);
  });
}

async function metric(target: GatewayOnlyHarness, line: RegExp): Promise<number> {
  const text = (await request(target.url).get('/metrics')).text;
  const match = text.split('\n').find((row) => line.test(row));
  return match ? Number(match.split(' ').pop()) : 0;
}

describe('a caller that hangs up', () => {
  let patient: GatewayOnlyHarness;

  beforeAll(async () => {
    // A budget long enough that only the hang-up can end the calls below.
    patient = await startGateway(pkiDir, {
      CONNECTPAY_LOCAL_ONEWAY_URL: upstream.url,
      CONNECTPAY_LOCAL_MTLS_URL: foreign.url,
      GATEWAY_UPSTREAM_TIMEOUT_MS: '20000',
    });
  });

  afterAll(async () => {
    await patient?.close();
  });

  it.each([
    ['a GET', 'baas.merchant.payments.get', { params: { paymentId: 'silent' } }],
    ['a payment creation', 'baas.merchant.payments.create', { body: { identifiers: { merchantReference: 'drip' } } }],
  ])('aborts %s upstream at once, and no retry follows', async (_name, api, body) => {
    const requestId = randomUUID();
    const before = await metric(
      patient,
      new RegExp(`^gateway_abandoned_calls_total\\{api="${api.replace(/\./g, '\\.')}"\\}`),
    );
    await hangUp(patient, api, body, requestId, 200);
    // Long enough for an abort to reach the upstream and for any retry (backoff ≤ 2 s) to have started.
    await waitFor(() => upstream.abortedByClient(requestId) === 1, 3_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(upstream.attempts(requestId)).toBe(1);
    expect(upstream.abortedByClient(requestId)).toBe(1);
    const after = await metric(
      patient,
      new RegExp(`^gateway_abandoned_calls_total\\{api="${api.replace(/\./g, '\\.')}"\\}`),
    );
    expect(after - before).toBe(1);
  });
});

describe('overload', () => {
  let small: GatewayOnlyHarness;

  beforeAll(async () => {
    small = await startGateway(pkiDir, {
      CONNECTPAY_LOCAL_ONEWAY_URL: upstream.url,
      CONNECTPAY_LOCAL_MTLS_URL: foreign.url,
      GATEWAY_UPSTREAM_TIMEOUT_MS: '5000',
      GATEWAY_MAX_IN_FLIGHT: '2',
      GATEWAY_MAX_QUEUED: '2',
      GATEWAY_QUEUE_TIMEOUT_MS: '3000',
    });
  });

  afterAll(async () => {
    await small?.close();
  });

  it('serves what fits, sheds the rest at once with 503 and Retry-After, and stays live', async () => {
    const started = performance.now();
    const calls = Array.from({ length: 12 }, () => call('GET', 'slow-ok', small));
    // Give the burst time to arrive, then probe liveness while the slots are all taken.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const liveStarted = performance.now();
    const live = await request(small.url).get('/health/live');
    const liveMs = performance.now() - liveStarted;
    const inFlight = await metric(small, /^gateway_requests_in_flight /);
    const queued = await metric(small, /^gateway_requests_queued /);
    const outcomes = await Promise.all(calls);
    expect({ inFlight, queued }).toEqual({ inFlight: 2, queued: 2 });
    expect(live.status).toBe(200);
    expect(liveMs).toBeLessThan(800); // not behind the 1 s upstream calls

    const served = outcomes.filter((outcome) => outcome.status === 200);
    const shed = outcomes.filter((outcome) => outcome.status === 503);
    expect(served).toHaveLength(4); // 2 in flight + 2 queued
    expect(shed).toHaveLength(8);
    for (const outcome of shed) {
      expect(outcome.body.error).toMatchObject({ code: 'GATEWAY_OVERLOADED', requestId: outcome.requestId });
      expect(outcome.headers['retry-after']).toBe('1');
      expect(outcome.attempts).toBe(0);
      expect(outcome.ms).toBeLessThan(MARGIN_MS);
    }
    // Two rounds of 1 s calls: the queued ones ran as soon as slots freed.
    expect(performance.now() - started).toBeLessThan(2_000 + MARGIN_MS);
    expect(await metric(small, /^gateway_shed_requests_total\{reason="full"\}/)).toBe(8);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
