/**
 * The app's KVS client: `@forge/kvs`'s, with Forge's storage rate limits handled in one place. Per
 * installation KVS takes 1,000 requests a second and 4,000 read and 4,000 write units a minute (a unit per
 * started 10 KB of a request; developer.atlassian.com/platform/forge/limits-kvs-ce) and answers a request
 * over them with HTTP 429 `RATE_LIMIT_EXCEEDED` ("Any request that exceeds a quota or limit will return a
 * 429 status with an error code of RATE_LIMIT_EXCEEDED", storage-reference/handling-errors-kvs); the client
 * throws it as a `ForgeKvsAPIError` and does not retry (node_modules/@forge/kvs/out/utils/error-handling.js).
 *
 * Here every call is retried on that 429 with capped, jittered exponential back-off (a refused request
 * changed nothing, so a repeat is safe, create-only sets included) for as long as the invocation can
 * afford: at most RETRY_BUDGET_MS, and never past RETRY_RESERVE_MS before Forge ends the invocation. Past
 * that it throws `KvsRateLimited`: a queue consumer continues on a later delivery (the per-minute window has
 * then moved on: `KVS_RETRY_AFTER_SECONDS`), a resolver answers RATE_LIMITED. Items a batch set or delete
 * reports as failed for the rate limit are retried the same way, so no write is silently dropped.
 *
 * Use `kvs` from here wherever the app would use `@forge/kvs`'s (same methods, same types). Background work
 * asks `kvsWaitSeconds(err)` how long to wait on its queue. KVS_RETRY_TIME_SCALE (a Forge variable, 0 < s ≤ 1;
 * tests set 0.001) shrinks the back-off and the budget alike.
 */
import { getAppContext } from '@forge/api';
import { ForgeKvsAPIError, kvs as forgeKvs } from '@forge/kvs';

/** The longest one call keeps retrying (the per-minute window frees itself within 60 s of the last spend). */
export const RETRY_BUDGET_MS = 40_000;
/** Time kept in hand before the invocation's end (Forge's remaining time), so the caller can still checkpoint. */
export const RETRY_RESERVE_MS = 10_000;
/** How long a consumer should wait on the queue after `KvsRateLimited`: one whole window. */
export const KVS_RETRY_AFTER_SECONDS = 60;

/** KVS kept refusing a request for its rate limits past what this invocation could wait. Nothing was applied. */
export class KvsRateLimited extends Error {
  readonly retryAfterSeconds = KVS_RETRY_AFTER_SECONDS;
  constructor(readonly operation: string) {
    super(`Forge storage is rate limiting this installation (${operation}); nothing was stored.`);
    this.name = 'KvsRateLimited';
  }
}

/** Whether `err` is KVS's rate-limit answer (HTTP 429). */
export function isKvsRateLimited(err: unknown): boolean {
  return err instanceof ForgeKvsAPIError && err.responseDetails.status === 429;
}

/**
 * How long background work should wait on its queue after `err` when `err` is KVS's rate limit (given up on
 * after the retries, or a 429 from the plain client), else undefined.
 */
export function kvsWaitSeconds(err: unknown): number | undefined {
  if (err instanceof KvsRateLimited) return err.retryAfterSeconds;
  return isKvsRateLimited(err) ? KVS_RETRY_AFTER_SECONDS : undefined;
}

function timeScale(): number {
  const v = Number(process.env.KVS_RETRY_TIME_SCALE);
  return process.env.KVS_RETRY_TIME_SCALE !== undefined && v > 0 && v <= 1 ? v : 1;
}

/** Whether `err` means "wait and continue later" for KVS: its 429, given up on after the retries. */
export function isKvsBusy(err: unknown): err is KvsRateLimited {
  return err instanceof KvsRateLimited;
}

