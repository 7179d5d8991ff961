import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '@connectpay-kit/sandbox';
import { createConnectPayClient, type ConnectPayClient } from '@connectpay-kit/transport';
import { Agent, request } from 'undici';
import { deliver, eventually, startReceiver, tempDevPki, type Receiver } from './support/harness.js';

// The sandbox verifies X-Signature a non-default way, and the receiver is configured to match: its
// confirmations (GET payment) only succeed if it passes CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_* through.
const SIGNATURE = { separator: '|', includeQuery: false, padding: 'pss' } as const;
const SIGNATURE_ENV = {
  CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_SEPARATOR: '|',
  CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_QUERY: 'false',
  CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_PADDING: 'pss',
};

describe('end to end with the sandbox', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let sandbox: RunningSandbox;
  let receiver: Receiver;
  let merchant: ConnectPayClient;
  let browser: Agent;

  beforeAll(async () => {
    pki = await tempDevPki();
    const read = (name: string) => readFileSync(join(pki.dir, name), 'utf8');
    const port = await freePort();
    const receiverUrl = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox({
      ...optionsFromDevPki(pki.dir),
      mtlsPort: 0,
      onewayPort: 0,
      webhook: {
        url: `${receiverUrl}/webhooks/connectpay`,
        tokenHeader: 'x-connectpay-webhook-token',
        token: pki.token,
      },
      webhookRetryDelaysMs: [100, 200, 400],
      merchantSignature: SIGNATURE,
    });
    receiver = await startReceiver(pki.dir, {
      WEBHOOK_PORT: String(port),
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: sandbox.onewayUrl,
      ...SIGNATURE_ENV,
    });
    merchant = createConnectPayClient({
      environment: 'local',
      baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
      caPem: read('ca.pem'),
      basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
      merchant: { privateKeyPem: read('merchant.key'), signature: SIGNATURE },
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

  const runtime = () => receiver.webhook.runtime;
  const createPayment = async (reference: string): Promise<string> => {
    const created = await merchant.call<{ payment: { paymentId: string } }>('merchant.payments.create', {
      body: {
        merchant: {
          brandId: 'local-brand',
          redirectUrl: 'https://shop.example/return',
          notificationUrl: `${receiver.url}/notifications/payments`,
        },
        payment: {
          paymentMethod: ['PIS'],
          providerCountryCode: 'LT',
          instructedAmount: { amount: '12.34', currency: 'EUR' },
        },
        identifiers: { merchantReference: reference },
      },
    });
    return created.body.payment.paymentId;
  };
  const settled = () =>
    eventually(async () => {
      const stats = await runtime().storage.main.inbox.stats();
      return stats.pending === 0 && stats.processing === 0 && stats;
    }, 'the inbox to settle');

  const confirmedCalls = async (): Promise<number> => {
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    const counted = /^webhook_upstream_confirmations_total\{outcome="confirmed",code="none"\} (\d+)$/m.exec(metrics);
    return Number(counted?.[1] ?? 0);
  };

  it("takes the sandbox's webhooks and notifications through to the payments table", async () => {
    const paymentId = await createPayment('order-e2e');
    for (let step = 0; step < 2; step += 1) {
      const advanced = await request(`${sandbox.onewayUrl}/sandbox/v1/payments/${paymentId}/advance`, {
        method: 'POST',
        dispatcher: browser,
      });
      expect(advanced.statusCode).toBe(200);
      await advanced.body.dump();
    }
    await sandbox.webhooks.settled();

    // Two status changes (InProgress, Processing), each sent as a subscribed event and as a notificationUrl
    // call with the Get Payment Details body, all acknowledged first time.
    expect(sandbox.webhooks.deliveries.map((delivery) => delivery.kind).sort()).toEqual([
      'notification',
      'notification',
      'subscription',
      'subscription',
    ]);
    expect(sandbox.webhooks.deliveries.every((delivery) => delivery.status === 200 && delivery.attempts === 1)).toBe(
      true,
    );

    const stats = await settled();
    expect(stats).toMatchObject({ done: 4, dead: 0 });
    const stored = await runtime().storage.main.resources.get('payment', paymentId);
    expect(stored).toMatchObject({
      status: 'Processing',
      data: { merchantReference: 'order-e2e', amount: '12.34', isTerminal: false },
    });
  });

  it('trusts a notification only as far as ConnectPay confirms it', async () => {
    const paymentId = await createPayment('order-hint');
    // A notification (the published body) claiming the payment was approved; ConnectPay knows it as PendingMerchant.
    const forged = { payment: { paymentId }, status: { code: 'Approved', isTerminal: true } };
    await settled();
    const confirmedBefore = await confirmedCalls();
    const response = await deliver(receiver.url, forged, {
      path: '/notifications/payments',
      timestamp: new Date().toISOString(),
    });
    expect(response.text).toBe('OK');
    await settled();
    expect(await runtime().storage.main.resources.get('payment', paymentId)).toMatchObject({
      status: 'PendingMerchant',
      data: { source: 'confirmed', isTerminal: false },
    });
    // The sandbox's own per-payment notifications were confirmed too; this hint added one more call.
    expect(await confirmedCalls()).toBe(confirmedBefore + 1);
  });

  it('runs the PSD2 auth redirect: state checked once, code exchanged, tokens stored', async () => {
    const start = await fetch(`${receiver.url}/auth/start?scope=psd2-pis`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sandbox.onewayUrl}/auth/v1/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: 'local-dev-client',
      flowId: 'GetPSD2AuthCode',
      scope: 'psd2-pis',
      redirect_url: `${receiver.url}/auth/callback`,
      response_type: 'code',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      // ConnectPay requires a GUIDv4 nonce; the sandbox refuses anything else.
      nonce: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    });

    // The browser at ConnectPay: it issues a code and redirects back with code and state.
    const provider = await request(authorize, { dispatcher: browser });
    expect(provider.statusCode).toBe(302);
    await provider.body.dump();
    const callback = String(provider.headers['location']);
    expect(callback.startsWith(`${receiver.url}/auth/callback?code=`)).toBe(true);

    const done = await fetch(callback);
    const html = await done.text();
    expect(done.status).toBe(200);
    expect(html).toContain('ConnectPay access granted');
    expect(html).toContain('psd2-pis');
    expect(html).not.toMatch(/\b(at|rt|code)_[A-Za-z0-9_-]{20,}/);
    expect(await runtime().client.oauth?.status()).toMatchObject({ state: 'valid', scope: 'psd2-pis' });

    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('expired or already used');
    const forged = await fetch(`${receiver.url}/auth/callback?code=code_forged&state=never-issued`);
    expect(forged.status).toBe(400);
  });

  it('never logs a token, a code or the webhook token', () => {
    const text = receiver.logs.join('');
    expect(text).not.toMatch(/\b(at|rt|code)_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toContain(pki.token);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
