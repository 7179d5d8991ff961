import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';

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
}

/**
 * Sends what ConnectPay sends: a subscribed webhook (static token header, `x-connectpay-timestamp`)
 * and the per-payment `notificationUrl` POST (same body as Get Payment Details, no signature). It
 * retries like the provider, on a shortened schedule, and records every outcome for tests.
 */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly agent: Agent;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly target: WebhookTarget | undefined,
    caPem: string,
    private readonly retryDelaysMs: readonly number[] = [200, 500, 1_000, 2_000, 5_000],
  ) {
    this.agent = new Agent({ connect: { ca: caPem, timeout: 5_000 }, headersTimeout: 10_000, bodyTimeout: 10_000 });
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
    if (this.target) {
      const eventId = randomUUID();
      const event = { id: eventId, type: `MerchantPayment.${status}`, createdAt: timestamp, data: paymentBody };
      this.track(
        this.deliver(
          'subscription',
          this.target.url,
          eventId,
          event,
          { [this.target.tokenHeader]: this.target.token },
          timestamp,
        ),
      );
    }
  }

  /** Resolves when every delivery started so far has succeeded or used up its retries. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
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
          this.deliveries.push({ kind, url, eventId, status: lastStatus, attempts: attempt });
          return;
        }
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      const delay = this.retryDelaysMs[attempt - 1];
      if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    }
    this.deliveries.push({
      kind,
      url,
      eventId,
      status: lastStatus,
      attempts: this.retryDelaysMs.length + 1,
      ...(lastError ? { error: lastError } : {}),
    });
  }
}
