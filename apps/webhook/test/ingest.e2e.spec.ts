import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { deliver, eventually, paymentEvent, startReceiver, tempDevPki, type Receiver } from './support/harness.js';

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

  describe('refused, stored nowhere, processed never', () => {
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
      [
        'a form body',
        () =>
          deliver(receiver.url, 'id=1', {
            token: pki.token,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        415,
        'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'malformed JSON',
        () => deliver(receiver.url, '{"id": "evt-1",', { token: pki.token }),
        400,
        'WEBHOOK_INVALID_JSON',
      ],
      ['a JSON array', () => deliver(receiver.url, [event], { token: pki.token }), 400, 'WEBHOOK_NOT_AN_EVENT'],
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
      for (const reason of ['token', 'source_ip', 'too_large', 'media_type', 'malformed_json', 'not_an_event']) {
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
