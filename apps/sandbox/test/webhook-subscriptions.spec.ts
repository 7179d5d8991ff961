import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { PROVIDER_RETRY_DELAYS_MS, WebhookSubscription } from '../src/webhook-subscriptions.js';

/** A real receiver on 127.0.0.1 whose answers a test scripts: status and body per request, or no answer. */
interface Receiver {
  readonly url: string;
  readonly seen: { id: string; timestamp: string; token: string }[];
  answer: (index: number) => { status: number; body: string } | 'hang';
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const receiver: Receiver = {
    url: '',
    seen: [],
    answer: () => ({ status: 200, body: 'OK' }),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      const index = receiver.seen.length;
      receiver.seen.push({
        id: event.id,
        timestamp: String(request.headers['x-connectpay-timestamp']),
        token: String(request.headers['x-connectpay-webhook-token']),
      });
      const answer = receiver.answer(index);
      if (answer === 'hang') {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'text/plain' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(receiver, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/connectpay` });
  return receiver;
}

describe("the sandbox's subscribed webhooks", () => {
  let receiver: Receiver;
  let agent: Agent;
  let subscription: WebhookSubscription | undefined;
  const TOKEN = "#Qx7!k$2%m&'*+-.^_`|~aB3cD4eF5gH6iJ7";
  const target = () => ({ url: receiver.url, tokenHeader: 'x-connectpay-webhook-token', token: TOKEN });

  beforeEach(async () => {
    receiver = await startReceiver();
    agent = new Agent();
  });
  afterEach(async () => {
    await subscription?.close();
    subscription = undefined;
    await receiver.close();
    await agent.close();
  });

  it("retries on the provider's schedule, compressed by timeScale, then drops the event", async () => {
    receiver.answer = () => ({ status: 500, body: 'down' });
    const scale = 100_000;
    subscription = new WebhookSubscription(target(), agent, { timeScale: scale });
    const id = subscription.publish('OutgoingPayment.Completed', { transactionId: 'tx-1' });
    expect(await subscription.settled(10_000)).toBe(true);

    // 5 s, 5 s, 30 s, 5 min, 60 min, 24 h, each divided by the scale.
    expect(PROVIDER_RETRY_DELAYS_MS).toEqual([5_000, 5_000, 30_000, 300_000, 3_600_000, 86_400_000]);
    expect(subscription.attempts.map((a) => a.plannedDelayMs)).toEqual([
      0,
      ...PROVIDER_RETRY_DELAYS_MS.map((ms) => ms / scale),
    ]);
    expect(receiver.seen).toHaveLength(7);
    // A retry is the same event: same id, same x-connectpay-timestamp, the token verbatim (it starts with #).
    expect(new Set(receiver.seen.map((s) => `${s.id}|${s.timestamp}|${s.token}`)).size).toBe(1);
    expect(receiver.seen[0]).toMatchObject({ id, token: TOKEN });
    expect(subscription.deliveries).toEqual([
      expect.objectContaining({ eventId: id, outcome: 'dropped', status: 500, attempts: 7 }),
    ]);
  });

  it('counts a 2xx without the text OK as a failure, and takes "ok" in any case', async () => {
    receiver.answer = (index) =>
      [
        { status: 200, body: 'accepted' },
        { status: 202, body: '' },
        { status: 200, body: ' ok\n' },
      ][index] ?? {
        status: 500,
        body: '',
      };
    subscription = new WebhookSubscription(target(), agent, { timeScale: 100_000 });
    subscription.publish('Account.BalanceChanged', {});
    expect(await subscription.settled(10_000)).toBe(true);
    expect(subscription.deliveries[0]).toMatchObject({ outcome: 'delivered', attempts: 3 });
    expect(subscription.attempts.map((a) => a.ok)).toEqual([false, false, true]);
  });

  it('counts an answer later than the (scaled) 10 s limit as a failure and retries', async () => {
    receiver.answer = (index) => (index === 0 ? 'hang' : { status: 200, body: 'OK' });
    subscription = new WebhookSubscription(target(), agent, { timeScale: 10 }); // 10 s -> 1 s
    expect(subscription.status().answerTimeoutMs).toBe(1_000);
    // Compressed further, the limit stays at 1 s: a receiver committing to disk is not a failure.
    expect(new WebhookSubscription(target(), agent, { timeScale: 1e6 }).status().answerTimeoutMs).toBe(1_000);
    subscription.publish('IncomingPayment.Completed', {});
    expect(await subscription.settled(15_000)).toBe(true);
    expect(subscription.deliveries[0]).toMatchObject({ outcome: 'delivered', attempts: 2 });
    expect(subscription.attempts.map((a) => a.plannedDelayMs)).toEqual([0, 500]);
  });

  it('switches the subscription off after 100 failed webhooks, sends nothing more until support re-enables it', async () => {
    receiver.answer = () => ({ status: 401, body: 'wrong token' });
    subscription = new WebhookSubscription(target(), agent, { retryDelaysMs: [] });
    for (let i = 0; i < 100; i += 1) subscription.publish('OutgoingPayment.Created', { n: i });
    expect(await subscription.settled(20_000)).toBe(true);
    expect(receiver.seen).toHaveLength(100);
    expect(subscription.status()).toMatchObject({ state: 'switched-off', failedWebhooks: 100 });

    subscription.publish('OutgoingPayment.Created', { n: 100 });
    expect(await subscription.settled(1_000)).toBe(true);
    expect(receiver.seen).toHaveLength(100);
    expect(subscription.deliveries.at(-1)).toMatchObject({ outcome: 'switched-off', attempts: 0 });

    subscription.enable();
    receiver.answer = () => ({ status: 200, body: 'OK' });
    subscription.publish('OutgoingPayment.Created', { n: 101 });
    expect(await subscription.settled(5_000)).toBe(true);
    expect(receiver.seen).toHaveLength(101);
    expect(subscription.deliveries.at(-1)).toMatchObject({ outcome: 'delivered', attempts: 1 });
    expect(subscription.status()).toMatchObject({ state: 'active', failedWebhooks: 0 });
  });

  it('a switch-off also cancels the retries already scheduled', async () => {
    receiver.answer = () => ({ status: 503, body: '' });
    // The first retry is an hour away; the third failure switches the subscription off.
    subscription = new WebhookSubscription(target(), agent, { retryDelaysMs: [3_600_000], switchOffAfter: 3 });
    for (let i = 0; i < 3; i += 1) subscription.publish('OutgoingPayment.Created', { n: i });
    expect(await subscription.settled(5_000)).toBe(true);
    expect(receiver.seen).toHaveLength(3);
    expect(subscription.deliveries.map((d) => d.outcome)).toEqual(['switched-off', 'switched-off', 'switched-off']);
  });

  it('refuses a time scale below 1, which would stretch the schedule', () => {
    expect(() => new WebhookSubscription(target(), agent, { timeScale: 0.5 })).toThrow(/at least 1/);
  });
});
