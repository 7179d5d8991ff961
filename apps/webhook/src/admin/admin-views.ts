import type { InboxEvent } from '@connectpay-kit/storage';

/** A dead letter as the list shows it: enough to decide on a replay, without headers or body. */
export interface EventSummary {
  readonly id: string;
  readonly deliveryKey: string;
  readonly state: InboxEvent['state'];
  readonly eventType: string | null;
  readonly resourceId: string | null;
  readonly receivedAt: string;
  readonly eventTimestamp: string | null;
  readonly attempts: number;
  readonly claims: number;
  readonly lastError: string | null;
  readonly updatedAt: string;
}

/** One event in full: the stored headers (the token header was never stored) and the parsed body. */
export interface EventDetail extends EventSummary {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: unknown;
  /**
   * The stored body as text (invalid UTF-8 shown as U+FFFD) when it is not JSON and `payload` is
   * therefore null: what a delivery dead-lettered for its content actually carried. Null otherwise.
   */
  readonly rawBody: string | null;
  readonly availableAt: string;
  readonly completedAt: string | null;
}

export function summarize(event: InboxEvent): EventSummary {
  return {
    id: event.id,
    deliveryKey: event.deliveryKey,
    state: event.state,
    eventType: event.eventType ?? null,
    resourceId: event.resourceId ?? null,
    receivedAt: event.receivedAt.toISOString(),
    eventTimestamp: event.eventTimestamp?.toISOString() ?? null,
    attempts: event.attempts,
    claims: event.claims,
    lastError: event.lastError ?? null,
    updatedAt: event.updatedAt.toISOString(),
  };
}

export function detail(event: InboxEvent): EventDetail {
  const text = Buffer.from(event.body).toString('utf8');
  let payload: unknown = null;
  let rawBody: string | null = null;
  try {
    payload = JSON.parse(text);
  } catch {
    rawBody = text;
  }
  return {
    ...summarize(event),
    headers: event.headers,
    payload,
    rawBody,
    availableAt: event.availableAt.toISOString(),
    completedAt: event.completedAt?.toISOString() ?? null,
  };
}
