/**
 * Merchant payment statuses as ConnectPay publishes them (`status.code` of Get Payment Details,
 * docs.connectpay.com/business-apis/accept-payments/payment-details-for-single-merchants).
 * `PartialyRefunded` is spelt as the provider spells it: the wire value, not a typo of ours.
 */
export const PAYMENT_STATUS_CODES = [
  'Initiated',
  'PendingMerchant',
  'InProgress',
  'Processing',
  'PendingProvider',
  'Approved',
  'Settled',
  'Failed',
  'Abandoned',
  'Refunded',
  'PendingRefund',
  'PartialyRefunded',
] as const;

export type PaymentStatusCode = (typeof PAYMENT_STATUS_CODES)[number];

export function isPaymentStatusCode(value: unknown): value is PaymentStatusCode {
  return typeof value === 'string' && (PAYMENT_STATUS_CODES as readonly string[]).includes(value);
}

/**
 * `status.isTerminal` as the sandbox reports it. The provider sends the flag itself; which codes carry
 * `true` is not listed, so this is a choice (packages/hosts README, "Choices"): the outcomes are
 * terminal, the in-flight steps and a refund in progress are not.
 */
export const TERMINAL_STATUS_CODES: readonly PaymentStatusCode[] = [
  'Approved',
  'Settled',
  'Failed',
  'Abandoned',
  'Refunded',
  'PartialyRefunded',
];

export function isTerminalStatus(code: PaymentStatusCode): boolean {
  return TERMINAL_STATUS_CODES.includes(code);
}

const OUTCOMES: readonly PaymentStatusCode[] = ['Approved', 'Settled', 'Failed', 'Abandoned'];
const REFUNDS: readonly PaymentStatusCode[] = ['PendingRefund', 'Refunded', 'PartialyRefunded'];
const IN_FLIGHT: readonly PaymentStatusCode[] = [
  'Initiated',
  'PendingMerchant',
  'InProgress',
  'Processing',
  'PendingProvider',
];

/**
 * The moves a payment can make. In flight it only moves forward (a step may be skipped: the merchant
 * sees the status when it looks, not every step) or to an outcome. After the outcome, the moves the
 * docs name or imply: `Settled` may come before `Approved` (SEPA Instant), so both orders are allowed;
 * refunds need `Approved` or `Settled` (docs.connectpay.com/business-apis/accept-payments/refunds);
 * a partial refund can be followed by another. "Some terminal statuses can still move to another
 * terminal one" was cut off in the published text: `Abandoned` -> an outcome (a bank that executes a
 * payment after the widget session expired) is our reading, listed in the README's choices.
 */
export const PAYMENT_STATUS_MOVES: Readonly<Record<PaymentStatusCode, readonly PaymentStatusCode[]>> = {
  Initiated: [...IN_FLIGHT.slice(1), ...OUTCOMES],
  PendingMerchant: [...IN_FLIGHT.slice(2), ...OUTCOMES],
  InProgress: [...IN_FLIGHT.slice(3), ...OUTCOMES],
  Processing: [...IN_FLIGHT.slice(4), ...OUTCOMES],
  PendingProvider: OUTCOMES,
  Approved: ['Settled', ...REFUNDS],
  Settled: ['Approved', ...REFUNDS],
  Failed: [],
  Abandoned: ['Approved', 'Settled', 'Failed'],
  PendingRefund: ['Refunded', 'PartialyRefunded'],
  PartialyRefunded: ['PendingRefund', 'Refunded'],
  Refunded: [],
};

/** Whether a payment can make this move directly (one step of PAYMENT_STATUS_MOVES). */
export function canMove(from: PaymentStatusCode, to: PaymentStatusCode): boolean {
  return PAYMENT_STATUS_MOVES[from].includes(to);
}

// Which statuses can follow each one after any number of moves: an observer does not see every step
// (PendingRefund may be the first status it sees after Processing), so reachability is what counts.
const REACHABLE: ReadonlyMap<PaymentStatusCode, ReadonlySet<PaymentStatusCode>> = new Map(
  PAYMENT_STATUS_CODES.map((start) => {
    const seen = new Set<PaymentStatusCode>();
    const queue = [...PAYMENT_STATUS_MOVES[start]];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...PAYMENT_STATUS_MOVES[next]);
    }
    return [start, seen];
  }),
);

/** Whether `to` can come after `from`, directly or through statuses nobody reported. */
export function canFollow(from: PaymentStatusCode, to: PaymentStatusCode): boolean {
  return REACHABLE.get(from)?.has(to) ?? false;
}

/** A status as an observer saw it: the code and when it was seen (event time, or the time it was fetched). */
export interface ObservedStatus {
  readonly code: PaymentStatusCode;
  readonly observedAt: Date;
}

export type StatusDecisionReason =
  /** Nothing stored yet. */
  | 'first'
  /** A move only forward: order of arrival cannot matter. */
  | 'forward'
  /** Statuses that can follow each other either way (Approved <-> Settled, PendingRefund <-> PartialyRefunded): the later observation wins. */
  | 'newer'
  | 'repeat'
  /** One of such a pair, observed before the stored one: an out-of-order delivery. */
  | 'older'
  /** Cannot follow the stored status (e.g. Approved -> Processing): a late delivery of an earlier one. */
  | 'stale';

export interface StatusDecision {
  readonly apply: boolean;
  readonly reason: StatusDecisionReason;
}

/**
 * The one transition function: whether `incoming` replaces `stored`. Deliveries arrive duplicated and
 * out of order, so a status is applied only when it can follow the stored one; where two statuses can
 * follow each other either way, the later observation wins. Once every delivery has arrived, the
 * stored status is the provider's current one, in whatever order and repetition they came.
 */
export function decideStatus(stored: ObservedStatus | undefined, incoming: ObservedStatus): StatusDecision {
  if (stored === undefined) return { apply: true, reason: 'first' };
  if (stored.code === incoming.code) return { apply: false, reason: 'repeat' };
  if (!canFollow(stored.code, incoming.code)) return { apply: false, reason: 'stale' };
  if (!canFollow(incoming.code, stored.code)) return { apply: true, reason: 'forward' };
  return incoming.observedAt.getTime() > stored.observedAt.getTime()
    ? { apply: true, reason: 'newer' }
    : { apply: false, reason: 'older' };
}
