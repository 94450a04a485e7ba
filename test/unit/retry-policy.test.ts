import { DEFAULT_RETRY_POLICY, parseRetryAfter, retryDelay } from '../../src/jira/transport/retry-policy';
import { execute } from '../../src/jira/transport/executor';
import { JiraApiError } from '../../src/jira/errors';
import { collect, fromPagedDto, fromPageBean } from '../../src/jira/transport/pagination';
import { createLimiter } from '../../src/jira/transport/limiter';
import type { APIResponse } from '@forge/api';

function response(status: number, body: unknown = {}, headers: Record<string, string> = {}): APIResponse {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers }) as unknown as APIResponse;
}

describe('retry policy', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('retries only 408/429/5xx and network failures, Retry-After first, jittered backoff capped', () => {
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 400, undefined)).toBeUndefined();
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 403, undefined)).toBeUndefined();
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 429, 2000)).toBe(2000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 1, 429, 60_000)).toBeUndefined();
    expect(retryDelay(DEFAULT_RETRY_POLICY, 3, 503, undefined, () => 0.999)).toBeLessThan(1000);
    expect(retryDelay(DEFAULT_RETRY_POLICY, 5, 'network', undefined, () => 0.999)).toBeLessThanOrEqual(
      DEFAULT_RETRY_POLICY.maxDelayMs,
    );
    expect(retryDelay(DEFAULT_RETRY_POLICY, DEFAULT_RETRY_POLICY.maxRetries + 1, 503, undefined)).toBeUndefined();
  });
});

describe('execute', () => {
  const noSleep = async () => undefined;

  it('repeats an idempotent request through 429 and 503 and returns the parsed body', async () => {
    const answers = [response(429, {}, { 'Retry-After': '0' }), response(503), response(200, { ok: 1 })];
    const send = jest.fn(async () => answers.shift() as APIResponse);
    await expect(execute(send, { operation: 'test', idempotent: true, sleep: noSleep })).resolves.toEqual({ ok: 1 });
    expect(send).toHaveBeenCalledTimes(3);
  });

  it('never repeats a non-idempotent write, and reports Jira’s message', async () => {
    const send = jest.fn(async () => response(503, { errorMessages: ['busy'], errors: {} }));
    const err = await execute(send, { operation: 'Create thing', idempotent: false, sleep: noSleep }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JiraApiError);
    expect((err as JiraApiError).status).toBe(503);
    expect((err as JiraApiError).jiraMessage).toBe('busy');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('retries a dropped connection when the request is idempotent', async () => {
    let calls = 0;
    const send = async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed');
      return response(200, [1]);
    };
    await expect(execute(send, { operation: 'test', idempotent: true, sleep: noSleep })).resolves.toEqual([1]);
  });
});

describe('pagination', () => {
  it('walks startAt pages to the last one', async () => {
    const all = Array.from({ length: 23 }, (_, i) => i);
    const got = await collect(
      async (offset, size) =>
        fromPageBean({
          values: all.slice(offset, offset + size),
          startAt: offset,
          total: all.length,
          isLast: offset + size >= all.length,
        }),
      10,
    );
    expect(got).toEqual({ items: all, truncated: false, total: 23 });
  });

  it('walks JSM start/limit pages and says when it stopped early', async () => {
    const all = Array.from({ length: 23 }, (_, i) => i);
    const got = await collect(
      async (offset, size) =>
        fromPagedDto({ values: all.slice(offset, offset + size), isLastPage: offset + size >= all.length }),
      5,
      12,
    );
    expect(got.items).toEqual(all.slice(0, 12));
    expect(got.truncated).toBe(true);
  });
});

describe('limiter', () => {
  it('never runs more than the concurrency at once', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
