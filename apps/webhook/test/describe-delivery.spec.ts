import { describeDelivery, parseProviderTimestamp } from '../src/ingest/describe-delivery.js';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('delivery keys', () => {
  const event = {
    id: 'evt-1',
    type: 'MerchantPayment.Completed',
    data: { payment: { paymentId: 'p-1', status: 'Completed' } },
  };

  it("uses the event's id, so a redelivery with another timestamp is still the same delivery", () => {
    const first = describeDelivery('subscription', event, body(event), '2026-01-01T10:00:00Z');
    const again = describeDelivery('subscription', event, body(event), '2026-01-01T10:05:00Z');
    expect(first.deliveryKey).toBe('evt:evt-1');
    expect(again.deliveryKey).toBe(first.deliveryKey);
    expect(first).toMatchObject({ eventType: 'MerchantPayment.Completed', resourceId: 'p-1' });
    expect(first.eventTimestamp?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('hashes payment id + status + timestamp when the event has no id', () => {
    const { id: _id, ...anonymous } = event;
    const key = (status: string, timestamp: string) => {
      const payload = { ...anonymous, data: { payment: { paymentId: 'p-1', status } } };
      return describeDelivery('subscription', payload, body(payload), timestamp).deliveryKey;
    };
    expect(key('Completed', 't1')).toBe(key('Completed', 't1'));
    expect(key('Completed', 't1')).not.toBe(key('Completed', 't2'));
    expect(key('Completed', 't1')).not.toBe(key('PendingProvider', 't1'));
    expect(key('Completed', 't1')).toMatch(/^sub:[0-9a-f]{64}$/);
  });

  it('gives per-payment notifications their own key space and event type', () => {
    const hint = { payment: { paymentId: 'p-1', status: 'Completed' } };
    const described = describeDelivery('notification', hint, body(hint), 't1');
    expect(described.deliveryKey).toMatch(/^ntf:[0-9a-f]{64}$/);
    expect(described).toMatchObject({ eventType: 'PaymentNotification.Completed', resourceId: 'p-1' });
    expect(describeDelivery('notification', hint, body(hint), 't1').deliveryKey).toBe(described.deliveryKey);
  });

  it('keeps an event of unknown shape (keyed by its body) instead of refusing it', () => {
    const odd = { something: 'else' };
    const described = describeDelivery('subscription', odd, body(odd), undefined);
    expect(described.deliveryKey).toMatch(/^sub-body:[0-9a-f]{64}$/);
    expect(described.eventType).toBeUndefined();
  });

  it('leaves out payload values that cannot go into an indexed column, and hashes an unusual id', () => {
    const hostile = {
      id: 'a b\u0000c',
      type: 'x'.repeat(500),
      data: { payment: { paymentId: 'p\u0000', status: 'ok' } },
    };
    const described = describeDelivery('subscription', hostile, body(hostile), undefined);
    expect(described.deliveryKey).toMatch(/^evt#[0-9a-f]{64}$/);
    expect(described.eventType).toBeUndefined();
    expect(described.resourceId).toBeUndefined();
  });
});

describe('x-connectpay-timestamp', () => {
  it('reads ISO 8601 and epoch seconds or milliseconds', () => {
    expect(parseProviderTimestamp('2026-03-01T12:00:00.123Z')?.toISOString()).toBe('2026-03-01T12:00:00.123Z');
    expect(parseProviderTimestamp('1772366400')?.toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(parseProviderTimestamp('1772366400123')?.toISOString()).toBe('2026-03-01T12:00:00.123Z');
  });

  it('treats nonsense as absent', () => {
    expect(parseProviderTimestamp('yesterday')).toBeUndefined();
    expect(parseProviderTimestamp('1970-01-01T00:00:00Z')).toBeUndefined();
    expect(parseProviderTimestamp(undefined)).toBeUndefined();
  });
});
