import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionsFromDevPki, startSandbox } from '@connectpay-kit/sandbox';
import { Agent, request } from 'undici';
import { deliver, eventually, paymentEvent, startReceiver, tempDevPki, type Receiver } from './support/harness.js';

// ConnectPay's webhook tokens: 36 characters of A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~. A reader
// that took `#` lines for comments dropped the first one, and every delivery got 401.
const STARTS_WITH_HASH = "#Qx7!k$2%m&'*+-.^_`|~aB3cD4eF5gH6iJ7";
const CONTAINS_HASH = 'Ab3#dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z0';

describe('webhook tokens with # against the running receiver', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let receiver: Receiver;

  beforeAll(async () => {
    pki = await tempDevPki();
    const current = join(pki.dir, 'current-token.txt');
    const previous = join(pki.dir, 'previous-token.txt');
    writeFileSync(current, `${STARTS_WITH_HASH}\n`);
    writeFileSync(previous, CONTAINS_HASH);
    receiver = await startReceiver(pki.dir, {
      WEBHOOK_TOKEN_FILE: current,
      WEBHOOK_TOKEN_PREVIOUS_FILE: previous,
    });
  });

  afterAll(async () => {
    await receiver?.close();
    pki?.remove();
  });

  it.each([
    ['a token starting with #', STARTS_WITH_HASH, 'evt-hash-start'],
    ['a token containing # (the previous one, during a rotation)', CONTAINS_HASH, 'evt-hash-inside'],
  ])('%s authenticates: 200 OK and stored', async (_name, token, id) => {
    const stored = async () => {
      const stats = await receiver.webhook.runtime.storage.main.inbox.stats();
      return stats.pending + stats.processing + stats.done + stats.dead;
    };
    const before = await stored();
    const response = await deliver(receiver.url, paymentEvent(id, `pay-${id}`, 'Created'), { token });
    expect(response.status).toBe(200);
    expect(response.text).toBe('OK');
    expect(await stored()).toBe(before + 1);
  });

  it.each([
    ['the token without its leading #', STARTS_WITH_HASH.slice(1)],
    ['the token cut at its #', CONTAINS_HASH.slice(0, CONTAINS_HASH.indexOf('#'))],
    ["the dev PKI's token, which these files replace", 'from-pki'],
  ])('%s is refused with 401', async (_name, token) => {
    const offered = token === 'from-pki' ? pki.token : token;
    const response = await deliver(receiver.url, paymentEvent('evt-wrong', 'pay-wrong', 'Created'), {
      token: offered,
    });
    expect(response.status).toBe(401);
  });

  it("the sandbox's subscribed webhook, sending the token as ConnectPay does, is stored and reaches its typed handler", async () => {
    const sandbox = await startSandbox({
      ...optionsFromDevPki(pki.dir),
      mtlsPort: 0,
      onewayPort: 0,
      webhook: {
        url: `${receiver.url}/webhooks/connectpay`,
        tokenHeader: 'x-connectpay-webhook-token',
        token: STARTS_WITH_HASH,
      },
      webhookTimeScale: 100_000,
    });
    try {
      const ca = readFileSync(join(pki.dir, 'ca.pem'), 'utf8');
      const agent = new Agent({ connect: { ca } });
      const published = await request(`${sandbox.onewayUrl}/sandbox/v1/events`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'OutgoingPayment.Completed', data: { transactionId: 'tx-hash-token' } }),
      });
      expect(published.statusCode).toBe(202);
      await published.body.dump();
      await agent.close();
      await sandbox.webhooks.settled(10_000);
      expect(sandbox.webhooks.subscription?.deliveries.at(-1)).toMatchObject({
        outcome: 'delivered',
        attempts: 1,
        status: 200,
      });
      const stored = await eventually(
        () => receiver.webhook.runtime.storage.main.resources.get('outgoing-payment', 'tx-hash-token'),
        'the outgoing payment to be recorded',
      );
      expect(stored).toMatchObject({ status: 'Completed' });
    } finally {
      await sandbox.close();
    }
  });

  it('never logs either token', () => {
    const text = receiver.logs.join('');
    expect(text).not.toContain(STARTS_WITH_HASH);
    expect(text).not.toContain(CONTAINS_HASH);
  });
});
