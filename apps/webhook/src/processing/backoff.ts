export interface RetryPolicy {
  /** Attempts in total; the last failure moves the event to the dead letters. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Exponential backoff with jitter for the attempt that just failed (1 = the first): base · 2^(n-1),
 * capped, then scaled into [50 %, 100 %] so events that failed together do not retry in lockstep.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * 2 ** Math.min(30, Math.max(0, failedAttempt - 1));
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (0.5 + random() * 0.5));
}