export interface RetryOptions {
  /** The longest this call may wait in all (default: RETRY_BUDGET_MS, less near the invocation's end). */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

let defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tests may shorten the back-off (never a test's timing assertion: it only makes retries quicker). */
export function setKvsRetrySleep(sleep: (ms: number) => Promise<void>): () => void {
  const before = defaultSleep;
  defaultSleep = sleep;
  return () => {
    defaultSleep = before;
  };
}

/** The budget: Forge variable `KVS_RETRY_BUDGET_MS` (tests set 0 to see the continuation), else RETRY_BUDGET_MS. */
function configuredBudget(): number {
  const v = Number(process.env.KVS_RETRY_BUDGET_MS);
  return process.env.KVS_RETRY_BUDGET_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : RETRY_BUDGET_MS;
}

function budget(options: RetryOptions | undefined): number {
  if (options?.budgetMs !== undefined) return options.budgetMs;
  let remaining = Number.POSITIVE_INFINITY;
  try {
    remaining = getAppContext().invocationRemainingTimeInMillis();
  } catch {
    // Outside an invocation (scripts): the default budget.
  }
  return Math.max(0, Math.min(configuredBudget() * timeScale(), remaining - RETRY_RESERVE_MS));
}

/** Runs `call`, repeating it while KVS answers 429 and the budget allows; then throws KvsRateLimited. */
export async function withKvsRetry<T>(operation: string, call: () => Promise<T>, options?: RetryOptions): Promise<T> {
  const deadline = Date.now() + budget(options);
  const sleep = options?.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      if (!isKvsRateLimited(err) && !(err instanceof ItemsRateLimited)) throw err;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new KvsRateLimited(operation);
    // 250 ms, 500 ms, 1 s … 8 s at most a wait, with full jitter on the upper half.
    const cap = Math.min(8_000, 250 * 2 ** Math.min(attempt, 5)) * timeScale();
    await sleep(Math.min(left, Math.ceil(cap / 2 + Math.random() * (cap / 2))));
  }
}

/** Some items of a batch were refused for the rate limit (the rest applied). */
class ItemsRateLimited extends Error {}

type BatchResult = Awaited<ReturnType<typeof forgeKvs.batchSet>>;

/**
 * A batch set or delete, repeating the items the answer lists as failed for the rate limit (Forge "will
 * successfully complete as many as possible" and reports the rest, storage-reference/batchops). Items failed
 * for any other reason are returned as failed, as the client returns them.
 */
async function batchWithRetry<I extends { key: string }>(
  operation: string,
  items: I[],
  send: (items: I[]) => Promise<BatchResult>,
): Promise<BatchResult> {
  const succeeded: BatchResult['successfulKeys'] = [];
  const failed: BatchResult['failedKeys'] = [];
  let pending = items;
  return withKvsRetry(operation, async () => {
    const res = await send(pending);
    succeeded.push(...res.successfulKeys);
    const limited = new Set(res.failedKeys.filter((f) => f.error.code === 'RATE_LIMIT_EXCEEDED').map((f) => f.key));
    failed.push(...res.failedKeys.filter((f) => !limited.has(f.key)));
    if (limited.size > 0) {
      pending = pending.filter((i) => limited.has(i.key));
      // The retry loop waits and sends only these again.
      throw new ItemsRateLimited();
    }
    return { successfulKeys: succeeded, failedKeys: failed };
  });
}

const CHAINED = new Set(['where', 'cursor', 'limit', 'set', 'delete', 'check', 'index', 'filters', 'sort']);

/** A query or transaction builder whose terminal calls (getMany, getOne, execute) are retried. */
function retryingBuilder<B extends object>(builder: B, operation: string): B {
  const proxy: B = new Proxy(builder, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && CHAINED.has(prop))
        return (...args: unknown[]) => {
          fn.apply(target, args);
          return proxy;
        };
      return (...args: unknown[]) =>
        withKvsRetry(`${operation}.${String(prop)}`, () => fn.apply(target, args) as Promise<unknown>);
    },
  });
  return proxy;
}

/** `@forge/kvs`'s `kvs`, with every call retried on KVS's rate-limit answer (see the docblock). */
export const kvs: typeof forgeKvs = new Proxy(forgeKvs, {
  get(target, prop, receiver) {
    const value = Reflect.get(target, prop, receiver) as unknown;
    if (typeof value !== 'function') return value;
    const fn = value as (...args: unknown[]) => unknown;
    const name = String(prop);
    if (name === 'query' || name === 'transact')
      return (...args: unknown[]) => retryingBuilder(fn.apply(target, args) as object, `kvs.${name}`);
    if (name === 'entity') return (...args: unknown[]) => fn.apply(target, args);
    if (name === 'batchSet' || name === 'batchDelete')
      return (items: Array<{ key: string }>) =>
        batchWithRetry(`kvs.${name}`, items, (some) => fn.call(target, some) as Promise<BatchResult>);
    return (...args: unknown[]) => withKvsRetry(`kvs.${name}`, () => fn.apply(target, args) as Promise<unknown>);
  },
});
