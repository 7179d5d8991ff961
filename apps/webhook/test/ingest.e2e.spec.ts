import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  ADMIN,
  deliver,
  eventually,
  paymentEvent,
  startReceiver,
  tempDevPki,
  type Receiver,
} from './support/harness.js';

describe('receiving deliveries', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let receiver: Receiver;

  beforeAll(async () => {
    pki = await tempDevPki();
    receiver = await startReceiver(pki.dir, {
      WEBHOOK_TRUSTED_PROXIES: '127.0.0.1',
      WEBHOOK_STORAGE_LOCK_TIMEOUT_MS: '100',
    });
  });

  afterAll(async () => {
    await receiver?.close();
    pki?.remove();
  });

  const inbox = () => receiver.webhook.runtime.storage.main.inbox;
  const metrics = async () => (await fetch(`${receiver.url}/metrics`)).text();
  const admin = async (path: string, method = 'GET') => {
    const response = await fetch(`${receiver.url}${path}`, { method, headers: ADMIN });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  // Straight from the database file, not through the inbox API: what was really kept.
  const rowCount = (): number => {
    const db = new Database(join(receiver.workDir, 'webhook.sqlite'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM inbox_events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  describe('unauthenticated or oversize: refused, stored nowhere, processed never', () => {
    const event = paymentEvent('evt-refused', 'pay-refused', 'Completed');
    const refusals: [string, () => Promise<{ status: number; text: string }>, number, string][] = [
      ['a wrong token', () => deliver(receiver.url, event, { token: 'not-the-token' }), 401, 'WEBHOOK_TOKEN_INVALID'],
      ['no token', () => deliver(receiver.url, event), 401, 'WEBHOOK_TOKEN_INVALID'],
      [
        'a source outside the allowlist (through a trusted proxy)',
        () => deliver(receiver.url, event, { token: pki.token, headers: { 'x-forwarded-for': '203.0.113.50' } }),
        403,
        'WEBHOOK_SOURCE_NOT_ALLOWED',
      ],
      [
        'a notification from outside the allowlist',
        () =>
          deliver(
            receiver.url,
            { payment: { paymentId: 'p', status: 'Completed' } },
            {
              path: '/notifications/payments',
              headers: { 'x-forwarded-for': '198.51.100.4' },
            },
          ),
        403,
        'WEBHOOK_SOURCE_NOT_ALLOWED',
      ],
      [
        'a body over 256 KiB',
        () => deliver(receiver.url, { ...event, padding: 'x'.repeat(300 * 1024) }, { token: pki.token }),
        413,
        'WEBHOOK_PAYLOAD_TOO_LARGE',
      ],
      [
        'a chunked body that grows over 256 KiB',
        () => chunkedPost(receiver.url, pki.token, 'x'.repeat(64 * 1024), 5),
        413,
        'WEBHOOK_PAYLOAD_TOO_LARGE',
      ],
    ];

    it.each(refusals)('refuses %s', async (_what, send, status, code) => {
      const response = await send();
      expect(response.status).toBe(status);
      expect(JSON.parse(response.text)).toMatchObject({ error: { code } });
      expect(response.text).not.toContain(pki.token);
    });

    it('stored and processed none of them, and counted each reason', async () => {
      expect(await inbox().stats()).toMatchObject({ pending: 0, processing: 0, done: 0, dead: 0 });
      const text = await metrics();
      expect(rowCount()).toBe(0);
      for (const reason of ['token', 'source_ip', 'too_large']) {
        expect(text).toMatch(new RegExp(`webhook_deliveries_rejected_total\\{[^}]*reason="${reason}"[^}]*\\} [1-9]`));
      }
      expect(text).not.toMatch(/webhook_events_processed_total\{/);
    });
  });

  it('answers OK only after storing the raw body, without the token header', async () => {
    const event = paymentEvent('evt-ok', 'pay-ok', 'Completed');
    const raw = `${JSON.stringify(event)}\n`;
    const response = await deliver(receiver.url, raw, {
      token: pki.token,
      timestamp: '2026-05-01T10:00:00.000Z',
      headers: { 'x-forwarded-for': '::1', 'x-request-id': 'trace-123' },
    });
    expect(response).toMatchObject({ status: 200, text: 'OK' });
    expect(response.headers.get('x-request-id')).toBe('trace-123');

    const stored = await inbox().get('1');
    expect(stored).toBeDefined();
    expect(Buffer.from(stored?.body ?? []).toString('utf8')).toBe(raw);
    expect(stored).toMatchObject({
      deliveryKey: 'evt:evt-ok',
      eventType: 'MerchantPayment.Completed',
      resourceId: 'pay-ok',
    });
    expect(stored?.eventTimestamp?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(stored?.headers['x-connectpay-timestamp']).toBe('2026-05-01T10:00:00.000Z');
    expect(Object.keys(stored?.headers ?? {})).not.toContain('x-connectpay-webhook-token');
    expect(JSON.stringify(stored?.headers)).not.toContain(pki.token);
  });

  it('answers 503 (so ConnectPay retries) while storage cannot commit, and stores the retry', async () => {
    const event = paymentEvent('evt-locked', 'pay-locked', 'Completed');
    const blocker = new Database(join(receiver.workDir, 'webhook.sqlite'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      const refused = await deliver(receiver.url, event, { token: pki.token });
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'WEBHOOK_STORAGE_UNAVAILABLE' } });
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const retried = await deliver(receiver.url, event, { token: pki.token });
    expect(retried).toMatchObject({ status: 200, text: 'OK' });
    expect(await metrics()).toMatch(/webhook_deliveries_rejected_total\{[^}]*reason="storage_unavailable"[^}]*\} 1/);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${receiver.url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${receiver.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', failing: [] });
    // Claimed events leave `pending` before their handler finishes: wait until none is left in flight.
    await eventually(async () => {
      const stats = await inbox().stats();
      return stats.pending === 0 && stats.processing === 0;
    }, 'the stored events to be processed');
    const text = await metrics();
    expect(text).toMatch(/webhook_deliveries_received_total\{route="\/webhooks\/connectpay"\} 2/);
    expect(text).toMatch(/webhook_ack_duration_seconds_count\{route="\/webhooks\/connectpay"\} 2/);
    expect(text).toMatch(/webhook_processing_lag_seconds_count\{handler="merchant-payment-event"\} 2/);
    expect(text).toMatch(/webhook_dead_letters 0/);
  });

  it('answers unknown routes in the documented error shape', async () => {
    const response = await fetch(`${receiver.url}/webhooks/other`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'WEBHOOK_ROUTE_NOT_FOUND' } });
  });

  it('never logs the token, a header value or a body', () => {
    const text = receiver.logs.join('');
    expect(text).not.toContain(pki.token);
    expect(text).not.toContain('order-pay-ok');
    expect(text).toContain('"deliveryKey":"evt:evt-ok"');
  });

  describe('authenticated but not an event: stored as a dead letter and acknowledged, never refused', () => {
    interface DeadLetter {
      id: string;
      deliveryKey: string;
      state: string;
      eventType: string | null;
      lastError: string | null;
      attempts: number;
    }
    const deadLetters = async (): Promise<DeadLetter[]> =>
      (await admin('/admin/dead-letters')).body['deadLetters'] as DeadLetter[];
    const sent: { what: string; body: string; contentType: string; code: string; reason: string }[] = [
      {
        what: 'a text/plain body',
        body: 'payment pay-text is Completed',
        contentType: 'text/plain',
        code: 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
        reason: 'media_type',
      },
      {
        what: 'a form body',
        body: 'id=1&secret-looking=form-value',
        contentType: 'application/x-www-form-urlencoded',
        code: 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
        reason: 'media_type',
      },
      {
        what: 'an invalid JSON body',
        body: '{"id": "evt-broken", "type": "MerchantPayment.Completed",',
        contentType: 'application/json',
        code: 'WEBHOOK_INVALID_JSON',
        reason: 'malformed_json',
      },
      {
        what: 'a JSON array',
        body: JSON.stringify([paymentEvent('evt-in-array', 'pay-array', 'Completed')]),
        contentType: 'application/json; charset=utf-8',
        code: 'WEBHOOK_NOT_AN_EVENT',
        reason: 'not_an_event',
      },
    ];
    let rowsBefore = 0;
    let deadBefore: DeadLetter[] = [];

    beforeAll(async () => {
      rowsBefore = rowCount();
      deadBefore = await deadLetters();
    });

    it.each(sent)('answers 200 OK to $what', async ({ body, contentType }) => {
      const response = await deliver(receiver.url, body, {
        token: pki.token,
        headers: { 'content-type': contentType },
      });
      expect(response).toMatchObject({ status: 200, text: 'OK' });
    });

    it('kept every one of them: one row each, all dead letters listed with their reason', async () => {
      expect(rowCount()).toBe(rowsBefore + sent.length);
      const added = (await deadLetters()).filter((dead) => !deadBefore.some((known) => known.id === dead.id));
      expect(added).toHaveLength(sent.length);
      for (const [index, delivery] of sent.entries()) {
        const dead = added[index] as DeadLetter;
        expect(dead).toMatchObject({ state: 'dead', attempts: 0, eventType: null });
        expect(dead.lastError).toMatch(new RegExp(`^${delivery.code}: `));
        // The list shows no body: the reason must not quote it either.
        expect(dead.lastError).not.toContain(delivery.body);
      }
      expect(added[0]?.lastError).toContain('Content-Type is "text/plain"');
      expect(added[3]?.lastError).toContain('an array');
      const text = await metrics();
      for (const reason of ['media_type', 'malformed_json', 'not_an_event']) {
        expect(text).toMatch(
          new RegExp(
            `webhook_deliveries_dead_lettered_total\\{route="/webhooks/connectpay",reason="${reason}"\\} [1-9]`,
          ),
        );
        expect(text).not.toMatch(new RegExp(`webhook_deliveries_rejected_total\\{[^}]*reason="${reason}"`));
      }
    });

    it('shows the raw body, without the token, when an operator opens one', async () => {
      const dead = (await deadLetters()).find((event) => event.lastError?.startsWith('WEBHOOK_INVALID_JSON'));
      const { status, body } = await admin(`/admin/events/${dead?.id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ payload: null, rawBody: sent[2]?.body });
      expect(JSON.stringify(body)).not.toContain(pki.token);
    });

    it('acknowledges a redelivery of the same bytes as a duplicate, storing nothing new', async () => {
      const rows = rowCount();
      const again = await deliver(receiver.url, sent[2]?.body, { token: pki.token });
      expect(again).toMatchObject({ status: 200, text: 'OK' });
      expect(rowCount()).toBe(rows);
    });

    it('sends a replayed unreadable body back to the dead letters', async () => {
      const dead = (await deadLetters()).find((event) => event.lastError?.startsWith('WEBHOOK_INVALID_JSON'));
      expect((await admin(`/admin/dead-letters/${dead?.id}/replay`, 'POST')).status).toBe(200);
      const after = await eventually(async () => {
        const event = await inbox().get(dead?.id ?? '');
        return event?.state === 'dead' && event.attempts === 1 ? event : undefined;
      }, 'the replayed event to be dead-lettered again');
      expect(after.lastError).toMatch(/^WEBHOOK_EVENT_INVALID: .*not valid JSON/);
    });

    it('processes a JSON event sent with the wrong content type once an operator replays it', async () => {
      const event = paymentEvent('evt-as-text', 'pay-as-text', 'Completed');
      const response = await deliver(receiver.url, event, {
        token: pki.token,
        headers: { 'content-type': 'text/plain' },
      });
      expect(response).toMatchObject({ status: 200, text: 'OK' });
      const dead = (await deadLetters()).find((letter) => letter.deliveryKey === 'evt:evt-as-text');
      expect(dead).toMatchObject({ state: 'dead', eventType: 'MerchantPayment.Completed' });
      expect(dead?.lastError).toContain('replay it');

      expect((await admin(`/admin/dead-letters/${dead?.id}/replay`, 'POST')).status).toBe(200);
      await eventually(
        async () => (await inbox().get(dead?.id ?? ''))?.state === 'done',
        'the replayed event to be processed',
      );
      const payment = await receiver.webhook.runtime.storage.main.resources.get('payment', 'pay-as-text');
      expect(payment?.status).toBe('Completed');
    });

    it('still refuses an oversize body with 413 and an unauthenticated one with 401, storing neither', async () => {
      const rows = rowCount();
      const big = await deliver(receiver.url, 'x'.repeat(300 * 1024), {
        token: pki.token,
        headers: { 'content-type': 'text/plain' },
      });
      expect(big.status).toBe(413);
      const anonymous = await deliver(receiver.url, 'not json', { headers: { 'content-type': 'text/plain' } });
      expect(anonymous.status).toBe(401);
      expect(rowCount()).toBe(rows);
    });

    it('never logs their bodies', () => {
      const text = receiver.logs.join('');
      for (const { body } of sent) expect(text).not.toContain(body);
      expect(text).toContain('"reason":"malformed_json"');
    });
  });
});

describe('notification calls whose content is not a JSON object', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let checked: Receiver;
  let open: Receiver;

  beforeAll(async () => {
    pki = await tempDevPki();
    checked = await startReceiver(pki.dir);
    open = await startReceiver(pki.dir, { WEBHOOK_CHECK_NOTIFICATION_SOURCE: 'false' });
  });

  afterAll(async () => {
    await checked?.close();
    await open?.close();
    pki?.remove();
  });

  const notify = (receiver: Receiver, body: string, contentType: string) =>
    deliver(receiver.url, body, { path: '/notifications/payments', headers: { 'content-type': contentType } });

  it('are kept as dead letters when they come from a listed address', async () => {
    expect(await notify(checked, 'payment p-1 Completed', 'text/plain')).toMatchObject({ status: 200, text: 'OK' });
    expect(await notify(checked, '{"payment":', 'application/json')).toMatchObject({ status: 200, text: 'OK' });
    const dead = await checked.webhook.runtime.storage.main.inbox.deadLetters();
    expect(dead.map((event) => [event.deliveryKey.split(':')[0], event.lastError?.split(':')[0]])).toEqual([
      ['ntf-body', 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE'],
      ['ntf-body', 'WEBHOOK_INVALID_JSON'],
    ]);
  });

  it('are refused, and stored nowhere, when no check vouches for the sender', async () => {
    const media = await notify(open, 'payment p-1 Completed', 'text/plain');
    expect(media.status).toBe(415);
    expect(JSON.parse(media.text)).toMatchObject({ error: { code: 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE' } });
    const broken = await notify(open, '{"payment":', 'application/json');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ error: { code: 'WEBHOOK_INVALID_JSON' } });
    const array = await notify(open, '[]', 'application/json');
    expect(JSON.parse(array.text)).toMatchObject({ error: { code: 'WEBHOOK_NOT_AN_EVENT' } });
    expect(await open.webhook.runtime.storage.main.inbox.stats()).toMatchObject({
      pending: 0,
      processing: 0,
      done: 0,
      dead: 0,
    });
  });
});

/** A POST without Content-Length whose body arrives in chunks, as a streaming client sends it. */
function chunkedPost(
  url: string,
  token: string,
  chunk: string,
  count: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/webhooks/connectpay`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'x-connectpay-webhook-token': token } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (data: string) => (text += data));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.write('{"padding":"');
    let sent = 0;
    const next = () => {
      if (sent === count || request.destroyed) {
        request.end('"}');
        return;
      }
      sent += 1;
      request.write(chunk, () => setImmediate(next));
    };
    next();
  });
}
