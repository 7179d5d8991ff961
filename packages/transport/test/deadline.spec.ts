import { jest } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import {
  CallCancelledError,
  createConnectPayClient,
  ProviderHttpError,
  TransportTimeoutError,
} from '@connectpay-kit/transport';
import { failure } from './support/failure.js';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

type Mode = 'drip' | 'silent' | 'unavailable' | 'huge' | 'ok';

let pki: TransportPki;
let upstream: TestServer;
let mode: Mode = 'ok';
const open = new Set<ServerResponse>();
const drips = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  pki = await createTransportPki();
  upstream = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    handler: (_request, _body, response) => {
      open.add(response);
      response.on('close', () => open.delete(response));
      if (mode === 'silent') return;
      if (mode === 'unavailable') return json(response, 503, { error: 'unavailable' });
      if (mode === 'huge') return json(response, 200, { pad: 'x'.repeat(5_000) });
      if (mode === 'drip') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"currencies":[');
        const drip = setInterval(() => response.write(' '), 50);
        drips.add(drip);
        response.on('close', () => clearInterval(drip));
        return;
      }
      json(response, 200, { currencies: ['EUR'] });
    },
  });
});

afterEach(() => {
  for (const drip of drips) clearInterval(drip);
  for (const response of open) response.destroy();
  upstream.requests.length = 0;
  mode = 'ok';
});

afterAll(async () => {
  await upstream.close();
});

function client(overrides: Partial<Parameters<typeof createConnectPayClient>[0]> = {}) {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: upstream.url, oneway: upstream.url },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'merchant-1', clientSecret: 'shh-secret' },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('one budget per call', () => {
  it('ends a body that drips past the budget, naming the body phase, without a retry', async () => {
    const cp = client({ callTimeoutMs: 400 });
    mode = 'drip';
    const { value: error, ms } = await timed(() => failure(cp.call('reference.currencies')));
    expect(error).toBeInstanceOf(TransportTimeoutError);
    expect(error).toMatchObject({ phase: 'body', budgetMs: 400 });
    expect(ms).toBeLessThan(400 + 1_000);
    expect(upstream.requests).toHaveLength(1);
    await cp.close();
  });

  it("takes a call's own timeoutMs over the client's, and names the headers phase for silence", async () => {
    const cp = client({ callTimeoutMs: 30_000 });
    mode = 'silent';
    const { value: error, ms } = await timed(() => failure(cp.call('reference.currencies', { timeoutMs: 300 })));
    expect(error).toMatchObject({ code: 'TRANSPORT_TIMEOUT', phase: 'headers', budgetMs: 300 });
    expect(ms).toBeLessThan(300 + 1_000);
    expect(upstream.requests).toHaveLength(1);
    await cp.close();
  });

  it('retries an idempotent call only while the budget lasts', async () => {
    mode = 'unavailable';
    const roomy = client({ callTimeoutMs: 5_000 });
    const retried = await failure(roomy.call('reference.currencies'));
    expect(retried).toBeInstanceOf(ProviderHttpError);
    expect(upstream.requests).toHaveLength(3);
    await roomy.close();

    upstream.requests.length = 0;
    // Backoff of at least 2 s before the second attempt, with 1 s of budget: no second attempt.
    const tight = client({
      callTimeoutMs: 1_000,
      retry: { maxAttempts: 3, baseDelayMs: 100_000, maxDelayMs: 100_000 },
    });
    const spy = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    try {
      const { value: error, ms } = await timed(() => failure(tight.call('reference.currencies')));
      expect(error).toBeInstanceOf(ProviderHttpError);
      expect(ms).toBeLessThan(1_000);
      expect(upstream.requests).toHaveLength(1);
    } finally {
      spy.mockRestore();
      await tight.close();
    }
  });

  it('refuses an answer larger than maxResponseBytes', async () => {
    const cp = client({ maxResponseBytes: 1_000 });
    mode = 'huge';
    const error = await failure(cp.call('reference.currencies'));
    expect(error.code).toBe('TRANSPORT_INVALID_RESPONSE');
    expect(error.message).toContain('1000 bytes');
    await cp.close();
  });
});

describe('cancellation', () => {
  it('aborts the attempt in flight when the signal fires, and starts no other', async () => {
    const cp = client();
    mode = 'silent';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const { value: error, ms } = await timed(() =>
      failure(cp.call('reference.currencies', { signal: controller.signal })),
    );
    expect(error).toBeInstanceOf(CallCancelledError);
    expect(error).toMatchObject({ code: 'TRANSPORT_CANCELLED', phase: 'headers' });
    expect(ms).toBeLessThan(1_000);
    // Long enough for a retry's backoff (at most 5 ms here) to have started one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.requests).toHaveLength(1);
    await cp.close();
  });

  it('takes a plain cancellation (no AbortController) the same way', async () => {
    const cp = client();
    mode = 'silent';
    let listener: (() => void) | undefined;
    const cancellation = {
      cancelled: false,
      subscribe(fn: () => void) {
        listener = fn;
        return () => (listener = undefined);
      },
    };
    setTimeout(() => {
      cancellation.cancelled = true;
      listener?.();
    }, 150);
    const error = await failure(cp.call('reference.currencies', { cancellation }));
    expect(error).toMatchObject({ code: 'TRANSPORT_CANCELLED', phase: 'headers' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.requests).toHaveLength(1);
    expect(listener).toBeUndefined();
    await cp.close();
  });

  it('makes no attempt for a signal that has already fired', async () => {
    const cp = client();
    const error = await failure(cp.call('reference.currencies', { signal: AbortSignal.abort() }));
    expect(error.code).toBe('TRANSPORT_CANCELLED');
    expect(upstream.requests).toHaveLength(0);
    await cp.close();
  });

  it('stops during the backoff between attempts', async () => {
    const cp = client({ retry: { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 2_000 } });
    mode = 'unavailable';
    const spy = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const controller = new AbortController();
    try {
      const pending = failure(cp.call('reference.currencies', { signal: controller.signal }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      controller.abort();
      const error = await pending;
      expect(error).toMatchObject({ code: 'TRANSPORT_CANCELLED', phase: 'backoff' });
      expect(upstream.requests).toHaveLength(1);
    } finally {
      spy.mockRestore();
      await cp.close();
    }
  });
});
