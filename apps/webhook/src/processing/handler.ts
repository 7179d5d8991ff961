import type { Logger } from 'pino';
import type { z } from 'zod';

/** One stored delivery as a handler sees it: the parsed payload plus what the inbox recorded. */
export interface ReceivedEvent {
  /** The inbox id: the one to replay in the admin API. */
  readonly id: string;
  /** The dedupe key; use it as the idempotency key of any side effect. */
  readonly deliveryKey: string;
  readonly type: string;
  readonly resourceId: string | undefined;
  /** The provider's event time (`x-connectpay-timestamp`), else when it was received. */
  readonly timestamp: Date;
  /** True when `timestamp` is the provider's, false when it fell back to the receive time. */
  readonly hasProviderTimestamp: boolean;
  readonly receivedAt: Date;
  /** Failed attempts so far (0 on the first run). */
  readonly attempts: number;
  /** Times it was claimed; more than attempts + 1 means a process died while handling it. */
  readonly claims: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface HandlerContext {
  /** Aborted when the attempt runs out of time or the receiver shuts down: pass it to upstream calls. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Sent as X-Request-ID on upstream calls, so ConnectPay's logs and ours meet. */
  readonly requestId: string;
}

/**
 * A typed handler, registered in code for an event type prefix. The payload is checked against
 * `schema` first; a payload that fails it is dead-lettered with the reason, never retried.
 *
 * Delivery is at least once: a process killed after the handler's effect but before the event was
 * marked done runs it again. Handlers must therefore be idempotent, keyed by `event.deliveryKey` or,
 * like the payment handlers, by an "only if newer" write.
 */
export interface EventHandler<Schema extends z.ZodType = z.ZodType> {
  /** Metric and log label. */
  readonly name: string;
  /** Event types starting with this are handled here (`MerchantPayment.`); the longest prefix wins. */
  readonly typePrefix: string;
  readonly schema: Schema;
  handle(payload: z.output<Schema>, event: ReceivedEvent, context: HandlerContext): Promise<void>;
}
