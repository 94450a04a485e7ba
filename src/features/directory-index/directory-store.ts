/**
 * KVS layout of the directory index (key-prefix design; see the README for why KVS and not Forge SQL or
 * custom entities). One generation is built at a time under `dir:g:<gen>:` and published by writing
 * `dir:current`; the previous generation is then deleted. No value holds an email: emails are present
 * only as keyed hashes (HMAC-SHA256 with the installation's secret, kept in Forge's secret storage).
 *
 *   dir:current                   the published manifest (generation, "as of", counts, list sizes)
 *   dir:crawl                     the crawl's checkpoint (phase, offsets, step, cost so far)
 *   dir:g:<gen>:raw:<n>           crawl output: one users page as compact rows (+ email hash)
 *   dir:g:<gen>:pm:<n>            crawl output: member ids of one product-granting group page run
 *   dir:g:<gen>:l:<list>:<n>      published lists (by product, type, status, functional), name order
 *   dir:g:<gen>:e:<bucket>        published email buckets: hash → account id
 *   dir:g:<gen>:i:<bucket>        published rows by account id (same bucketing as emails), with product groups
 *   dir:pb:<n>                    patches since the generation was built, 16 shared buckets (index-patches.ts)
 *   lock:dir:pb:<n>               a bucket's create-only write lock (src/store/record-lock.ts)
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../store/kvs-retry';
import { createHmac, randomBytes } from 'node:crypto';
import { isKeyConflict } from '../../store/kvs-conflict';
import { batchesOf, kvsUnits, type UnitPacer } from '../../store/kvs-pace';
import { withRecordLock } from '../../store/record-lock';
import { PATCH_BUCKETS, type PatchRecord } from './index-patches';

/** [accountId, displayName, type (a/p/c: atlassian/app/customer), active (1/0), product bitmask, functional (1/0)] */
export type IndexRow = [string, string, 'a' | 'p' | 'c', 0 | 1, number, 0 | 1];
/** A crawled row: an IndexRow without functional, plus the email hash ('' when Jira has no email). */
export type RawRow = [string, string, 'a' | 'p' | 'c', 0 | 1, string];

export interface IndexManifest {
  gen: number;
  asOf: string;
  products: Array<{ key: string; name: string }>;
  counts: {
    users: number;
    active: number;
    byType: { atlassian: number; app: number; customer: number };
    groups: number;
    serviceDesks: number;
  };
  /** Chunk count and row count of each list. */
  lists: Record<string, { chunks: number; size: number }>;
  buckets: number;
  /** Product-granting groups and the products each grants (the order of `IdEntry`'s group indexes). */
  groups?: Array<{ groupId: string; products: string[] }>;
  /** Whether `dir:g:<gen>:i:` (rows by account id) was written for this generation. */
  byId?: boolean;
  /** What this generation's crawl corrected against the previous one with its patches (absent on the first). */
  reconciled?: { corrected: number; added: number; removed: number; changed: number };
}

/** A row by account id: [name, type, active, product bitmask, functional, product-group indexes]. */
export type IdEntry = [string, 'a' | 'p' | 'c', 0 | 1, number, 0 | 1, number[]];

export interface CrawlState {
  gen: number;
  phase: 'users' | 'products' | 'finalize' | 'done';
  /** Incremented by every slice; a queued event for another step is a duplicate and is ignored. */
  step: number;
  reason: string;
  startedAt: string;
  finishedAt?: string;
  /** Set by every checkpoint: a running crawl checkpoints at least every 15 minutes (its longest queue delay). */
  updatedAt?: string;
  offset: number;
  chunk: number;
  /** Product-granting groups, in crawl order, with the products each grants (bit indexes). */
  groups: Array<{ groupId: string; bits: number }>;
  products: Array<{ key: string; name: string }>;
  groupIndex: number;
  usersSeen: number;
  requests: number;
  points: number;
  error?: string;
}

export type { PatchRecord };

/** Rows per published list chunk. */
export const LIST_CHUNK = 1000;

const CURRENT = 'dir:current';
const CRAWL = 'dir:crawl';
const PATCH = 'dir:pb:';
const SECRET = 'dir-email-hmac-key';
const BATCH = 25;

export const genPrefix = (gen: number) => `dir:g:${gen}:`;
export const rawKey = (gen: number, n: number) => `${genPrefix(gen)}raw:${n}`;
export const memberKey = (gen: number, n: number) => `${genPrefix(gen)}pm:${n}`;
export const listKey = (gen: number, list: string, n: number) => `${genPrefix(gen)}l:${list}:${n}`;
export const bucketKey = (gen: number, b: number) => `${genPrefix(gen)}e:${b}`;
export const idKey = (gen: number, b: number) => `${genPrefix(gen)}i:${b}`;
export const patchKey = (n: number) => `${PATCH}${n}`;

/**
 * Runs a read-modify-write of patch bucket `n` under its lock (src/store/record-lock.ts: a create-only KVS
 * key with a TTL, retried with jittered back-off; CONFLICT past 8 s). `update` gets the bucket and returns
 * it changed (or undefined to leave it as it is).
 */
