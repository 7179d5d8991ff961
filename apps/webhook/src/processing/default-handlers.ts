import type { ResourceStateStore } from '@connectpay-kit/storage';
import type { ConnectPayClient } from '@connectpay-kit/transport';
import type { WebhookMetrics } from '../observability/metrics.js';
import { HandlerRegistry } from './handler-registry.js';
import { merchantPaymentEventHandler } from './handlers/merchant-payment-event.handler.js';
import { paymentNotificationHandler } from './handlers/payment-notification.handler.js';

/** The handlers this receiver ships with; add yours here (one file each in handlers/). */
export function defaultHandlers(
  resources: ResourceStateStore,
  client: Pick<ConnectPayClient, 'call'>,
  metrics: WebhookMetrics,
): HandlerRegistry {
  return new HandlerRegistry()
    .register(merchantPaymentEventHandler(resources, metrics))
    .register(paymentNotificationHandler(resources, client, metrics));
}
