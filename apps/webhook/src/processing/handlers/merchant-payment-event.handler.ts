import { parsePaymentDetails, PaymentStatusSchema } from '@connectpay-kit/hosts';
import type { ResourceStateStore } from '@connectpay-kit/storage';
import { z } from 'zod';
import type { WebhookMetrics } from '../../observability/metrics.js';
import type { EventHandler } from '../handler.js';
import { recordLegacyPaymentStatus, recordPaymentStatus } from './payment-details.js';

const MerchantPaymentEventSchema = z.looseObject({
  type: z.string(),
  data: z
    .looseObject({
      payment: z.looseObject({
        paymentId: z.string().min(1).max(200),
        status: z.string().min(1).max(100).optional(),
        instructedAmount: z.looseObject({ amount: z.string().optional(), currency: z.string().optional() }).optional(),
      }),
      identifiers: z.looseObject({ merchantReference: z.string().optional() }).optional(),
      // The Get Payment Details body, as the sandbox sends it: the published status group.
      status: PaymentStatusSchema.optional(),
    })
    .refine((data) => data.status !== undefined || data.payment.status !== undefined, {
      message: 'needs status.code (the Get Payment Details body) or payment.status',
      path: ['status'],
    }),
});

/**
 * Subscribed `MerchantPayment.<Status>` events. They passed the token and source checks, so their
 * data is trusted as is. A Get Payment Details body goes through the status transition function
 * (duplicates and late deliveries never move a payment back); a legacy free-text status is ordered by
 * its event time.
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
      const { data } = payload;
      const { paymentId } = data.payment;
      if (data.status !== undefined) {
        const recorded = await recordPaymentStatus(resources, metrics, {
          paymentId,
          view: parsePaymentDetails(data),
          observedAt: event.timestamp,
          source: 'webhook',
          deliveryKey: event.deliveryKey,
        });
        if (!recorded.applied) {
          logger.info({ paymentId, status: data.status.code, reason: recorded.reason }, 'payment status not applied');
        }
        return;
      }
      const applied = await recordLegacyPaymentStatus(resources, metrics, {
        record: {
          paymentId,
          status: data.payment.status as string,
          amount: data.payment.instructedAmount?.amount,
          currency: data.payment.instructedAmount?.currency,
          merchantReference: data.identifiers?.merchantReference,
          source: 'webhook',
          deliveryKey: event.deliveryKey,
        },
        timestamp: event.timestamp,
      });
      if (!applied) {
        logger.info(
          { paymentId, status: data.payment.status },
          'older or repeated payment status ignored: a newer one is stored',
        );
      }
    },
  };
}
