/**
 * `transactionStatus` of an open-banking payment order (`GET /ob/payments/{paymentOrderNo}/status`,
 * docs:/home/payments-2/standard-payments/payment-status/). `final` statuses never change again.
 * `PDNG` is not final, and the provider says not to build retries on it: a payment order in PDNG is
 * being processed (manual AML checks can hold it for a while); initiating it again would pay twice.
 */
export const OB_TRANSACTION_STATUSES = {
  RCVD: { final: false, meaning: 'received, not yet processed' },
  PDNG: { final: false, meaning: 'pending: being processed; do not retry the payment on it' },
  ACSC: { final: true, meaning: 'completed' },
  RJCT: { final: true, meaning: 'rejected' },
} as const;

export type ObTransactionStatus = keyof typeof OB_TRANSACTION_STATUSES;

export function isObTransactionStatus(value: unknown): value is ObTransactionStatus {
  return typeof value === 'string' && Object.hasOwn(OB_TRANSACTION_STATUSES, value);
}

/** True for ACSC and RJCT; false for RCVD, PDNG and anything unknown (keep polling, never re-initiate). */
export function isFinalObTransactionStatus(value: unknown): boolean {
  return isObTransactionStatus(value) && OB_TRANSACTION_STATUSES[value].final;
}
