import type { ResourceStateStore } from '@connectpay-kit/storage';
import { type ConnectPayClient, TransportError, ProviderHttpError } from '@connectpay-kit/transport';
import { z } from 'zod';
import { UnrecoverableEventError } from '../../errors/webhook-error.js';
import { NOTIFICATION_EVENT_TYPE, parseProviderTimestamp } from '../../ingest/describe-delivery.js';
import type { ConfirmationOutcome, WebhookMetrics } from '../../observability/metrics.js';
import type { EventHandler } from '../handler.js';
import { PAYMENT_RESOURCE, PaymentDetailsSchema, recordPaymentStatus } from './payment-details.js';

const NotificationHintSchema = z.looseObject({
  payment: z.looseObject({ paymentId: z.string().min(1).max(200) }),
});

/**
 * Per-payment `notificationUrl` calls carry no signature, so their body is only a hint that the
 * payment changed: the status written is the one `GET /merchant/payments/{id}` returns.
 *
 * The confirmed status is stamped with the payment's own `updatedAt` when ConnectPay sends one (else
 * the hint's timestamp), so a late subscribed event for an older status cannot overwrite it. A hint
 * older than the stored status is skipped without calling ConnectPay at all.
 */
export function paymentNotificationHandler(
  resources: ResourceStateStore,
  client: Pick<ConnectPayClient, 'call'>,
  metrics: WebhookMetrics,
): EventHandler<typeof NotificationHintSchema> {
  return {
    name: 'payment-notification',
    typePrefix: NOTIFICATION_EVENT_TYPE,
    schema: NotificationHintSchema,
    async handle(payload, event, { signal, logger, requestId }) {
      const { paymentId } = payload.payment;
      const stored = await resources.get(PAYMENT_RESOURCE, paymentId);
      if (stored && event.hasProviderTimestamp && stored.timestamp.getTime() >= event.timestamp.getTime()) {
        logger.debug({ paymentId }, 'hint superseded by a status already stored; not confirming');
        return;
      }

      const startedAt = performance.now();
      const observe = (outcome: ConfirmationOutcome, code = 'none'): void => {
        metrics.confirmations.inc({ outcome, code });
        metrics.confirmationDuration.observe({ outcome }, (performance.now() - startedAt) / 1000);
      };
      let body: unknown;
      try {
        body = (await client.call('merchant.payments.get', { params: { paymentId }, signal, requestId })).body;
      } catch (error) {
        if (error instanceof ProviderHttpError && (error.status === 404 || error.status === 410)) {
          observe('unknown_payment', error.code);
          throw new UnrecoverableEventError(
            `ConnectPay does not know payment ${paymentId} (HTTP ${error.status}): the notification is not about one of this merchant's payments.`,
          );
        }
        observe('failed', error instanceof TransportError ? error.code : 'UNEXPECTED');
        throw error;
      }
      const confirmed = PaymentDetailsSchema.safeParse(body);
      if (!confirmed.success || confirmed.data.payment.paymentId !== paymentId) {
        observe('malformed');
        // A malformed answer may be a provider hiccup: retried with backoff, then dead-lettered.
        throw new Error(`GET /merchant/payments/${paymentId} did not answer a payment with an id and a status.`);
      }
      observe('confirmed');
      const timestamp = parseProviderTimestamp(confirmed.data.payment.updatedAt) ?? event.timestamp;
      const applied = await recordPaymentStatus(resources, metrics, {
        details: confirmed.data,
        timestamp,
        source: 'confirmed',
        deliveryKey: event.deliveryKey,
      });
      logger.info(
        { paymentId, status: confirmed.data.payment.status, applied },
        applied ? 'payment status confirmed with ConnectPay' : 'confirmed status is not newer than the stored one',
      );
    },
  };
}
