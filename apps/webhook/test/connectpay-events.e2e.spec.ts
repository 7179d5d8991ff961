import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookApp, type WebhookApp } from '../src/bootstrap/create-webhook-app.js';
import type {
  AccountBalanceChangedEvent,
  ConnectPayEvent,
  OutgoingPaymentEvent,
} from '../src/processing/events/connectpay-events.js';
import type { ListenerContext } from '../src/processing/handlers/connectpay-events.handler.js';
import { ADMIN, deliver, eventually, tempDevPki } from './support/harness.js';

describe('banking events through the running receiver to a registered listener', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let workDir: string;
  let webhook: WebhookApp;
  let url: string;
  const outgoing: { event: OutgoingPaymentEvent; latest: boolean | undefined }[] = [];
  const balances: AccountBalanceChangedEvent[] = [];
  const cards: ConnectPayEvent[] = [];
  let failIncomingOnce = true;

  beforeAll(async () => {
    pki = await tempDevPki();
    workDir = mkdtempSync(join(tmpdir(), 'webhook-events-'));
    const storage = join(workDir, 'webhook.sqlite');
    webhook = await createWebhookApp({
      cwd: workDir,
      env: {
        CONNECTPAY_ENV: 'local',
        CONNECTPAY_DEV_PKI_DIR: pki.dir,
        WEBHOOK_PORT: '0',
        WEBHOOK_STORAGE: storage,
        WEBHOOK_TOKEN_STORAGE: storage,
        WEBHOOK_POLL_MS: '50',
        WEBHOOK_RETRY_BASE_MS: '10',
        WEBHOOK_RETRY_MAX_MS: '20',
        LOG_LEVEL: 'silent',
      },
      listeners: {
        outgoingPayment: async (event, context: ListenerContext) => {
          outgoing.push({ event, latest: context.latest });
        },
        accountBalanceChanged: async (event) => {
          balances.push(event);
        },
        incomingPayment: async () => {
          if (failIncomingOnce) {
            failIncomingOnce = false;
            throw new Error('ledger unavailable');
          }
        },
        card: async (event) => {
          cards.push(event);
        },
      },
    });
    url = await webhook.listen();
  });

  afterAll(async () => {
    await webhook?.close();
    rmSync(workDir, { recursive: true, force: true });
    pki?.remove();
  });

  const settled = () =>
    eventually(async () => {
      const stats = await webhook.runtime.storage.main.inbox.stats();
      return stats.pending === 0 && stats.processing === 0 && stats;
    }, 'the inbox to settle');
  const send = (body: unknown, timestamp: string) => deliver(url, body, { token: pki.token, timestamp });

  it('parses OutgoingPayment.* for the listener and keeps the newest state when they arrive out of order', async () => {
    const event = (id: string, name: string) => ({
      id,
      type: `OutgoingPayment.${name}`,
      createdAt: '2026-12-06T10:00:00Z',
      data: { transactionId: 'tx-100', instructedAmount: { amount: '9.00', currency: 'EUR' } },
    });
    expect((await send(event('o-3', 'Completed'), '2026-12-06T10:00:03.000Z')).text).toBe('OK');
    await settled();
    expect((await send(event('o-1', 'Created'), '2026-12-06T10:00:01.000Z')).text).toBe('OK');
    expect((await send(event('o-2', 'Processing'), '2026-12-06T10:00:02.000Z')).text).toBe('OK');
    expect((await send(event('o-3', 'Completed'), '2026-12-06T10:00:03.000Z')).text).toBe('OK'); // redelivery
    const stats = await settled();
    expect(stats.dead).toBe(0);

    expect(outgoing.map(({ event: e }) => e.type)).toEqual([
      'OutgoingPayment.Completed',
      'OutgoingPayment.Created',
      'OutgoingPayment.Processing',
    ]);
    expect(outgoing.map(({ latest }) => latest)).toEqual([true, false, false]);
    expect(outgoing[0]?.event.data).toMatchObject({ transactionId: 'tx-100', instructedAmount: { amount: '9.00' } });
    expect(outgoing[0]?.event.raw).toMatchObject({ id: 'o-3' });
    expect(await webhook.runtime.storage.main.resources.get('outgoing-payment', 'tx-100')).toMatchObject({
      status: 'Completed',
      data: { transactionId: 'tx-100', amount: '9.00', currency: 'EUR' },
    });
  });

  it('parses Account.BalanceChanged, and a card event is a known type with its raw body', async () => {
    await send(
      {
        id: 'a-1',
        type: 'Account.BalanceChanged',
        data: { accountId: 'LT843740020000006939-XXX', balance: { amount: '10.00', currency: 'EUR' } },
      },
      '2026-12-06T11:00:00.000Z',
    );
    await send({ id: 'c-1', type: 'BaaSCard.HoldAdded', data: { cardId: 'card-1' } }, '2026-12-06T11:00:01.000Z');
    await settled();
    expect(balances[0]).toMatchObject({
      known: true,
      data: { accountId: 'LT843740020000006939-XXX', balance: { amount: '10.00' } },
    });
    expect(await webhook.runtime.storage.main.resources.get('account', 'LT843740020000006939-XXX')).toMatchObject({
      status: 'BalanceChanged',
      data: { balance: '10.00', currency: 'EUR' },
    });
    expect(cards[0]).toMatchObject({ type: 'BaaSCard.HoldAdded', known: true, raw: { data: { cardId: 'card-1' } } });
  });

  it('retries a listener that fails, and counts these events as done, not unhandled', async () => {
    await send(
      { id: 'i-1', type: 'IncomingPayment.Completed', data: { transactionId: 'tx-in' } },
      '2026-12-06T12:00:00.000Z',
    );
    await eventually(async () => !failIncomingOnce && (await settled()).dead === 0, 'the retried listener');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_events_processed_total\{handler="incoming-payment",outcome="retry"\} 1/);
    expect(metrics).toMatch(/webhook_events_processed_total\{handler="incoming-payment",outcome="done"\} 1/);
    // Three events: the redelivery was acknowledged and not stored again.
    expect(metrics).toMatch(/webhook_events_processed_total\{handler="outgoing-payment",outcome="done"\} 3/);
    expect(metrics).not.toMatch(/outcome="unhandled"/);
    const dead = await (await fetch(`${url}/admin/dead-letters`, { headers: ADMIN })).json();
    expect(dead).toMatchObject({ deadLetters: [] });
  });
});
