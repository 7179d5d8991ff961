import { ProviderHttpError, type TransportError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/**
 * Only idempotent calls are retried, and only after failures that say nothing about whether the
 * provider acted: the connection failed, or a gateway in front of it answered 502/503/504. A POST
 * that creates a payment is never retried blindly: a second attempt could pay twice.
 */
export function isRetryable(error: TransportError, idempotent: boolean): boolean {
  if (error.code === 'TRANSPORT_CLIENT_CERT_REFUSED' || error.code === 'TRANSPORT_SERVER_CERT_UNTRUSTED') return false;
  if (!idempotent) return false;
  if (error instanceof ProviderHttpError) return RETRYABLE_STATUS.has(error.status);
  return error.connectionLevel || error.code === 'TRANSPORT_TIMEOUT';
}

/** "Full jitter" backoff: spreads the retries of many callers instead of synchronising them. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(Math.random() * ceiling);
}
