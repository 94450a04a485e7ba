/**
 * The one request executor every Jira call goes through. An endpoint function passes a thunk that makes
 * the request itself, inline (`api.asUser().requestJira(route`...`, { ... })`, so the identity is chosen
 * at the call site and Forge's permission linter can see every path); the executor repeats it per the
 * retry policy, turns non-2xx into `JiraApiError`, and parses JSON. Pagination lives in `pagination.ts`.
 */
import type { APIResponse } from '@forge/api';
import { JiraApiError, JiraOutcomeUnknownError } from './errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay, type RetryPolicy } from './retry-policy';

export interface ExecuteOptions {
  /** Names the operation in errors (never includes query values such as emails). */
  operation: string;
  /**
   * Whether repeating the request is harmless and reports the same (GETs, and writes Jira answers alike when
   * repeated). Other writes are repeated only after a 429; a lost answer throws JiraOutcomeUnknownError.
   */
  idempotent: boolean;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Headers for a JSON request body. */
export const JSON_HEADERS = { Accept: 'application/json', 'Content-Type': 'application/json' } as const;
export const ACCEPT_JSON = { Accept: 'application/json' } as const;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function parseBody(response: APIResponse): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function execute<T>(send: () => Promise<APIResponse>, options: ExecuteOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt += 1) {
    let response: APIResponse;
    try {
      response = await send();
    } catch (err) {
      // A dropped connection: retry only what is safe to repeat. A write that is not may have been
      // applied: say so, so the caller can read Jira back instead of guessing.
      if (!options.idempotent) throw new JiraOutcomeUnknownError(options.operation, err);
      const delay = retryDelay(policy, attempt, 'network', undefined);
      if (delay === undefined) throw err;
      await sleep(delay);
      continue;
    }
    if (response.ok) return (await parseBody(response)) as T;
    const body = await parseBody(response);
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    // A 429 means Jira refused the request without applying it ("Retry-After indicates how many seconds the
    // app must wait before reissuing the request", developer.atlassian.com/cloud/jira/platform/rate-limiting/),
    // so even a non-idempotent write may be reissued.
    const delay =
      options.idempotent || response.status === 429
        ? retryDelay(policy, attempt, response.status, retryAfter)
        : undefined;
    if (delay === undefined) throw new JiraApiError(response.status, body, retryAfter, options.operation);
    await sleep(delay);
  }
}
