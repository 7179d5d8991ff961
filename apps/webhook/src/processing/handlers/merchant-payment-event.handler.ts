import type { ResourceStateStore } from '@connectpay-kit/storage';
import { z } from 'zod';
import type { WebhookMetrics } from '../../observability/metrics.js';
import type { EventHandler } from '../handler.js';
import { PaymentDetailsSchema, recordPaymentStatus } from './payment-details.js';

const MerchantPaymentEventSchema = z.looseObject({
  type: z.string(),
  data: PaymentDetailsSchema,
});

/**
 * Subscribed `MerchantPayment.<Status>` events. They passed the token and source checks, so their
 * data is trusted as is: the payment's status is written unless a newer one is already stored.
 */
export function merchantPaymentEventHandler(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
): EventHandler<typeof MerchantPaymentEventSchema> {
  return {
    name: 'merchant-payment-event',
    typePrefix: 'MerchantPayment.',
    schema: MerchantPaymentEventSchema,
    async handle(payload, event, { logger }) {
      const applied = await recordPaymentStatus(resources, metrics, {
        details: payload.data,
        timestamp: event.timestamp,
        source: 'webhook',
        deliveryKey: event.deliveryKey,
      });
      if (!applied) {
        logger.info(
          { paymentId: payload.data.payment.paymentId, status: payload.data.payment.status },
          'older or repeated payment status ignored: a newer one is stored',
        );
      }
    },
  };
}
