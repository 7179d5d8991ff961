import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '@connectpay-kit/sandbox';
import { createConnectPayClient, type ConnectPayClient } from '@connectpay-kit/transport';
import { Agent, request } from 'undici';
import { eventually, startReceiver, tempDevPki, type Receiver } from './support/harness.js';

// Issue #13: the receiver's payments table must end on the sandbox's status although every callback
// arrives three times, in random order, with the body as it was at its change (the sandbox's
// callbackDisorder), on both channels: notificationUrl hints (confirmed by GET) and subscribed events.

describe('payment statuses under duplicated, out-of-order callbacks', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let sandbox: RunningSandbox;
  let receiver: Receiver;
  let merchant: ConnectPayClient;
  let browser: Agent;

  beforeAll(async () => {
    pki = await tempDevPki();
    const read = (name: string) => readFileSync(join(pki.dir, name), 'utf8');
    const port = await freePort();
    sandbox = await startSandbox({
      ...optionsFromDevPki(pki.dir),
      mtlsPort: 0,
      onewayPort: 0,
      webhook: {
        url: `http://127.0.0.1:${port}/webhooks/connectpay`,
        tokenHeader: 'x-connectpay-webhook-token',
        token: pki.token,
      },
      webhookRetryDelaysMs: [100, 200, 400],
      callbackDisorder: { copies: 3, maxDelayMs: 300 },
    });
    receiver = await startReceiver(pki.dir, {
      WEBHOOK_PORT: String(port),
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: sandbox.onewayUrl,
    });
    merchant = createConnectPayClient({
      environment: 'local',
      baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
      caPem: read('ca.pem'),
      basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
      merchant: { privateKeyPem: read('merchant.key') },
    });
    browser = new Agent({ connect: { ca: read('ca.pem') } });
  });

  afterAll(async () => {
    await merchant?.close();
    await browser?.close();
    await receiver?.close();
    await sandbox?.close();
    pki?.remove();
  });

  const control = async (path: string, body?: unknown) => {
    const response = await request(`${sandbox.onewayUrl}${path}`, {
      method: 'POST',
      dispatcher: browser,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    await response.body.dump();
    expect(response.statusCode).toBe(200);
  };

  const createPayment = async (reference: string, amount = '12.34'): Promise<string> => {
    const created = await merchant.call<{ payment: { paymentId: string } }>('merchant.payments.create', {
      body: {
        merchant: {
          brandId: 'local-brand',
          redirectUrl: 'https://shop.example/return',
          notificationUrl: `${receiver.url}/notifications/payments`,
        },
        payment: {
          paymentMethod: ['PIS', 'CARD'],
          providerCountryCode: 'LT',
          instructedAmount: { amount, currency: 'EUR' },
        },
        identifiers: { merchantReference: reference },
      },
    });
    return created.body.payment.paymentId;
  };

  it('ends every payment on the status the sandbox holds, with nothing dead-lettered', async () => {
    const approved = await createPayment('order-approved');
    const review = await createPayment('order-review', '99.99');
    const failed = await createPayment('order-failed');
    const refunded = await createPayment('order-refunded');
    await control(`/sandbox/v1/payments/${failed}/pay`, { paymentMethod: 'CARD', cardNumber: '4544249167673670' });
    for (let step = 0; step < 5; step += 1) {
      for (const id of [approved, review, failed, refunded]) await control(`/sandbox/v1/payments/${id}/advance`);
    }
    // What dev-support does on stage: settle, then a partial refund (terminal statuses moving on).
    for (const code of ['Settled', 'PendingRefund', 'PartialyRefunded']) {
      await control(`/sandbox/v1/payments/${refunded}/status`, { code });
    }
    await sandbox.payments.settled();

    const runtime = receiver.webhook.runtime;
    const stats = await eventually(async () => {
      const current = await runtime.storage.main.inbox.stats();
      return current.pending === 0 && current.processing === 0 && current;
    }, 'the inbox to settle');
    expect(stats.dead).toBe(0);

    const expected = {
      [approved]: 'Approved',
      [review]: 'PendingProvider',
      [failed]: 'Failed',
      [refunded]: 'PartialyRefunded',
    };
    const inSandbox = Object.fromEntries(
      Object.keys(expected).map((id) => [id, sandbox.payments.state.get(id)?.status]),
    );
    const stored = Object.fromEntries(
      await Promise.all(
        Object.keys(expected).map(async (id) => [
          id,
          (await runtime.storage.main.resources.get('payment', id))?.status,
        ]),
      ),
    );
    expect(inSandbox).toEqual(expected);
    expect(stored).toEqual(inSandbox);
    // Both channels ran: each of the 18 changes (4, 3 for 99.99, 4, and 7 with the refund) went out three
    // times as a hint and three times as an event, every one acknowledged.
    const sent = sandbox.webhooks.deliveries;
    expect(sent.filter((delivery) => delivery.kind === 'notification')).toHaveLength(3 * 18);
    expect(sent.filter((delivery) => delivery.kind === 'subscription')).toHaveLength(3 * 18);
    expect(sent.every((delivery) => delivery.status === 200)).toBe(true);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
