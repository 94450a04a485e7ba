/**
 * The one request executor every Jira call goes through. An endpoint function passes a thunk that makes
 * the request itself, inline (`api.asUser().requestJira(route`...`, { ... })`, so the identity is chosen
 * at the call site and Forge's permission linter can see every path); the executor repeats it per the
 * retry policy, turns non-2xx into `JiraApiError`, and parses JSON. Pagination lives in `pagination.ts`.
 * Every request is paced first (`pacer.ts`): it waits for its endpoint family's next slot, and a 429 is
 * retried only after its `Retry-After`; a wait longer than the invocation has left (minus a safety
 * margin) throws `JiraWaitRequired` instead of sleeping past Forge's limit.
 * Every answer teaches the points governor (governor.ts) the pool's state; a request made as background
 * work (background.ts) is sent only while the governor admits it, else it throws `JiraWaitRequired`
 * (`waitFor: 'reserve'`, nothing sent) for the consumer to wait on the queue. Interactive requests are
 * never held by the governor.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { getAppContext, type APIResponse } from '@forge/api';
import { forgeProxyRefused, JiraApiError, JiraOutcomeUnknownError, JiraWaitRequired } from '../errors';
import { backgroundPriority, currentInstallation, governor as sharedGovernor } from './background';
import type { Governor, Priority } from './governor';
import { sharedPacer, type Pacer } from './pacer';
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
  /** Paces the request (default: the process-wide pacer). */
  pacer?: Pacer;
  /** The rate-limit family (one method on one endpoint); defaults to the operation name. */
  family?: string;
  /** How long this request may still sleep in all (default: the invocation's remaining time − margin). */
  maxWaitMs?: () => number;
  /** The points governor (default: the app's, with its KVS record). */
  governor?: Governor;
  /** Background work held by the governor's reserve, and how urgent (default: the invocation's lane). */
  background?: Priority | false;
  /**
   * The points the request will cost at most (1 + 2 per user or group it may return, Atlassian's published
   * price), so the governor admits it only when it fits above its line (governor.ts, MAX_COST_SHARE).
   */
  expectedPoints?: number;
  /**
   * Jira's published burst limit for this method and endpoint, requests a second (Atlassian's "Rate limiting"
   * page for Jira Cloud: GET and POST 100/s, PUT and DELETE 50/s per site and endpoint, with exceptions): the
   * pacer keeps to it from the first request instead of learning it from a 429 (pacer.ts).
   */
  burstPerSecond?: number;
}

/** A governor wait this short is slept inside the invocation (when it has the time) rather than requeued. */
export const SHORT_RESERVE_WAIT_MS = 10_000;

const requestHooks = new AsyncLocalStorage<() => Promise<void>>();

/**
 * Runs `fn` so that `hook` is awaited right before each request it makes leaves (after pacing, so after any
 * wait): a caller that must know which writes may have reached Jira (a bulk slice that can be killed at any
 * line) records the item there, and nothing it recorded was left unsent by a wait.
 */
export function beforeEachRequest<T>(hook: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  return requestHooks.run(hook, fn);
}

/** Time kept free at the end of an invocation: a wait that would eat into it is handed back instead. */
export const WAIT_SAFETY_MARGIN_MS = 5_000;

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

/** The installation a request is for (pacing is per installation, as Jira's limits are per tenant). */
const installationKey = currentInstallation;

/**
 * How long a request may wait: what the invocation has left minus the margin, or, outside an invocation
 * (scripts, unit tests), the policy's longest `Retry-After`.
 */
function invocationWaitBudget(policy: RetryPolicy): number {
  try {
    const remaining = getAppContext().invocationRemainingTimeInMillis();
    if (Number.isFinite(remaining)) return remaining - WAIT_SAFETY_MARGIN_MS;
  } catch {
    // not inside a Forge invocation
  }
  return policy.maxRetryAfterMs;
}

export async function execute<T>(send: () => Promise<APIResponse>, options: ExecuteOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  const pacer = options.pacer ?? sharedPacer;
  const family = options.family ?? options.operation;
  const installation = installationKey();
  const maxWait = options.maxWaitMs ?? (() => invocationWaitBudget(policy));
  const governor = options.governor ?? sharedGovernor;
  const background = options.background ?? backgroundPriority();
  for (let attempt = 1; ; attempt += 1) {
    // Background work: sent only while the governor admits it. A wait the invocation can afford (the line
    // moves on within seconds) is slept; a longer one (until the reset) goes back to the consumer.
    while (background) {
      const admission = await governor.admitBackground(installation, background, options.expectedPoints ?? 0);
      if (admission.admitted) break;
      if (admission.waitMs > Math.min(maxWait(), SHORT_RESERVE_WAIT_MS))
        throw new JiraWaitRequired(options.operation, admission.waitMs, 'reserve');
      await sleep(admission.waitMs);
    }
    // Throws JiraWaitRequired (nothing sent) when the slot or a Retry-After lies beyond what we may sleep.
    const wait = pacer.reserve(installation, family, options.operation, maxWait(), options.burstPerSecond);
    if (wait > 0) await sleep(wait);
    // A family with a published limit: none over it in any one second as sent (timers that fired late together).
    for (let w = 1; options.burstPerSecond !== undefined && w > 0;) {
      w = pacer.windowWait(installation, family, options.burstPerSecond);
      if (w > 0) await sleep(w);
    }
    let response: APIResponse;
    await requestHooks.getStore()?.();
    try {
      response = await send();
    } catch (err) {
      // Forge's proxy refused it (e.g. impersonating a deactivated user): nothing reached Jira.
      if (forgeProxyRefused(err)) throw err;
      // A dropped connection: retry only what is safe to repeat. A write that is not may have been
      // applied: say so, so the caller can read Jira back instead of guessing.
      if (!options.idempotent) throw new JiraOutcomeUnknownError(options.operation, err);
      const delay = retryDelay(policy, attempt, 'network', undefined);
      if (delay === undefined) throw err;
      await sleep(delay);
      continue;
    }
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    await governor.observe(installation, response.status, response.headers, retryAfter);
    pacer.observe(
      installation,
      family,
      response.status,
      response.headers,
      response.status === 429 ? (retryAfter ?? retryDelay(policy, attempt, 429, undefined)) : undefined,
    );
    if (response.ok) return (await parseBody(response)) as T;
    const body = await parseBody(response);
    // A 429 means Jira refused the request without applying it ("Retry-After indicates how many seconds the
    // app must wait before reissuing the request", developer.atlassian.com/cloud/jira/platform/rate-limiting/),
    // so even a non-idempotent write may be reissued. The pacer now holds its family (or the installation)
    // until then; the next reserve() sleeps that long or throws JiraWaitRequired.
    if (response.status === 429) {
      if (attempt > policy.maxRetries) throw new JiraApiError(429, body, retryAfter, options.operation);
      continue;
    }
    const delay = options.idempotent ? retryDelay(policy, attempt, response.status, retryAfter) : undefined;
    if (delay === undefined) throw new JiraApiError(response.status, body, retryAfter, options.operation);
    await sleep(delay);
  }
}
