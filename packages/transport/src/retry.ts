import { ProviderHttpError, type TransportError, TransportTimeoutError } from './errors.js';

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
  if (error.code === 'TRANSPORT_CANCELLED') return false;
  if (error.code === 'TRANSPORT_CLIENT_CERT_REFUSED' || error.code === 'TRANSPORT_SERVER_CERT_UNTRUSTED') return false;
  if (!idempotent) return false;
  if (error instanceof ProviderHttpError) return RETRYABLE_STATUS.has(error.status);
  // A timeout of the call's whole budget leaves no time to retry in; a pool's connect timeout may.
  if (error instanceof TransportTimeoutError && error.budgetMs !== undefined) return false;
  return error.connectionLevel || error.code === 'TRANSPORT_TIMEOUT';
}

/**
 * The wait before the next attempt, or undefined when that attempt could not start before the call's
 * deadline: a retry is only worth starting with time left to connect and answer.
 */
export function retryDelayWithin(policy: RetryPolicy, attempt: number, remainingMs: number): number | undefined {
  const delay = backoffDelay(policy, attempt);
  return delay + MIN_ATTEMPT_MS <= remainingMs ? delay : undefined;
}

/** The least time left for a retry to be worth starting: a TLS connect and a short answer on a LAN. */
const MIN_ATTEMPT_MS = 50;

/** "Full jitter" backoff: spreads the retries of many callers instead of synchronising them. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(Math.random() * ceiling);
}
