/**
 * An embedded Forge KVS: answers the HTTP API that `@forge/kvs` speaks (`/api/v1/get`, `set`, `delete`,
 * `query`, `batch/*`, `secret/*`, `transaction`), in memory for tests or persisted to a JSON file for
 * `npm start`. Enforces Forge's key, value, query-page and batch limits with Forge-shaped errors.
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

  constructor(
    private readonly file?: string,
    private readonly now: () => number = Date.now,
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
    this.data.clear();
    this.secrets.clear();
    this.persist();
  }

  /** One KVS call as the app makes it: waits `latencyMs`, then answers. */
  async request(path: string, body: unknown): Promise<KvsAnswer> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return this.handle(path, body);
  }

  handle(path: string, body: unknown): KvsAnswer {
    try {
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
    if (!this.live(map, key)) throw new KvsError(404, 'KEY_NOT_FOUND', `No value for key ${key}.`);
    return { status: 200, body: this.entryJson(key, map.get(key) as Entry) };
  }

  private set(map: Map<string, Entry>, body: Record<string, unknown>): KvsAnswer {
    const key = this.checkKey(body.key);
    this.checkValue(body.value);
    const options = (body.options ?? {}) as { ttl?: Ttl; keyPolicy?: string; returnValue?: string };
    const previous = this.live(map, key) ? map.get(key) : undefined;
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && previous)
      throw new KvsError(409, 'KEY_ALREADY_EXISTS', `Key ${key} already exists.`);
    const t = this.now();
    const entry: Entry = {
      value: body.value,
      createdAt: previous?.createdAt ?? t,
      updatedAt: t,
      ...(options.ttl ? { expireAt: t + options.ttl.value * TTL_MS[options.ttl.unit] } : {}),
    };
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
    return items;
  }

  private batchGet(body: unknown): KvsAnswer {
    const items = this.batchItems(body);
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
    for (const it of items) {
      this.checkKey(it.key);
      this.checkValue(it.value);
    }
    const t = this.now();
    for (const it of items) {
      const key = it.key as string;
      const prev = this.data.get(key);
      this.data.set(key, { value: it.value, createdAt: prev?.createdAt ?? t, updatedAt: t });
    }
    this.operations.push({ path: 'batch/set', keys: items.map((i) => i.key as string) });
    this.persist();
    return { status: 200, body: { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] } };
  }

  private batchDelete(body: unknown): KvsAnswer {
    const items = this.batchItems(body);
    for (const it of items) this.data.delete(this.checkKey(it.key));
    this.operations.push({ path: 'batch/delete', keys: items.map((i) => i.key as string) });
    this.persist();
    return { status: 200, body: { successfulKeys: items.map((i) => ({ key: i.key })), failedKeys: [] } };
  }

  /** Transactions: all sets and deletes apply, or none (checks on custom entities are not emulated). */
  private transaction(body: Record<string, unknown>): KvsAnswer {
    const sets = (body.set ?? []) as Array<Record<string, unknown>>;
    const deletes = (body.delete ?? []) as Array<Record<string, unknown>>;
    if (body.check || [...sets, ...deletes].some((x) => x.entityName))
      throw new KvsError(400, 'UNSUPPORTED_OPERATION', 'Custom entities are not emulated.');
    if (sets.length + deletes.length > FORGE_LIMITS.kvsBatchMaxItems)
      throw new KvsError(
        400,
        'TRANSACTION_TOO_LARGE',
        `A transaction may hold at most ${FORGE_LIMITS.kvsBatchMaxItems} operations.`,
      );
    for (const s of sets) {
      this.checkKey(s.key);
      this.checkValue(s.value);
    }
    for (const d of deletes) this.checkKey(d.key);
    const t = this.now();
    for (const s of sets) {
      const key = s.key as string;
      const prev = this.data.get(key);
      this.data.set(key, { value: s.value, createdAt: prev?.createdAt ?? t, updatedAt: t });
    }
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
