/**
 * Typed failure of a Jira REST call: every non-2xx answer becomes a `JiraApiError` carrying the status,
 * Jira's parsed error body (platform `ErrorCollection` or JSM `ErrorResponse`) and `Retry-After`.
 */
export class JiraApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfter: number | undefined,
    readonly operation: string,
  ) {
    super(`${operation} failed with ${status}: ${jiraMessage(body) || 'no message'}`);
    this.name = 'JiraApiError';
  }

  /** Jira's own words, for showing to an administrator. */
  get jiraMessage(): string {
    return jiraMessage(this.body);
  }
}

/** Extracts the human message from either error dialect. */
export function jiraMessage(body: unknown): string {
  if (!body || typeof body !== 'object') return typeof body === 'string' ? body : '';
  const b = body as { errorMessages?: unknown; errors?: unknown; errorMessage?: unknown; message?: unknown };
  const parts: string[] = [];
  if (Array.isArray(b.errorMessages))
    parts.push(...b.errorMessages.filter((m): m is string => typeof m === 'string' && !!m));
  if (b.errors && typeof b.errors === 'object')
    parts.push(...Object.values(b.errors as Record<string, unknown>).filter((m): m is string => typeof m === 'string'));
  if (typeof b.errorMessage === 'string') parts.push(b.errorMessage);
  if (typeof b.message === 'string') parts.push(b.message);
  return parts.join(' ');
}

/**
 * A write whose answer never arrived (the connection dropped): Jira may or may not have applied it. The
 * executor never repeats such a write blindly; the service reads Jira back to learn what happened
 * (services/read-back.ts).
 */
export class JiraOutcomeUnknownError extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      `${operation}: Jira's answer was lost (${(cause as { name?: string } | undefined)?.name ?? 'network error'}).`,
    );
    this.name = 'JiraOutcomeUnknownError';
  }
}

/**
 * Forge's proxy refused the request before it reached Jira (`ProxyRequestError`, name `PROXY_ERR`, raised by
 * @forge/api when the answer carries a `forge-proxy-error` header): for example offline impersonation of a
 * user who is deactivated or deleted (USER_IMPERSONATION_NOT_ALLOWED). Nothing was sent, so it is neither a
 * lost answer nor anything a retry changes.
 */
export function forgeProxyRefused(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'PROXY_ERR';
}

/** Whether a failed write may nevertheless have been applied: a lost answer, a timeout or a server error. */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof JiraOutcomeUnknownError) return true;
  return err instanceof JiraApiError && (err.status === 408 || err.status >= 500);
}

/**
 * Jira asks the app to wait (a 429's `Retry-After`, or the pacer's next slot) longer than this invocation
 * may still sleep. Nothing was sent. A 429 for every existing handler (resolvers answer RATE_LIMITED);
 * queue consumers turn it into `new InvocationError({ retryAfter: err.retryAfterSeconds })`.
 */
export class JiraWaitRequired extends JiraApiError {
  constructor(
    operation: string,
    waitMs: number,
    /**
     * Why: Jira's own Retry-After, the pacer spacing requests to the announced limit, or the points
     * governor keeping the pool's reserve for people (background work only; waits until the reset).
     */
    readonly waitFor: 'retry-after' | 'pacing' | 'reserve',
  ) {
    super(
      429,
      { errorMessages: [`Jira asks to wait ${Math.ceil(waitMs / 1000)} s before the next request.`] },
      waitMs,
      operation,
    );
    this.name = 'JiraWaitRequired';
  }

  /** Whole seconds to wait (at least 1), for `InvocationError({ retryAfter })` or `delayInSeconds`. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.retryAfter ?? 0) / 1000));
  }
}
