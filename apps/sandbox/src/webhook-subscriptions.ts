import { randomUUID } from 'node:crypto';
import { type Dispatcher, request } from 'undici';

/**
 * ConnectPay's subscribed-webhook rules (docs:/home/notifications-using-webhook-technology/general-webhooks-usage-rules/):
 * a delivery succeeds on a 2xx answer with the text `OK` (any case) within 10 s; otherwise it is
 * retried six times, at +5 s, +5 s, +30 s, +5 min, +60 min and +24 h, and then dropped. After 100
 * failed webhooks the service is switched off until support re-enables it.
 */
export const PROVIDER_RETRY_DELAYS_MS: readonly number[] = [5_000, 5_000, 30_000, 300_000, 3_600_000, 86_400_000];
export const PROVIDER_ANSWER_TIMEOUT_MS = 10_000;
export const PROVIDER_SWITCH_OFF_AFTER = 100;
const MIN_ANSWER_TIMEOUT_MS = 1_000;

export interface SubscriptionTarget {
  /** Subscribed webhook URL (the webhook app's receiver). */
  readonly url: string;
  readonly tokenHeader: string;
  readonly token: string;
}

export interface SubscriptionSettings {
  /**
   * Divides every wait of the provider's schedule (the retry delays, and the 10 s answer limit down
   * to 1 s at least), so a test or a local run sees the whole schedule in moments: 1 (the default) is
   * stage's timing, 1000 turns 24 h into 86.4 s. `SANDBOX_WEBHOOK_TIME_SCALE` in main.ts.
   */
  readonly timeScale?: number;
  /** Explicit retry delays instead of the scaled provider schedule (older tests pass a short list). */
  readonly retryDelaysMs?: readonly number[];
  /** Failed webhooks before the subscription is switched off. Default 100, as the provider. */
  readonly switchOffAfter?: number;
  /** Events waiting for a retry at the same time; a new event beyond it is dropped and recorded. Default 10,000. */
  readonly maxPending?: number;
}

/** One event's fate, as the sandbox reports it at /sandbox/v1/webhook-deliveries. */
export interface SubscriptionDelivery {
  readonly kind: 'subscription';
  readonly url: string;
  readonly eventId: string;
  readonly eventType: string;
  /** `delivered`; `dropped` after the last retry; `switched-off` when the subscription was off; `overflow` past maxPending. */
  readonly outcome: 'delivered' | 'dropped' | 'switched-off' | 'overflow';
  readonly status: number | undefined;
  readonly attempts: number;
  readonly error?: string;
}

/** One attempt, with the delay the schedule put before it: what the schedule tests read. */
export interface SubscriptionAttempt {
  readonly eventId: string;
  readonly attempt: number;
  /** The wait before this attempt that the schedule asked for (0 for the first), in ms. */
  readonly plannedDelayMs: number;
  readonly ok: boolean;
  readonly status: number | undefined;
}

export interface SubscriptionStatus {
  readonly state: 'active' | 'switched-off';
  /** Failed webhooks (attempts) since the subscription was last enabled. */
  readonly failedWebhooks: number;
  readonly switchOffAfter: number;
  readonly switchedOffAt: string | undefined;
  readonly retryDelaysMs: readonly number[];
  readonly answerTimeoutMs: number;
  readonly pending: number;
}

// What the sandbox keeps for tests and the control endpoint: the most recent, bounded.
const RECORD_LIMIT = 10_000;

/**
 * The sandbox's subscribed webhooks, as ConnectPay sends them. "100 failed webhooks" is read as 100
 * failed delivery attempts since the subscription was (re-)enabled, retries included and successes
 * not resetting it: the provider does not say more, and the stricter reading warns a receiver sooner.
 */
export class WebhookSubscription {
  readonly deliveries: SubscriptionDelivery[] = [];
  readonly attempts: SubscriptionAttempt[] = [];
  private readonly retryDelaysMs: readonly number[];
  private readonly answerTimeoutMs: number;
  private readonly switchOffAfter: number;
  private readonly maxPending: number;
  private failed = 0;
  private switchedOffAt: string | undefined;
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private pending = 0;
  private closed = false;

  constructor(
    private readonly target: SubscriptionTarget,
    private readonly dispatcher: Dispatcher,
    settings: SubscriptionSettings = {},
  ) {
    const scale = settings.timeScale ?? 1;
    if (!(Number.isFinite(scale) && scale >= 1)) {
      throw new RangeError(`timeScale must be a number of at least 1 (the provider's timing), not ${String(scale)}.`);
    }
    this.retryDelaysMs = settings.retryDelaysMs ?? PROVIDER_RETRY_DELAYS_MS.map((ms) => ms / scale);
    // Scaled too, but never under a second: a receiver that fsyncs before its OK (the kit's does) must
    // not count as failing only because the test compressed time.
    this.answerTimeoutMs = Math.max(PROVIDER_ANSWER_TIMEOUT_MS / scale, MIN_ANSWER_TIMEOUT_MS);
    this.switchOffAfter = settings.switchOffAfter ?? PROVIDER_SWITCH_OFF_AFTER;
    this.maxPending = settings.maxPending ?? 10_000;
  }

