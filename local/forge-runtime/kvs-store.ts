/**
 * An embedded Forge KVS: answers the HTTP API that `@forge/kvs` speaks (`/api/v1/get`, `set`, `delete`,
 * `query`, `batch/*`, `secret/*`, `transaction`), in memory for tests or persisted to a JSON file for
 * `npm start`. Enforces Forge's key, value, query-page, batch and transaction limits and its per-installation
 * rate limits, with the errors the real service answers (as `@forge/kvs`'s `checkResponseError` turns them
 * into a `ForgeKvsAPIError`: `code` from the body, `responseDetails.status` from the HTTP status;
 * node_modules/@forge/kvs/out/utils/error-handling.js):
 * - rate limits (per installation: 1,000 requests a second; 4,000 read and 4,000 write units a minute, one
 *   unit per started 10 KB of each request's payload — "Request sizes are rounded up to the nearest 10KB.
 *   Requests that are 10KB or smaller are counted as 1 request ... a request with a payload of 65KB will be
 *   rounded up to 70KB, resulting in a count of 7 requests", developer.atlassian.com/platform/forge/limits-kvs-ce;
 *   so a batch of 25 small items is one unit, as the batch reference promises: "Batch operation requests use
 *   rate limits more efficiently"): HTTP 429 with code `RATE_LIMIT_EXCEEDED`
 *   ("Any request that exceeds a quota or limit will return a 429 status with an error code of
 *   RATE_LIMIT_EXCEEDED", developer.atlassian.com/platform/forge/storage-reference/handling-errors-kvs; the
 *   storage quotas page calls it a TOO_MANY_REQUESTS error, the HTTP status' name);
 * - `set` with `keyPolicy: 'FAIL_IF_EXISTS'` on an existing key: HTTP 409 with code `KEY_CONFLICT` (see
 *   KVS_CONFLICT_CODE). Atlassian's
 *   reference documents the policy but not its error; the client passes whatever the service says, and the
 *   409 `KEY_CONFLICT` is what the service answers in published probes (leanzero.hashnode.dev, "Forge KVS
 *   locking: FAIL_IF_EXISTS vs TTL leases": twelve concurrent writes, one winner, eleven KEY_CONFLICT at 409);
 * - a key twice in one batch or one transaction, a transaction or a batch set over 25 operations or 4 MB: HTTP 400.
 * TTLs (`options.ttl`) are kept on `set`, batch items and transaction sets alike.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FORGE_LIMITS } from './limits';

interface Entry {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireAt?: number;
}

export interface KvsAnswer {
  status: number;
  body?: unknown;
}

class KvsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Forge's per-installation KVS rate limits (developer.atlassian.com/platform/forge/limits-kvs-procedure). */
export interface KvsRateLimits {
  requestsPerSecond: number;
  readUnitsPerMinute: number;
  writeUnitsPerMinute: number;
}

export const KVS_RATE_LIMITS: KvsRateLimits = {
  requestsPerSecond: 1000,
  readUnitsPerMinute: 4000,
  writeUnitsPerMinute: 4000,
};

/** One read or write unit per started 10 KB of a request's payload (at least one per request). */
export const KVS_UNIT_BYTES = 10 * 1024;

/** The code of the 409 a `FAIL_IF_EXISTS` set gets on an existing key (the service's; see the docblock). */
export const KVS_CONFLICT_CODE = 'KEY_CONFLICT';

/** A transaction: at most 25 operations and 4 MB. */
export const KVS_TRANSACTION_LIMITS = { operations: 25, bytes: 4 * 1024 * 1024 } as const;

