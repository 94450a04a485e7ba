/**
 * The one request executor every Jira call goes through: sends a request with the identity the caller
 * chose (`asUser()` or `asApp()` from `@forge/api`), retries per the retry policy, turns non-2xx into
 * `JiraApiError`, and parses JSON. Pagination of both dialects lives in `pagination.ts`.
 */
import type { APIResponse, RequestInit, Route } from '@forge/api';
import { JiraApiError } from './errors';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay, type RetryPolicy } from './retry-policy';

export type JiraRequester = (path: Route, init?: RequestInit) => Promise<APIResponse>;

export interface ExecuteOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-GET requests are retried only when the caller says a repeat is harmless. */
  idempotent?: boolean;
  /** Names the operation in errors (never includes query values such as emails). */
  operation: string;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

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

export async function execute<T>(request: JiraRequester, path: Route, options: ExecuteOptions): Promise<T> {
  const method = options.method ?? 'GET';
  const retryable = method === 'GET' || method === 'PUT' || method === 'DELETE' || options.idempotent === true;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? defaultSleep;
  const init: RequestInit = {
    method,
    headers: { Accept: 'application/json', ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  };
  for (let attempt = 1; ; attempt += 1) {
    let response: APIResponse;
    try {
      response = await request(path, init);
    } catch (err) {
      // A dropped connection: retry only what is safe to repeat.
      const delay = retryable ? retryDelay(policy, attempt, 'network', undefined) : undefined;
      if (delay === undefined) throw err;
      await sleep(delay);
      continue;
    }
    if (response.ok) return (await parseBody(response)) as T;
    const body = await parseBody(response);
    const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
    const delay = retryable ? retryDelay(policy, attempt, response.status, retryAfter) : undefined;
    if (delay === undefined) throw new JiraApiError(response.status, body, retryAfter, options.operation);
    await sleep(delay);
  }
}