  /** Sends `{ id, type, createdAt, data }` to the subscriber; returns the event id. */
  publish(type: string, data: unknown, occurredAt: string = new Date().toISOString()): string {
    const eventId = randomUUID();
    if (this.closed || this.switchedOffAt !== undefined) {
      this.record({ eventId, eventType: type, outcome: 'switched-off', status: undefined, attempts: 0 });
      return eventId;
    }
    if (this.pending >= this.maxPending) {
      this.record({ eventId, eventType: type, outcome: 'overflow', status: undefined, attempts: 0 });
      return eventId;
    }
    const body = JSON.stringify({ id: eventId, type, createdAt: occurredAt, data });
    this.pending += 1;
    this.track(this.attempt({ eventId, eventType: type, body, timestamp: occurredAt }, 1, 0));
    return eventId;
  }

  status(): SubscriptionStatus {
    return {
      state: this.switchedOffAt === undefined ? 'active' : 'switched-off',
      failedWebhooks: this.failed,
      switchOffAfter: this.switchOffAfter,
      switchedOffAt: this.switchedOffAt,
      retryDelaysMs: this.retryDelaysMs,
      answerTimeoutMs: this.answerTimeoutMs,
      pending: this.pending,
    };
  }

  /** What ConnectPay's support does after a switch-off: on again, the failure count back to 0. */
  enable(): void {
    this.switchedOffAt = undefined;
    this.failed = 0;
  }

  /**
   * Resolves true when every event published so far was delivered, dropped or cancelled, false when
   * `timeoutMs` passed first (with the provider's schedule a retry can be a day away).
   */
  async settled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(20, Math.max(1, deadline - Date.now()))));
    }
    return true;
  }

  /** Cancels the scheduled retries (recorded as dropped) and waits for attempts in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, cancel] of this.timers) {
      clearTimeout(timer);
      cancel();
    }
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private async attempt(
    event: { eventId: string; eventType: string; body: string; timestamp: string },
    attempt: number,
    plannedDelayMs: number,
  ): Promise<void> {
    let status: number | undefined;
    let error: string | undefined;
    let ok = false;
    try {
      const response = await request(this.target.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json',
          'x-connectpay-timestamp': event.timestamp,
          [this.target.tokenHeader]: this.target.token,
        },
        body: event.body,
        signal: AbortSignal.timeout(this.answerTimeoutMs),
      });
      status = response.statusCode;
      const text = await response.body.text();
      ok = status >= 200 && status < 300 && text.trim().toLowerCase() === 'ok';
      if (!ok && status >= 200 && status < 300) error = 'a 2xx answer without the text OK';
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    this.push(this.attempts, { eventId: event.eventId, attempt, plannedDelayMs, ok, status });
    if (ok) {
      this.finish({
        eventId: event.eventId,
        eventType: event.eventType,
        outcome: 'delivered',
        status,
        attempts: attempt,
      });
      return;
    }
    this.failed += 1;
    const delay = this.retryDelaysMs[attempt - 1];
    const last = {
      eventId: event.eventId,
      eventType: event.eventType,
      status,
      attempts: attempt,
      ...(error ? { error } : {}),
    };
    if (this.failed >= this.switchOffAfter && this.switchedOffAt === undefined) {
      this.switchedOffAt = new Date().toISOString();
      this.cancelRetries();
    }
    if (this.switchedOffAt !== undefined) {
      this.finish({ ...last, outcome: 'switched-off' });
      return;
    }
    if (delay === undefined || this.closed) {
      this.finish({ ...last, outcome: 'dropped' });
      return;
    }
    const cancel = () => this.finish({ ...last, outcome: this.switchedOffAt ? 'switched-off' : 'dropped' });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(event, attempt + 1, delay));
    }, delay);
    this.timers.set(timer, cancel);
  }

  /** A switch-off stops the retries already scheduled: the provider sends nothing more. */
  private cancelRetries(): void {
    for (const [timer, cancel] of this.timers) {
      clearTimeout(timer);
      cancel();
    }
    this.timers.clear();
  }

  private finish(delivery: Omit<SubscriptionDelivery, 'kind' | 'url'>): void {
    this.pending -= 1;
    this.record(delivery);
  }

  private record(delivery: Omit<SubscriptionDelivery, 'kind' | 'url'>): void {
    this.push(this.deliveries, { kind: 'subscription', url: this.target.url, ...delivery });
  }

  private push<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > RECORD_LIMIT) list.splice(0, list.length - RECORD_LIMIT);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