type Ttl = { value: number; unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS' };
const TTL_MS: Record<Ttl['unit'], number> = {
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

export class KvsStore {
  private readonly data = new Map<string, Entry>();
  private readonly secrets = new Map<string, Entry>();
  /** Every operation, for tests that assert what was (not) written. */
  readonly operations: Array<{ path: string; keys: string[] }> = [];
  /** Latency added to every KVS call made through the runtime (tests and the bench set it; 0 by default). */
  latencyMs = 0;
  /** The rate limits enforced (Forge's by default); `undefined` switches them off. */
  rateLimits: KvsRateLimits | undefined = { ...KVS_RATE_LIMITS };
  /** Requests refused by a rate limit, for tests and benches. */
  rateLimited = 0;
  /** Called after each refusal (tests use it to let the window pass after a given number of refusals). */
  onRateLimited: ((what: string) => void) | undefined;
  /**
   * What the app has spent, limits on or off (benches read it per flow; `resetUsage()` starts a new count):
   * requests and units admitted, requests refused, and the most units in any 60 s.
   */
  usage: KvsUsage = emptyUsage();
  private readonly requestTimes = new SlidingWindow(1000);
  private readonly readUnits = new SlidingWindow(60_000);
  private readonly writeUnits = new SlidingWindow(60_000);
  /** The units counted into `usage` (its peaks are of this count only, not of what came before a reset). */
  private readonly usageRead = new SlidingWindow(60_000);
  private readonly usageWrite = new SlidingWindow(60_000);

  constructor(
    private readonly file?: string,
    /** The store's clock (TTLs and rate-limit windows); tests may replace it. */
    public now: () => number = Date.now,
  ) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        data: Array<[string, Entry]>;
        secrets: Array<[string, Entry]>;
      };
      for (const [k, v] of saved.data) this.data.set(k, v);
      for (const [k, v] of saved.secrets) this.secrets.set(k, v);
    }
  }

  /** All live keys (tests use this to check that nothing was written). */
  keys(): string[] {
    return [...this.data.keys()].filter((k) => this.live(this.data, k)).sort();
  }

  peek(key: string): unknown {
    return this.live(this.data, key) ? this.data.get(key)?.value : undefined;
  }

  clear(): void {
    this.resetRateLimits();
    this.data.clear();
    this.secrets.clear();
    this.persist();
  }

  /** Forgets the requests and units counted so far (the windows start empty). */
  resetRateLimits(): void {
    this.requestTimes.clear();
    this.readUnits.clear();
    this.writeUnits.clear();
  }

  /** Starts a new usage count (the rate-limit windows are left as they are). */
  resetUsage(): KvsUsage {
    const before = this.usage;
    this.usage = emptyUsage();
    this.usageRead.clear();
    this.usageWrite.clear();
    return before;
  }

  /** One KVS call as the app makes it: waits `latencyMs`, then answers. */
  async request(path: string, body: unknown): Promise<KvsAnswer> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return this.handle(path, body);
  }

  handle(path: string, body: unknown): KvsAnswer {
    try {
      this.admitRequest();
      const answer = this.route(path, (body ?? {}) as Record<string, unknown>);
      return answer;
    } catch (err) {
      if (err instanceof KvsError) return { status: err.status, body: { code: err.code, message: err.message } };
      throw err;
    }
  }

  private route(path: string, body: Record<string, unknown>): KvsAnswer {
    switch (path) {
      case '/api/v1/get':
        return this.get(this.data, body);
      case '/api/v1/secret/get':
        return this.get(this.secrets, body);
      case '/api/v1/set':
        return this.set(this.data, body);
      case '/api/v1/secret/set':
        return this.set(this.secrets, body);
      case '/api/v1/delete':
        return this.del(this.data, body);
      case '/api/v1/secret/delete':
        return this.del(this.secrets, body);
      case '/api/v1/query':
        return this.query(body);
      case '/api/v1/batch/get':
        return this.batchGet(body);
      case '/api/v1/batch/set':
        return this.batchSet(body);
      case '/api/v1/batch/delete':
        return this.batchDelete(body);
      case '/api/v1/transaction':
        return this.transaction(body);
      default:
        throw new KvsError(
          400,
          'UNSUPPORTED_OPERATION',
          `The local KVS does not support ${path} (custom entities are not emulated).`,
        );
    }
  }

  /** 1,000 requests a second per installation: a request over it is refused before it does anything. */
  private admitRequest(): void {
    this.usage.requests += 1;
    const limits = this.rateLimits;
    if (!limits) return;
    const t = this.now();
    if (this.requestTimes.sum(t) + 1 > limits.requestsPerSecond) this.refuse('requests a second');
    this.requestTimes.add(t, 1);
  }

  /**
   * Charges `units` read or write units to the last minute's budget, refusing the request (nothing applied)
   * when they do not fit. Called before a request changes anything.
   */
  private charge(kind: 'read' | 'write', units: number): void {
    const limits = this.rateLimits;
    const log = kind === 'read' ? this.readUnits : this.writeUnits;
    const t = this.now();
    const used = log.sum(t);
    if (limits && used + units > (kind === 'read' ? limits.readUnitsPerMinute : limits.writeUnitsPerMinute))
      this.refuse(`${kind} units a minute`);
    log.add(t, units);
    const mine = kind === 'read' ? this.usageRead : this.usageWrite;
    const peak = mine.sum(t) + units;
    mine.add(t, units);
    if (kind === 'read') {
      this.usage.readUnits += units;
      this.usage.peakReadUnitsPerMinute = Math.max(this.usage.peakReadUnitsPerMinute, peak);
    } else {
      this.usage.writeUnits += units;
      this.usage.peakWriteUnitsPerMinute = Math.max(this.usage.peakWriteUnitsPerMinute, peak);
    }
  }

  private refuse(what: string): never {
    this.rateLimited += 1;
    this.usage.refused += 1;
    this.onRateLimited?.(what);
    throw new KvsError(429, 'RATE_LIMIT_EXCEEDED', `Rate limit exceeded: too many ${what} for this installation.`);
  }

  /** Units of one request carrying these values: one per started 10 KB of them all, at least one. */
  private static units(values: unknown[]): number {
    const bytes = values.reduce<number>(
      (sum, v) => sum + (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v), 'utf8')),
      0,
    );
    return Math.max(1, Math.ceil(bytes / KVS_UNIT_BYTES));
  }

  private static noDuplicates(keys: unknown[], what: string): void {
    const seen = new Set<unknown>();
    for (const k of keys) {
      if (seen.has(k))
        throw new KvsError(400, 'DUPLICATE_KEYS', `The key '${String(k)}' appears more than once in one ${what}.`);
      seen.add(k);
    }
  }

  private expiry(t: number, ttl: Ttl | undefined): { expireAt?: number } {
    if (!ttl) return {};
    const unit = TTL_MS[ttl.unit];
    if (!Number.isFinite(ttl.value) || ttl.value <= 0 || unit === undefined)
      throw new KvsError(400, 'INVALID_TTL', 'ttl needs a positive value and a unit (SECONDS, MINUTES, HOURS, DAYS).');
    return { expireAt: t + ttl.value * unit };
  }

  private live(map: Map<string, Entry>, key: string): boolean {
    const e = map.get(key);
    if (!e) return false;
    if (e.expireAt !== undefined && e.expireAt <= this.now()) {
      map.delete(key);
      return false;
    }
    return true;
  }

  private checkKey(key: unknown): string {
    if (typeof key !== 'string' || key.length === 0)
      throw new KvsError(400, 'INVALID_KEY', 'The key must be a non-empty string.');
    if (key.length > FORGE_LIMITS.kvsKeyChars)
      throw new KvsError(400, 'KEY_TOO_LONG', `The key exceeds ${FORGE_LIMITS.kvsKeyChars} characters.`);
    if (!/^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/.test(key))
      throw new KvsError(400, 'INVALID_KEY', `The key '${key}' contains characters Forge storage does not allow.`);
    return key;
  }

  private checkValue(value: unknown): void {
    if (value === undefined) throw new KvsError(400, 'INVALID_VALUE', 'The value must be defined.');
    const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    if (bytes > FORGE_LIMITS.kvsValueBytes)
      throw new KvsError(
        413,
        'VALUE_TOO_LARGE',
        `The value is ${bytes} bytes; the limit is ${FORGE_LIMITS.kvsValueBytes}.`,
      );
  }

  private entryJson(key: string, e: Entry): Record<string, unknown> {
    return {
      key,
      value: e.value,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      ...(e.expireAt ? { expireTime: new Date(e.expireAt).toISOString() } : {}),
    };
  }

  private get(map: Map<string, Entry>, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body.key);
    this.operations.push({ path: 'get', keys: [key] });
    this.charge('read', KvsStore.units([this.live(map, key) ? map.get(key)?.value : undefined]));
    if (!this.live(map, key)) throw new KvsError(404, 'KEY_NOT_FOUND', `No value for key ${key}.`);
    return { status: 200, body: this.entryJson(key, map.get(key) as Entry) };
  }

  private set(map: Map<string, Entry>, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body.key);
    this.checkValue(body.value);
    const options = (body.options ?? {}) as { ttl?: Ttl; keyPolicy?: string; returnValue?: string };
    const previous = this.live(map, key) ? map.get(key) : undefined;
    const t = this.now();
    const expiry = this.expiry(t, options.ttl);
    this.charge('write', KvsStore.units([body.value]));
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && previous)
      throw new KvsError(409, KVS_CONFLICT_CODE, `The key ${key} already exists.`);
    const entry: Entry = { value: body.value, createdAt: previous?.createdAt ?? t, updatedAt: t, ...expiry };
    map.set(key, entry);
    this.operations.push({ path: 'set', keys: [key] });
    this.persist();
    if (options.returnValue === 'PREVIOUS')
      return { status: 200, body: previous ? this.entryJson(key, previous) : undefined };
    if (options.returnValue === 'LATEST') return { status: 200, body: this.entryJson(key, entry) };
    return { status: 204 };
  }

  private del(map: Map<string, Entry>, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body.key);
    this.charge('write', 1);
    map.delete(key);
    this.operations.push({ path: 'delete', keys: [key] });
    this.persist();
    return { status: 204 };
  }

  private query(body: Record<string, unknown>): KvsAnswer {
    const limit = (body.limit as number | undefined) ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > FORGE_LIMITS.kvsQueryMaxLimit) {
      throw new KvsError(400, 'INVALID_LIMIT', `limit must be between 1 and ${FORGE_LIMITS.kvsQueryMaxLimit}.`);
    }
    const where = (body.where ?? []) as Array<{ property: string; condition: string; values: unknown[] }>;
    const after = typeof body.after === 'string' ? Buffer.from(body.after, 'base64url').toString('utf8') : undefined;
    const keys = this.keys().filter((k) => where.every((w) => matchesWhere(k, w)));
    const start = after === undefined ? 0 : keys.findIndex((k) => k > after);
    const page = start < 0 ? [] : keys.slice(start, start + limit);
    const more = start >= 0 && start + limit < keys.length;
    const last = page[page.length - 1];
    this.charge('read', page.length === 0 ? 1 : KvsStore.units(page.map((k) => this.data.get(k)?.value)));
    return {
      status: 200,
      body: {
        data: page.map((k) => this.entryJson(k, this.data.get(k) as Entry)),
        ...(more && last ? { cursor: Buffer.from(last, 'utf8').toString('base64url') } : {}),
      },
    };
  }

  private batchItems(body: unknown): Array<Record<string, unknown>> {
    const items = (Array.isArray(body) ? body : []) as Array<Record<string, unknown>>;
    if (items.length > FORGE_LIMITS.kvsBatchMaxItems)
      throw new KvsError(400, 'BATCH_TOO_LARGE', `A batch may hold at most ${FORGE_LIMITS.kvsBatchMaxItems} items.`);
    for (const it of items) {
      if (it.entityName) throw new KvsError(400, 'UNSUPPORTED_OPERATION', 'Custom entities are not emulated.');
    }
    KvsStore.noDuplicates(
      items.map((i) => i.key),
      'batch',
    );
    return items;
  }

  private batchGet(body: unknown): KvsAnswer {
    const items = this.batchItems(body);
    for (const it of items) this.checkKey(it.key);
    this.charge(
      'read',
      KvsStore.units(
        items.map((i) => (this.live(this.data, i.key as string) ? this.data.get(i.key as string)?.value : undefined)),
      ),
    );
    const successfulKeys = items
      .filter((i) => this.live(this.data, this.checkKey(i.key)))
      .map((i) => this.entryJson(i.key as string, this.data.get(i.key as string) as Entry));
    const failedKeys = items
      .filter((i) => !this.live(this.data, i.key as string))
      .map((i) => ({ key: i.key, error: { code: 'KEY_NOT_FOUND', message: 'Key not found' } }));
    this.operations.push({ path: 'batch/get', keys: items.map((i) => i.key as string) });
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private batchSet(body: unknown): KvsAnswer {
    const items = this.batchItems(body);
    const bytes = Buffer.byteLength(JSON.stringify(items), 'utf8');
    if (bytes > KVS_TRANSACTION_LIMITS.bytes)
      throw new KvsError(400, 'BATCH_TOO_LARGE', `The batch is ${bytes} bytes; the limit is 4 MB.`);
    const t = this.now();
    const expiries = items.map((it) => {
      this.checkKey(it.key);
      this.checkValue(it.value);
      return this.expiry(t, (it.options as { ttl?: Ttl } | undefined)?.ttl);
    });
    this.charge('write', KvsStore.units(items.map((i) => i.value)));
    items.forEach((it, i) => {
      const key = it.key as string;
      const prev = this.live(this.data, key) ? this.data.get(key) : undefined;
      this.data.set(key, { value: it.value, createdAt: prev?.createdAt ?? t, updatedAt: t, ...expiries[i] });
    });
    this.operations.push({ path: 'batch/set', keys: items.map((i) => i.key as string) });
    this.persist();
    return { status: 200, body: { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] } };
  }

  private batchDelete(body: unknown): KvsAnswer {
    const items = this.batchItems(body);
    for (const it of items) this.checkKey(it.key);
    this.charge('write', 1);
    for (const it of items) this.data.delete(it.key as string);
    this.operations.push({ path: 'batch/delete', keys: items.map((i) => i.key as string) });
    this.persist();
    return { status: 200, body: { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] } };
  }

  /**
   * Transactions: all sets and deletes apply, or none (checks on custom entities are not emulated); at most
   * 25 operations and 4 MB, a key at most once, each set's TTL kept
   * (developer.atlassian.com/platform/forge/storage-reference/transactions).
   */
  private transaction(body: Record<string, unknown>): KvsAnswer {
    const sets = (body.set ?? []) as Array<Record<string, unknown>>;
    const deletes = (body.delete ?? []) as Array<Record<string, unknown>>;
    if (body.check || [...sets, ...deletes].some((x) => x.entityName))
      throw new KvsError(400, 'UNSUPPORTED_OPERATION', 'Custom entities are not emulated.');
    if (sets.length + deletes.length > KVS_TRANSACTION_LIMITS.operations)
      throw new KvsError(
        400,
        'TRANSACTION_TOO_LARGE',
        `A transaction may hold at most ${KVS_TRANSACTION_LIMITS.operations} operations.`,
      );
    const bytes = Buffer.byteLength(JSON.stringify(body), 'utf8');
    if (bytes > KVS_TRANSACTION_LIMITS.bytes)
      throw new KvsError(400, 'TRANSACTION_TOO_LARGE', `The transaction is ${bytes} bytes; the limit is 4 MB.`);
    KvsStore.noDuplicates(
      [...sets, ...deletes].map((x) => x.key),
      'transaction',
    );
    const t = this.now();
    const expiries = sets.map((s) => {
      this.checkKey(s.key);
      this.checkValue(s.value);
      return this.expiry(t, (s.options as { ttl?: Ttl } | undefined)?.ttl);
    });
    for (const d of deletes) this.checkKey(d.key);
    this.charge('write', KvsStore.units(sets.map((s) => s.value)));
    sets.forEach((s, i) => {
      const key = s.key as string;
      const prev = this.live(this.data, key) ? this.data.get(key) : undefined;
      this.data.set(key, { value: s.value, createdAt: prev?.createdAt ?? t, updatedAt: t, ...expiries[i] });
    });
    for (const d of deletes) this.data.delete(d.key as string);
    this.operations.push({ path: 'transaction', keys: [...sets, ...deletes].map((x) => x.key as string) });
    this.persist();
    return { status: 204 };
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ data: [...this.data], secrets: [...this.secrets] }));
    renameSync(tmp, this.file);
  }
}

