import type { ResourceStateStore } from '@connectpay-kit/storage';
import { z } from 'zod';
import type { WebhookMetrics } from '../../observability/metrics.js';

/** The part of Get Payment Details (also the notification body) the payment handlers rely on. */
export const PaymentDetailsSchema = z.looseObject({
  payment: z.looseObject({
    paymentId: z.string().min(1).max(200),
    status: z.string().min(1).max(100),
    updatedAt: z.string().max(64).optional(),
    instructedAmount: z.looseObject({ amount: z.string().optional(), currency: z.string().optional() }).optional(),
  }),
  identifiers: z.looseObject({ merchantReference: z.string().optional() }).optional(),
});

export type PaymentDetails = z.output<typeof PaymentDetailsSchema>;

/** resource_states rows of this type are the receiver's "payments table". */
export const PAYMENT_RESOURCE = 'payment';

/** What the payments table keeps per payment: no consumer data, only what reconciliation needs. */
export interface PaymentRecord {
  readonly paymentId: string;
  readonly status: string;
  readonly amount: string | undefined;
  readonly currency: string | undefined;
  readonly merchantReference: string | undefined;
  /** `webhook`: an authenticated subscribed event; `confirmed`: fetched from ConnectPay after a hint. */
  readonly source: 'webhook' | 'confirmed';
  readonly deliveryKey: string;
}

/**
 * Writes the payment's status unless a newer one is stored (`applyIfNewer`), so an out-of-order or
 * repeated delivery never moves a payment backwards. Returns whether it was applied.
 */
export async function recordPaymentStatus(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
  input: { details: PaymentDetails; timestamp: Date; source: PaymentRecord['source']; deliveryKey: string },
): Promise<boolean> {
  const { payment, identifiers } = input.details;
  const record: PaymentRecord = {
    paymentId: payment.paymentId,
    status: payment.status,
    amount: payment.instructedAmount?.amount,
    currency: payment.instructedAmount?.currency,
    merchantReference: identifiers?.merchantReference,
    source: input.source,
    deliveryKey: input.deliveryKey,
  };
  const applied = await resources.applyIfNewer({
    resourceType: PAYMENT_RESOURCE,
    resourceId: payment.paymentId,
    status: payment.status,
    timestamp: input.timestamp,
    data: record,
  });
  metrics.resourceUpdates.inc({ resource_type: PAYMENT_RESOURCE, result: applied ? 'applied' : 'stale' });
  return applied;
}
