import { MerchantContractError, parsePaymentDetails, type PaymentDetailsView } from '@connectpay-kit/hosts';
import type { ResourceStateStore } from '@connectpay-kit/storage';
import { type ConnectPayClient, TransportError, ProviderHttpError } from '@connectpay-kit/transport';
import { z } from 'zod';
import { UnrecoverableEventError } from '../../errors/webhook-error.js';
import { NOTIFICATION_EVENT_TYPE } from '../../ingest/describe-delivery.js';
import type { ConfirmationOutcome, WebhookMetrics } from '../../observability/metrics.js';
import type { EventHandler } from '../handler.js';
import { PAYMENT_RESOURCE, recordPaymentStatus } from './payment-details.js';

// Only what names the payment: the rest of the body (status.code included) is not trusted.
const NotificationHintSchema = z.looseObject({
  payment: z.looseObject({ paymentId: z.string().min(1).max(200).optional() }).optional(),
});

/**
 * Per-payment `notificationUrl` calls carry the Get Payment Details body and no signature, so the body
 * is only a hint that the payment changed: the status written is the one `GET /merchant/payments/{id}`
 * returns, read with the published model (packages/hosts `parsePaymentDetails`: `status.code`,
 * `status.isTerminal`) and stored through the status transition function, observed when the request
 * was sent. Hints arrive duplicated and out of order; each one fetches the current status,
 * and the transition function keeps a slow, older answer from overwriting a newer one.
 *
 * The payment is named by `payment.paymentId` (where the 201 answer carries it; the published example
 * shows no id, see packages/hosts' README). A hint older than the stored status is skipped without
 * calling ConnectPay: the stored status was observed after the change the hint reports.
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
      const paymentId = payload.payment?.paymentId;
      if (paymentId === undefined) {
        throw new UnrecoverableEventError(
          'The notification names no payment.paymentId, so the payment cannot be fetched to confirm it. ' +
            "ConnectPay's published Get Payment Details example shows no id; if its notifications carry it elsewhere, " +
            'read it there (apps/webhook/src/processing/handlers/payment-notification.handler.ts) and replay this event.',
        );
      }
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
      // The answer shows the payment as it was at some moment after the request left: the request's start
      // is when it was observed, so a slow answer cannot look newer than a change that came after it.
      const observedAt = new Date();
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
      let view: PaymentDetailsView;
      try {
        view = parsePaymentDetails(body);
        if (view.paymentId !== undefined && view.paymentId !== paymentId) {
          throw new Error(`it is payment ${view.paymentId}`);
        }
      } catch (error) {
        observe('malformed');
        // A malformed answer may be a provider hiccup: retried with backoff, then dead-lettered.
        const why = error instanceof MerchantContractError ? error.message : String(error);
        throw new Error(`GET /merchant/payments/${paymentId} did not answer this payment's details: ${why}`, {
          cause: error,
        });
      }
      observe('confirmed');
      const recorded = await recordPaymentStatus(resources, metrics, {
        paymentId,
        view,
        observedAt,
        source: 'confirmed',
        deliveryKey: event.deliveryKey,
      });
      logger.info(
        { paymentId, status: view.status.code, applied: recorded.applied, reason: recorded.reason },
        recorded.applied
          ? 'payment status confirmed with ConnectPay'
          : 'confirmed status does not replace the stored one',
      );
    },
  };
}
