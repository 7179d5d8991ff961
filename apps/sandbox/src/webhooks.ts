import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { type SubscriptionDelivery, WebhookSubscription } from './webhook-subscriptions.js';

export interface WebhookTarget {
  /** Subscribed webhook URL (the webhook app's receiver). */
  readonly url: string;
  readonly tokenHeader: string;
  readonly token: string;
}

export interface Delivery {
  readonly kind: 'subscription' | 'notification';
  readonly url: string;
  readonly eventId: string;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly error?: string;
  /** Subscribed webhooks: the event type and how it ended (webhook-subscriptions.ts). */
  readonly eventType?: string;
  readonly outcome?: SubscriptionDelivery['outcome'];
}

export interface WebhookSenderOptions {
  /** Explicit retry delays for both kinds; default: notifications a short list, subscriptions the provider's schedule. */
  readonly retryDelaysMs?: readonly number[];
  /** Divides the subscription schedule (see WebhookSubscription); 1 is stage's timing. */
  readonly timeScale?: number;
}

const NOTIFICATION_RETRY_DELAYS_MS = [200, 500, 1_000, 2_000, 5_000];

/**
 * Sends what ConnectPay sends: a subscribed webhook (static token header, `x-connectpay-timestamp`)
 * and the per-payment `notificationUrl` POST (same body as Get Payment Details, no signature). It
 * retries like the provider, on a shortened schedule, and records every outcome for tests.
 */
export class WebhookSender {
  /** The subscribed webhooks (retry schedule, switch-off after 100 failures); undefined without a target. */
  readonly subscription: WebhookSubscription | undefined;
  private readonly notificationDeliveries: Delivery[] = [];
  private readonly agent: Agent;
  private readonly pending = new Set<Promise<void>>();
  private readonly retryDelaysMs: readonly number[];

  constructor(target: WebhookTarget | undefined, caPem: string, options: WebhookSenderOptions = {}) {
    this.agent = new Agent({ connect: { ca: caPem, timeout: 5_000 }, headersTimeout: 10_000, bodyTimeout: 10_000 });
    this.retryDelaysMs = options.retryDelaysMs ?? NOTIFICATION_RETRY_DELAYS_MS;
    this.subscription = target
      ? new WebhookSubscription(target, this.agent, {
          ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
          ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
        })
      : undefined;
  }

  /** Every outcome so far: notification calls, then subscribed webhooks. */
  get deliveries(): Delivery[] {
    const subscribed = (this.subscription?.deliveries ?? []).map(
      ({ kind, url, eventId, eventType, outcome, status, attempts, error }): Delivery => ({
        kind,
        url,
        eventId,
        eventType,
        outcome,
        status,
        attempts,
        ...(error ? { error } : {}),
      }),
    );
    return [...this.notificationDeliveries, ...subscribed];
  }

  /** `occurredAt`: when the status changed (default now); a late copy keeps its change's time, as a redelivery does. */
  paymentChanged(
    paymentBody: Record<string, unknown>,
    status: string,
    notificationUrl: string | undefined,
    occurredAt?: string,
  ): void {
    const timestamp = occurredAt ?? new Date().toISOString();
    if (notificationUrl)
      this.track(this.deliver('notification', notificationUrl, randomUUID(), paymentBody, {}, timestamp));
    this.subscription?.publish(`MerchantPayment.${status}`, paymentBody, timestamp);
  }

  /**
   * Resolves when every delivery started so far has succeeded or used up its retries, or when
   * `timeoutMs` has passed (with the provider's schedule a subscribed retry can be a day away).
   */
  async settled(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.subscription?.settled(Math.max(0, deadline - Date.now()));
  }

  async close(): Promise<void> {
    await this.subscription?.close();
    await this.agent.close();
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async deliver(
    kind: Delivery['kind'],
    url: string,
    eventId: string,
    body: unknown,
    headers: Record<string, string>,
    timestamp: string,
  ): Promise<void> {
    let lastStatus: number | undefined;
    let lastError: string | undefined;
    for (let attempt = 1; attempt <= this.retryDelaysMs.length + 1; attempt += 1) {
      try {
        const response = await request(url, {
          method: 'POST',
          dispatcher: this.agent,
          headers: { 'content-type': 'application/json', 'x-connectpay-timestamp': timestamp, ...headers },
          body: JSON.stringify(body),
        });
        lastStatus = response.statusCode;
        await response.body.dump();
        if (lastStatus >= 200 && lastStatus < 300) {
          this.notificationDeliveries.push({ kind, url, eventId, status: lastStatus, attempts: attempt });
          return;
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    }
    this.notificationDeliveries.push({
      kind,
      url,
      eventId,
      status: lastStatus,
      attempts: this.retryDelaysMs.length + 1,
      ...(lastError ? { error: lastError } : {}),
    });
  }
}
