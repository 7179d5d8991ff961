import type { z } from 'zod';
import { WebhookError } from '../errors/webhook-error.js';
import type { EventHandler } from './handler.js';

/** Handlers by event type prefix. Registration happens once at startup, in code. */
export class HandlerRegistry {
  private readonly handlers: EventHandler[] = [];

  register<Schema extends z.ZodType>(handler: EventHandler<Schema>): this {
    const clash = this.handlers.find((known) => known.typePrefix === handler.typePrefix);
    if (clash) {
      throw new WebhookError(
        'WEBHOOK_HANDLER_CONFLICT',
        `Handlers "${clash.name}" and "${handler.name}" both claim the event type prefix "${handler.typePrefix}": give each prefix one handler.`,
      );
    }
    this.handlers.push(handler as unknown as EventHandler);
    // Longest prefix first, so `MerchantPayment.Refund` can be specialised below `MerchantPayment.`.
    this.handlers.sort((a, b) => b.typePrefix.length - a.typePrefix.length);
    return this;
  }

  resolve(eventType: string | undefined): EventHandler | undefined {
    if (eventType === undefined) return undefined;
    return this.handlers.find((handler) => eventType.startsWith(handler.typePrefix));
  }

  get prefixes(): readonly string[] {
    return this.handlers.map((handler) => handler.typePrefix);
  }
}