export interface KvsUsage {
  requests: number;
  refused: number;
  readUnits: number;
  writeUnits: number;
  peakReadUnitsPerMinute: number;
  peakWriteUnitsPerMinute: number;
}

function emptyUsage(): KvsUsage {
  return {
    requests: 0,
    refused: 0,
    readUnits: 0,
    writeUnits: 0,
    peakReadUnitsPerMinute: 0,
    peakWriteUnitsPerMinute: 0,
  };
}

/** Amounts added over the last `spanMs`, with a running sum (no rescans, however busy the window). */
class SlidingWindow {
  private times: number[] = [];
  private amounts: number[] = [];
  private head = 0;
  private total = 0;

  constructor(private readonly spanMs: number) {}

  /** The sum of what was added in (t - span, t]. */
  sum(t: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= t - this.spanMs) {
      this.total -= this.amounts[this.head] as number;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.amounts = this.amounts.slice(this.head);
      this.head = 0;
    }
    return this.total;
  }

  add(t: number, amount: number): void {
    this.times.push(t);
    this.amounts.push(amount);
    this.total += amount;
  }

  clear(): void {
    this.times = [];
    this.amounts = [];
    this.head = 0;
    this.total = 0;
  }
}

function matchesWhere(key: string, w: { property: string; condition: string; values: unknown[] }): boolean {
  if (w.property !== 'key') return false;
  const [a, b] = w.values as [string, string | undefined];
  switch (w.condition) {
    case 'BEGINS_WITH':
      return key.startsWith(String(a));
    case 'BETWEEN':
      return key >= String(a) && key <= String(b);
    case 'GREATER_THAN':
      return key > String(a);
    case 'GREATER_THAN_EQUAL_TO':
      return key >= String(a);
    case 'LESS_THAN':
      return key < String(a);
    case 'LESS_THAN_EQUAL_TO':
      return key <= String(a);
    default:
      return false;
  }
}
