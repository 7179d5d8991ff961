import type { ResourceStateStore } from '@connectpay-kit/storage';
import type { ConnectPayClient } from '@connectpay-kit/transport';
import type { WebhookMetrics } from '../observability/metrics.js';
import { HandlerRegistry } from './handler-registry.js';
import { connectPayEventHandlers, type ConnectPayEventListeners } from './handlers/connectpay-events.handler.js';
import { merchantPaymentEventHandler } from './handlers/merchant-payment-event.handler.js';
import { paymentNotificationHandler } from './handlers/payment-notification.handler.js';

/**
 * The handlers this receiver ships with; add yours here (one file each in handlers/). Your code for
 * the banking events (OutgoingPayment.*, IncomingPayment.*, Account.*, BaaS*) goes in `listeners`.
 */
export function defaultHandlers(
  resources: ResourceStateStore,
  client: Pick<ConnectPayClient, 'call'>,
  metrics: WebhookMetrics,
  listeners: ConnectPayEventListeners = {},
): HandlerRegistry {
  const registry = new HandlerRegistry()
    .register(merchantPaymentEventHandler(resources, metrics))
    .register(paymentNotificationHandler(resources, client, metrics));
  for (const handler of connectPayEventHandlers(resources, metrics, listeners)) registry.register(handler);
  return registry;
}
