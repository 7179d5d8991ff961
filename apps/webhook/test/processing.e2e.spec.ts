import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  ADMIN,
  deliver,
  eventually,
  paymentEvent,
  startReceiver,
  tempDevPki,
  type Receiver,
} from './support/harness.js';

describe('processing stored events', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let receiver: Receiver;
  let closedPort: number;
  let placeholder: Server;

  beforeAll(async () => {
    pki = await tempDevPki();
    // A port nobody listens on: ConnectPay "down" for the notification handler's confirmation call.
    placeholder = createServer();
    await new Promise<void>((resolve) => placeholder.listen(0, '127.0.0.1', resolve));
    closedPort = (placeholder.address() as AddressInfo).port;
    await new Promise((resolve) => placeholder.close(resolve));
    receiver = await startReceiver(pki.dir, {
      CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${closedPort}`,
      WEBHOOK_MAX_ATTEMPTS: '2',
      WEBHOOK_RETRY_BASE_MS: '10',
      WEBHOOK_RETRY_MAX_MS: '20',
      WEBHOOK_UPSTREAM_TIMEOUT_MS: '1000',
    });
  });

  afterAll(async () => {
    await receiver?.close();
    pki?.remove();
  });

  const runtime = () => receiver.webhook.runtime;
  const payment = (id: string) => runtime().storage.main.resources.get('payment', id);
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${receiver.url}${path}`, { ...init, headers: { ...ADMIN, ...init.headers } });
  const settled = () =>
    eventually(async () => {
      const stats = await runtime().storage.main.inbox.stats();
      return stats.pending === 0 && stats.processing === 0 && stats;
    }, 'the inbox to settle');

  it('processes duplicates once and keeps the newest status when deliveries arrive out of order', async () => {
    const send = (id: string, status: string, timestamp: string) =>
      deliver(receiver.url, paymentEvent(id, 'pay-order', status), { token: pki.token, timestamp });
    // Newest first, then the older ones, then a redelivery of the newest and of an older one.
    expect((await send('e3', 'Completed', '2026-06-01T10:00:03.000Z')).text).toBe('OK');
    await settled();
    expect((await send('e2', 'PendingProvider', '2026-06-01T10:00:02.000Z')).text).toBe('OK');
    expect((await send('e1', 'Created', '2026-06-01T10:00:01.000Z')).text).toBe('OK');
    expect((await send('e3', 'Completed', '2026-06-01T10:05:00.000Z')).text).toBe('OK');
    expect((await send('e1', 'Created', '2026-06-01T10:05:00.000Z')).text).toBe('OK');
    const stats = await settled();

    expect(stats).toMatchObject({ done: 3, dead: 0 });
    expect(await payment('pay-order')).toMatchObject({ status: 'Completed' });
    expect((await payment('pay-order'))?.timestamp.toISOString()).toBe('2026-06-01T10:00:03.000Z');
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_deliveries_duplicate_total\{route="\/webhooks\/connectpay"\} 2/);
    expect(metrics).toMatch(/webhook_events_processed_total\{handler="merchant-payment-event",outcome="done"\} 3/);
    expect(metrics).toMatch(/webhook_resource_updates_total\{resource_type="payment",result="applied"\} 1/);
    expect(metrics).toMatch(/webhook_resource_updates_total\{resource_type="payment",result="stale"\} 2/);
  });

  it('marks an event type without a handler done (replayable), not dead', async () => {
    const response = await deliver(
      receiver.url,
      // Not a type ConnectPay lists (those all have a handler now, see connectpay-events.e2e.spec.ts).
      { id: 'op-1', type: 'LoyaltyPoints.Granted', data: { id: 'op-1' } },
      { token: pki.token },
    );
    expect(response.text).toBe('OK');
    await settled();
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_events_processed_total\{handler="none",outcome="unhandled"\} 1/);
  });

  it('dead-letters a payload its handler cannot read at once, and shows it to admins only', async () => {
    const broken = { id: 'e-broken', type: 'MerchantPayment.Completed', data: { payment: { status: 'Completed' } } };
    expect((await deliver(receiver.url, broken, { token: pki.token })).text).toBe('OK');
    await settled();

    expect((await fetch(`${receiver.url}/admin/dead-letters`)).status).toBe(401);
    expect((await admin('/admin/dead-letters', { headers: { 'x-admin-key': 'wrong' } })).status).toBe(401);
    const list = (await (await admin('/admin/dead-letters')).json()) as { deadLetters: Record<string, unknown>[] };
    expect(list.deadLetters).toHaveLength(1);
    expect(list.deadLetters[0]).toMatchObject({
      deliveryKey: 'evt:e-broken',
      state: 'dead',
      attempts: 1,
      lastError: expect.stringContaining('WEBHOOK_EVENT_INVALID'),
    });
    expect(String(list.deadLetters[0]?.['lastError'])).toContain('data.payment.paymentId');
  });

  it('retries a failing handler with backoff, then dead-letters it; a replay runs it again', async () => {
    const hint = { payment: { paymentId: 'pay-hint', status: 'Completed' } };
    const response = await deliver(receiver.url, hint, {
      path: '/notifications/payments',
      timestamp: '2026-06-01T11:00:00Z',
    });
    expect(response.text).toBe('OK');
    await settled();

    const list = (await (await admin('/admin/dead-letters')).json()) as {
      deadLetters: { id: string; attempts: number; lastError: string; eventType: string }[];
    };
    const dead = list.deadLetters.find((event) => event.eventType === 'PaymentNotification.Completed');
    expect(dead).toMatchObject({ attempts: 2, lastError: expect.stringContaining('TRANSPORT_CONNECTION_REFUSED') });
    expect(await payment('pay-hint')).toBeUndefined();
    expect(await (await fetch(`${receiver.url}/metrics`)).text()).toMatch(
      /webhook_upstream_confirmations_total\{outcome="failed",code="TRANSPORT_CONNECTION_REFUSED"\} 2/,
    );

    const detail = await (await admin(`/admin/events/${dead?.id}`)).json();
    expect(detail).toMatchObject({ payload: hint, headers: { 'x-connectpay-timestamp': '2026-06-01T11:00:00Z' } });

    const replayed = await admin(`/admin/dead-letters/${dead?.id}/replay`, { method: 'POST' });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ id: dead?.id, state: 'pending', attempts: 0 });
    await settled();
    // ConnectPay is still unreachable: the replay used up its attempts again.
    const again = await runtime().storage.main.inbox.get(dead?.id ?? '');
    expect(again).toMatchObject({ state: 'dead', attempts: 2, claims: 4 });
  });

  it('answers admin mistakes clearly', async () => {
    expect((await admin('/admin/dead-letters/abc/replay', { method: 'POST' })).status).toBe(400);
    expect((await admin('/admin/dead-letters?limit=0')).status).toBe(400);
    const missing = await admin('/admin/dead-letters/999999/replay', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'WEBHOOK_EVENT_NOT_FOUND' } });
    const done = await admin('/admin/dead-letters/1/replay', { method: 'POST' });
    expect(done.status).toBe(409);
    expect(await done.json()).toMatchObject({ error: { code: 'WEBHOOK_REPLAY_CONFLICT' } });
  });
});
