/**
 * When and how long to wait before retrying a Jira request (after sindresorhus/ky's retry timing):
 * only idempotent requests (or ones made idempotent), only on 408/429/5xx or a dropped connection;
 * `Retry-After` wins when present; otherwise capped exponential backoff with full jitter.
 */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest `Retry-After` the app waits inside one invocation; longer waits fail fast as RATE_LIMITED. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 10_000,
};

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(seconds * 1000, 0);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}

/** Delay before retry number `attempt` (1-based), or undefined when the request must not be retried. */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  status: number | 'network',
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  if (status !== 'network' && !RETRYABLE_STATUSES.has(status)) return undefined;
  if (retryAfterMs !== undefined) return retryAfterMs <= policy.maxRetryAfterMs ? retryAfterMs : undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}
