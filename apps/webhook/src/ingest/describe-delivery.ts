import { createHash } from 'node:crypto';

/** The two things ConnectPay POSTs: a subscribed event, or a per-payment `notificationUrl` call. */
export type DeliveryKind = 'subscription' | 'notification';

/** Event type given to per-payment notifications (they carry none): `PaymentNotification.<status>`. */
export const NOTIFICATION_EVENT_TYPE = 'PaymentNotification';

/** What the inbox stores beside the raw body, derived from the payload and the timestamp header. */
export interface DescribedDelivery {
  /** The dedupe key: a redelivery of the same event gets the same one. */
  readonly deliveryKey: string;
  readonly eventType: string | undefined;
  readonly resourceId: string | undefined;
  /** `x-connectpay-timestamp`, else the event's `createdAt`; orders deliveries per resource. */
  readonly eventTimestamp: Date | undefined;
}

// Values taken from an untrusted payload into indexed columns: printable, bounded (the raw body keeps
// everything, so a value that fails this is left out, never rejected).
const LABEL = /^[^\p{Cc}]{1,200}$/u;
const KEY_SAFE = /^[\u0021-\u007e]{1,200}$/;

/**
 * The delivery key per event: the event's `id` when it has one, else a hash of the resource id, its
 * status and the `x-connectpay-timestamp` header (the provider's redelivery repeats all three).
 * Payloads with neither fall back to a hash of the raw body and the timestamp, so nothing is refused
 * for its shape: an unknown event is stored and shows up as unhandled rather than being lost.
 */
export function describeDelivery(
  kind: DeliveryKind,
  payload: Record<string, unknown>,
  rawBody: Buffer,
  timestampHeader: string | undefined,
): DescribedDelivery {
  const headerTime = parseProviderTimestamp(timestampHeader);
  if (kind === 'notification') {
    const payment = asRecord(payload['payment']);
    const resourceId = label(payment?.['paymentId']);
    // The published body (Get Payment Details) has status.code; older senders put it at payment.status.
    const status = label(asRecord(payload['status'])?.['code']) ?? label(payment?.['status']);
    return {
      deliveryKey: resourceId
        ? `ntf:${hash(resourceId, status ?? '', timestampHeader ?? '')}`
        : `ntf-body:${hash(rawBody, timestampHeader ?? '')}`,
      eventType: status ? `${NOTIFICATION_EVENT_TYPE}.${status}` : NOTIFICATION_EVENT_TYPE,
      resourceId,
      eventTimestamp: headerTime,
    };
  }

  const data = asRecord(payload['data']);
  const payment = asRecord(data?.['payment']) ?? data;
  const resourceId = label(payment?.['paymentId']) ?? label(data?.['id']);
  const eventType = label(payload['type']);
  const status = label(payment?.['status']) ?? eventType?.split('.').pop();
  const id = payload['id'];
  const eventId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  let deliveryKey: string;
  if (KEY_SAFE.test(eventId)) deliveryKey = `evt:${eventId}`;
  else if (eventId !== '') deliveryKey = `evt#${hash(eventId)}`;
  else if (resourceId) deliveryKey = `sub:${hash(resourceId, status ?? '', timestampHeader ?? '')}`;
  else deliveryKey = `sub-body:${hash(rawBody, timestampHeader ?? '')}`;
  return {
    deliveryKey,
    eventType,
    resourceId,
    eventTimestamp: headerTime ?? parseProviderTimestamp(payload['createdAt']),
  };
}

/**
 * What the inbox stores beside a body that is not a JSON object (kept as a dead letter): nothing can
 * be read from it, so the key is a hash of the raw body and the timestamp header (a redelivery of the
 * same bytes is still a duplicate) and the event type is left empty.
 */
export function describeUnreadable(
  kind: DeliveryKind,
  rawBody: Buffer,
  timestampHeader: string | undefined,
): DescribedDelivery {
  return {
    deliveryKey: `${kind === 'notification' ? 'ntf' : 'sub'}-body:${hash(rawBody, timestampHeader ?? '')}`,
    eventType: undefined,
    resourceId: undefined,
    eventTimestamp: parseProviderTimestamp(timestampHeader),
  };
}

/**
 * `x-connectpay-timestamp` is documented only as UTC: ISO 8601, or epoch seconds / milliseconds.
 * Anything else (or a date before 2000 or far in the future) is treated as absent.
 */
export function parseProviderTimestamp(value: unknown): Date | undefined {
  let time: number;
  if (typeof value === 'number') time = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{9,16}$/.test(value.trim())) {
    const number = Number(value.trim());
    time = number < 1e12 ? number * 1000 : number;
  } else if (typeof value === 'string' && value.length <= 64) time = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(time) || time < Date.UTC(2000, 0, 1) || time > Date.now() + 365 * 24 * 3600 * 1000) {
    return undefined;
  }
  return new Date(time);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function label(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && LABEL.test(value) ? value : undefined;
}

function hash(...parts: (string | Buffer)[]): string {
  const digest = createHash('sha256');
  for (const part of parts) {
    digest.update(part);
    // A separator that cannot occur in the text parts, so ("ab","c") and ("a","bc") differ.
    digest.update('\u0000');
  }
  return digest.digest('hex');
}
