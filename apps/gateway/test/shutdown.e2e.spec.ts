import { readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { Client } from 'undici';
import { API_KEY, startGateway, tempDevPki } from './support/harness.js';

/** A Get Payment Details body as ConnectPay publishes it (connectpay-api-facts.md §4). */
const DETAILS = { payment: { paymentId: 'p-1' }, status: { code: 'PendingProvider', isTerminal: false } };

describe('graceful shutdown', () => {
  let pkiDir: string;
  let slow: Server;

  afterAll(async () => {
    slow?.closeAllConnections();
    await new Promise((resolve) => slow?.close(resolve));
    rmSync(dirname(pkiDir), { recursive: true, force: true });
  });

  it('finishes the call in flight, then refuses new connections and closes the pools', async () => {
    pkiDir = await tempDevPki();
    const read = (name: string) => readFileSync(join(pkiDir, name), 'utf8');
    let arrived: () => void = () => undefined;
    const upstreamReached = new Promise<void>((resolve) => (arrived = resolve));
    slow = createServer({ cert: read('server-oneway-chain.pem'), key: read('server-oneway.key') }, (_req, res) => {
      arrived();
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(DETAILS));
      }, 300);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const oneway = `https://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const started = await startGateway(pkiDir, {
      CONNECTPAY_LOCAL_MTLS_URL: oneway,
      CONNECTPAY_LOCAL_ONEWAY_URL: oneway,
    });

    // Two requests pipelined on one keep-alive connection: the second is read after close() began.
    const caller = new Client(started.url, { pipelining: 2 });
    const inFlight = caller.request({ path: '/v1/merchant/payments/p-1', method: 'GET', headers: API_KEY });
    await upstreamReached;
    const closing = started.close();
    const late = caller.request({ path: '/v1/merchant/payments/p-2', method: 'GET', headers: API_KEY });

    const response = await inFlight;
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toEqual(DETAILS);
    const refused = await late;
    expect(refused.statusCode).toBe(503);
    expect(await refused.body.json()).toMatchObject({
      error: { code: 'GATEWAY_SHUTTING_DOWN', requestId: refused.headers['x-request-id'] },
    });
    await closing;
    await caller.close();

    await expect(fetch(`${started.url}/health/live`)).rejects.toThrow();
    await expect(
      started.gateway.runtime.client.call('merchant.payments.get', { params: { paymentId: 'p-1' } }),
    ).rejects.toMatchObject({
      code: 'TRANSPORT_CLOSED',
    });
    expect(started.logs.some((line) => line.includes('"msg":"gateway stopped"'))).toBe(true);
  });
});
