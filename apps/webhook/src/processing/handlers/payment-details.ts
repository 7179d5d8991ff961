import {
  decideStatus,
  isPaymentStatusCode,
  type ObservedStatus,
  type PaymentDetailsView,
  type PaymentStatusCode,
  type StatusDecision,
} from '@connectpay-kit/hosts';
import type { ResourceState, ResourceStateStore } from '@connectpay-kit/storage';
import { z } from 'zod';
import type { WebhookMetrics } from '../../observability/metrics.js';

/** resource_states rows of this type are the receiver's "payments table". */
export const PAYMENT_RESOURCE = 'payment';

/** What the payments table keeps per payment: no consumer data, only what reconciliation needs. */
export interface PaymentRecord {
  readonly paymentId: string;
  /** A published `status.code` (packages/hosts PAYMENT_STATUS_CODES), or a legacy event's status text. */
  readonly status: string;
  readonly isTerminal?: boolean;
  readonly amount: string | undefined;
  readonly currency: string | undefined;
  readonly merchantReference: string | undefined;
  /** `webhook`: an authenticated subscribed event; `confirmed`: fetched from ConnectPay after a hint. */
  readonly source: 'webhook' | 'confirmed';
  readonly deliveryKey: string;
  /** When this status was seen: the event's time, or when ConnectPay answered the confirmation (ISO 8601). */
  readonly observedAt?: string;
}

/** Concurrent writers of one payment retry their decision this often before the event is retried later. */
const MAX_WRITE_ATTEMPTS = 5;

export interface RecordedStatus extends StatusDecision {
  /** Whether the row now holds this status (false for a repeat, an older or a stale one). */
  readonly applied: boolean;
}

/**
 * Writes a payment's published status when the transition function (packages/hosts `decideStatus`)
 * says it follows the stored one, so duplicated and out-of-order deliveries end on the provider's
 * current status whatever order they came in.
 *
 * The decision and the write are one compare-and-set on `applyIfNewer`: the row's timestamp is used
 * as a version (the first observation's time, then one millisecond more per applied change), so a
 * writer whose read went stale meanwhile is refused and decides again against what the other wrote.
 */
export async function recordPaymentStatus(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
  input: {
    readonly paymentId: string;
    readonly view: PaymentDetailsView;
    readonly observedAt: Date;
    readonly source: PaymentRecord['source'];
    readonly deliveryKey: string;
  },
): Promise<RecordedStatus> {
  const { details, status } = input.view;
  const record: PaymentRecord = {
    paymentId: input.paymentId,
    status: status.code,
    isTerminal: status.isTerminal,
    amount: details.payment?.instructedAmount?.amount,
    currency: details.payment?.instructedAmount?.currency,
    merchantReference: details.identifiers?.merchantReference,
    source: input.source,
    deliveryKey: input.deliveryKey,
    observedAt: input.observedAt.toISOString(),
  };
  const incoming: ObservedStatus = { code: status.code, observedAt: input.observedAt };
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const stored = await resources.get(PAYMENT_RESOURCE, input.paymentId);
    const decision = decideStatus(storedStatus(stored), incoming);
    if (!decision.apply) {
      metrics.resourceUpdates.inc({ resource_type: PAYMENT_RESOURCE, result: 'stale' });
      return { ...decision, applied: false };
    }
    const applied = await resources.applyIfNewer({
      resourceType: PAYMENT_RESOURCE,
      resourceId: input.paymentId,
      status: status.code,
      timestamp: stored ? new Date(stored.timestamp.getTime() + 1) : input.observedAt,
      data: record,
    });
    if (applied) {
      metrics.resourceUpdates.inc({ resource_type: PAYMENT_RESOURCE, result: 'applied' });
      return { ...decision, applied: true };
    }
  }
  throw new Error(
    `payment ${input.paymentId}: ${MAX_WRITE_ATTEMPTS} concurrent writers in a row changed its status while this one decided; the event is retried.`,
  );
}

const StoredRecordSchema = z.looseObject({ status: z.string(), observedAt: z.iso.datetime() });

/** The stored status as the transition function reads it; a row it cannot read (a legacy status) counts as none. */
function storedStatus(stored: ResourceState | undefined): ObservedStatus | undefined {
  const parsed = StoredRecordSchema.safeParse(stored?.data);
  if (!parsed.success || !isPaymentStatusCode(parsed.data.status)) return undefined;
  return { code: parsed.data.status as PaymentStatusCode, observedAt: new Date(parsed.data.observedAt) };
}

/**
 * The sandbox's earlier `MerchantPayment.<Status>` events put a free-text status at `data.payment.status`
 * (the provider has not published its merchant event names or payload). Such a status is outside the
 * published codes, so it is ordered by its event time alone, as before.
 */
export async function recordLegacyPaymentStatus(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
  input: { readonly record: PaymentRecord; readonly timestamp: Date },
): Promise<boolean> {
  const applied = await resources.applyIfNewer({
    resourceType: PAYMENT_RESOURCE,
    resourceId: input.record.paymentId,
    status: input.record.status,
    timestamp: input.timestamp,
    data: input.record,
  });
  metrics.resourceUpdates.inc({ resource_type: PAYMENT_RESOURCE, result: applied ? 'applied' : 'stale' });
  return applied;
}
