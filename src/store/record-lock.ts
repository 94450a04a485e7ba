/**
 * Guards a read-modify-write of one shared KVS record across invocations. Forge runs every invocation in
 * its own container, so a lock in module memory guards nothing; and plain KVS keys offer no
 * compare-and-set (conditions exist only on custom entities: the @forge/kvs `transact().set(key, value,
 * entity?)` signature). What plain keys do offer is a create-only write: `kvs.set(key, value, { keyPolicy:
 * 'FAIL_IF_EXISTS', ttl })` (PolicySetOptions in @forge/kvs), refused when the key exists. So the lock is a
 * short create-only key `lock:<record>` with a TTL: whoever creates it holds the record until it deletes
 * the key (or the TTL ends it, if the holder was killed). Others retry with capped, jittered backoff and,
 * past their budget, get a CONFLICT error saying someone else is changing the record.
 *
 * The TTL (60 s by default) is longer than a UI resolver may run (Forge ends it at 25 s), so a live
 * holder never loses its lock to expiry; callers running longer (queue consumers, up to 900 s) pass a
 * longer TTL. Releasing deletes the key only if it still holds this holder's token.
 */
import { kvs } from './kvs-retry';
import { randomUUID } from 'node:crypto';
import { AppFailure } from '../invocation/app-error';
import { isKeyConflict } from './kvs-conflict';

export const LOCK_PREFIX = 'lock:';
/** Longer than a UI resolver's 25 s, so a lock never expires under a live resolver. */
export const DEFAULT_LOCK_TTL_SECONDS = 60;
/** How long a caller waits for a held lock before answering CONFLICT (well inside a resolver's 25 s). */
export const DEFAULT_LOCK_WAIT_MS = 8_000;

export interface LockOptions {
  ttlSeconds?: number;
  waitMs?: number;
  /** What the CONFLICT message calls the record ("this functional account"). */
  what?: string;
  /** Sleeps between attempts; tests may count or shorten them. */
  sleep?: (ms: number) => Promise<void>;
}

interface LockValue {
  token: string;
  at: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes the lock on `record` or answers undefined once `waitMs` has passed. */
async function acquire(record: string, opts: LockOptions): Promise<LockValue | undefined> {
  const ttl = { value: opts.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS, unit: 'SECONDS' as const };
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = Date.now() + (opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
  for (let attempt = 0; ; attempt += 1) {
    const mine: LockValue = { token: randomUUID(), at: new Date().toISOString() };
    try {
      await kvs.set(`${LOCK_PREFIX}${record}`, mine, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
      return mine;
    } catch (err) {
      if (!isKeyConflict(err)) throw err;
    }
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    // Capped exponential backoff with full jitter: 25 ms, 50, 100 … 800 ms at most a wait.
    const cap = Math.min(800, 25 * 2 ** Math.min(attempt, 5));
    await sleep(Math.min(left, Math.ceil(cap / 2 + Math.random() * (cap / 2))));
  }
}

async function release(record: string, lock: LockValue): Promise<void> {
  const key = `${LOCK_PREFIX}${record}`;
  const held = await kvs.get<LockValue>(key);
  if (held?.token === lock.token) await kvs.delete(key);
}

/**
 * Runs `fn` while holding the lock on `record` (a KVS key of the record, e.g. `fa:<accountId>`): `fn`
 * must read the record itself, inside, so what it writes is based on the latest version. Answers
 * CONFLICT when the lock stays held for longer than the wait budget.
 */
export async function withRecordLock<T>(record: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquire(record, opts);
  if (!lock)
    throw new AppFailure(
      'CONFLICT',
      `Someone else is changing ${opts.what ?? 'this record'} right now. Nothing was changed: try again in a moment.`,
    );
  try {
    return await fn();
  } finally {
    await release(record, lock).catch(() => undefined);
  }
}