async function updatePatchBucket(
  n: number,
  update: (bucket: Record<string, PatchRecord>) => Record<string, PatchRecord> | undefined,
): Promise<void> {
  await withRecordLock(
    patchKey(n),
    async () => {
      const bucket = (await kvs.get<Record<string, PatchRecord>>(patchKey(n))) ?? {};
      const next = update(bucket);
      if (next) await kvs.set(patchKey(n), next);
    },
    { what: 'the directory index' },
  );
}

/**
 * The per-installation HMAC key, created on first use in Forge's secret storage. Create-only
 * (`keyPolicy: 'FAIL_IF_EXISTS'`): when two containers' first uses meet, the second's write is refused and it
 * takes the key the first stored, so no hash is ever made with a key that is then overwritten (which would
 * leave index entries nobody can find).
 */
async function hmacKey(): Promise<string> {
  const existing = await kvs.getSecret<string>(SECRET);
  if (existing) return existing;
  const fresh = randomBytes(32).toString('hex');
  try {
    await kvs.setSecret(SECRET, fresh, { keyPolicy: 'FAIL_IF_EXISTS' });
  } catch (err) {
    if (!isKeyConflict(err)) throw err;
    const winner = await kvs.getSecret<string>(SECRET);
    if (winner) return winner;
    throw err;
  }
  return fresh;
}

export type EmailHasher = (email: string) => string;

/** Keyed hash of a lower-cased email: 80 bits of HMAC-SHA256, hex. */
export async function emailHasher(): Promise<EmailHasher> {
  const key = Buffer.from(await hmacKey(), 'hex');
  return (email) => createHmac('sha256', key).update(email.trim().toLowerCase(), 'utf8').digest('hex').slice(0, 20);
}

export function bucketOf(hash: string, buckets: number): number {
  return parseInt(hash.slice(0, 6), 16) % buckets;
}

async function deletePrefix(prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100).getMany();
    if (page.results.length === 0) return deleted;
    for (let i = 0; i < page.results.length; i += BATCH)
      await kvs.batchDelete(page.results.slice(i, i + BATCH).map((r) => ({ key: r.key })));
    deleted += page.results.length;
  }
}

export const directoryStore = {
  manifest: () => kvs.get<IndexManifest>(CURRENT),
  publish: (m: IndexManifest) => kvs.set(CURRENT, m),
  crawl: () => kvs.get<CrawlState>(CRAWL),
  /**
   * The crawl's checkpoint has one writer at a time without a lock (issue 19, item 5): its slices run one
   * at a time (the queue's concurrency key, crawl-queue.ts), a repeated delivery finds another step
   * checkpointed and writes nothing, and two deliveries of the finalize step re-read it before publishing
   * (crawlSlice). A start writes only when no crawl is running, and two starts at once write the same
   * generation and step, so one of their first events is a duplicate.
   */
  saveCrawl: (s: CrawlState) => kvs.set(CRAWL, { ...s, updatedAt: new Date().toISOString() }),
  get: <T>(key: string) => kvs.get<T>(key),
  set: <T>(key: string, value: T) => kvs.set(key, value),
  /**
   * Writes items in batch requests (≤ 25 items, ≤ 900 KB: kvs-pace.ts), each a request's units spent
   * through `pacer` first when given (a background flow's share of the per-minute write limit).
   */
  async setMany(items: Array<{ key: string; value: unknown }>, pacer?: UnitPacer): Promise<void> {
    for (const batch of batchesOf(items)) {
      await pacer?.spend(kvsUnits(batch.map((i) => i.value)));
      await kvs.batchSet(batch);
    }
  },
  /** Deletes these keys, 25 a request (a unit each: no value is read, unlike a prefix query). */
  async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH)
      await kvs.batchDelete(keys.slice(i, i + BATCH).map((key) => ({ key })));
  },
  async getMany<T>(keys: string[]): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    for (let i = 0; i < keys.length; i += BATCH) {
      const res = await kvs.batchGet<T>(keys.slice(i, i + BATCH).map((key) => ({ key })));
      for (const r of res.successfulKeys) out.set(r.key, r.value);
    }
    return out;
  },
  deleteGeneration: (gen: number) => deletePrefix(genPrefix(gen)),
  deletePrefix,
  /** Every patch, by account id: one batch read of the shared buckets. */
  async patches(): Promise<Map<string, PatchRecord>> {
    const keys = Array.from({ length: PATCH_BUCKETS }, (_, n) => patchKey(n));
    const res = await kvs.batchGet<Record<string, PatchRecord>>(keys.map((key) => ({ key })));
    const out = new Map<string, PatchRecord>();
    for (const r of res.successfulKeys) for (const [id, p] of Object.entries(r.value)) out.set(id, p);
    return out;
  },
  /** Approximate stored size of the patches (JSON characters), to ask for an early reconciliation. */
  async patchBytes(): Promise<number> {
    const keys = Array.from({ length: PATCH_BUCKETS }, (_, n) => patchKey(n));
    const res = await kvs.batchGet<Record<string, PatchRecord>>(keys.map((key) => ({ key })));
    return res.successfulKeys.reduce((n, r) => n + JSON.stringify(r.value).length, 0);
  },
  updatePatchBucket,
};

export type DirectoryStore = typeof directoryStore;
