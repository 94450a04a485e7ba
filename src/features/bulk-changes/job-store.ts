/**
 * Bulk jobs in KVS, sized for thousands of items within Forge's limits: a small header
 * (`job:<id>`), the items in chunks of 500 (`job:<id>:items:<n>`), their outcomes in matching chunks
 * (`job:<id>:out:<n>`), a newest-first index (`jobs:<time>:<id>`), and the Forge queue jobs its first events
 * went out in (`job:<id>:pushed`, for the watchdog). A checkpoint writes the outcome
 * chunk and the header in one transaction, so progress and outcomes never disagree. The header is shared by
 * the job's slices, so a checkpoint is a read-modify-write under the job's record lock (store/record-lock.ts):
 * it re-reads the header and replaces only its own slice's tally, so a slice never overwrites another's. Every key of a job, here
 * and in the runner and watchdog, carries a TTL of the job retention period (default 90 days), renewed by
 * each write: nothing is kept for good.
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../store/kvs-retry';
import type { BulkOperation, ItemOutcome } from '../../contract';
import { redactDeep } from '../../store/redact';
import { withRecordLock } from '../../store/record-lock';
import { recentSettings, ttlDays } from '../../store/settings';

/** Every key of a job expires (KVS TTL) the retention period after its last write (store/settings.ts). */
export const jobTtl = async () => ({ ttl: ttlDays((await recentSettings()).jobRetentionDays) });

export const JOB_CHUNK = 500;
const MAX_TIME = 9_999_999_999_999;

export interface JobItem {
  /** accountId */
  a: string;
  /** groupId */
  g: string;
}

export interface JobOutcome {
  o: ItemOutcome;
  m?: string;
}

export interface JobHeader {
  jobId: string;
  operation: BulkOperation;
  createdAt: string;
  createdBy: string;
  total: number;
  /** Items before this index have a recorded outcome. */
  processed: number;
  counts: Record<ItemOutcome, number>;
  /** Display names known when the job was created (users and groups), for the audit log. */
  labels: Record<string, string>;
  /** Per slice (chunk) tallies, kept by the queue consumer; `processed` and `counts` are their sums. */
  slices?: Record<
    number,
    {
      done: number;
      already: number;
      failed: number;
      complete: boolean;
      gen?: number;
      /** The Forge queue job (`Queue.push`'s jobId) of the continuation event pushed for this slice. */
      q?: string;
    }
  >;
  /** Why the job stopped before the end (the administrator lost the rights it needs, or can no longer act). */
  stopped?: string;
  /** When a delivery last made progress (or the job was created): the watchdog's measure of a stuck job. */
  heartbeat?: string;
  /** When a slice last read the creator's rights and found them sufficient (epoch ms; bulk-runner.ts). */
  rightsAt?: number;
  /** What the job waits for, while a continuation is delayed: Jira's limit, and until when. */
  waiting?: { until: string; reason: string };
}

/** Sets `processed` and `counts` from the per-slice tallies. */
export function retally(header: JobHeader): void {
  const counts: Record<ItemOutcome, number> = { done: 0, already: 0, failed: 0 };
  let processed = 0;
  for (const s of Object.values(header.slices ?? {})) {
    counts.done += s.done;
    counts.already += s.already;
    counts.failed += s.failed;
    processed += s.done + s.already + s.failed;
  }
  header.counts = counts;
  header.processed = processed;
}

/**
 * The header as stored (`current`) with one slice's news from `mine`: that slice's tally, the heartbeat,
 * what the job waits for (the latest writer says it), and the first reason the job stopped. Every other
 * slice's tally stays as stored.
 */
export function withSlice(current: JobHeader, mine: JobHeader, chunk: number): JobHeader {
  const slice = mine.slices?.[chunk];
  const merged: JobHeader = { ...current, slices: { ...current.slices, ...(slice ? { [chunk]: slice } : {}) } };
  if (mine.heartbeat) merged.heartbeat = mine.heartbeat;
  if (mine.rightsAt !== undefined) merged.rightsAt = Math.max(current.rightsAt ?? 0, mine.rightsAt);
  const stopped = current.stopped ?? mine.stopped;
  if (stopped) merged.stopped = stopped;
  if (mine.waiting) merged.waiting = mine.waiting;
  else delete merged.waiting;
  retally(merged);
  return merged;
}

const headerKey = (id: string) => `job:${id}`;
const itemsKey = (id: string, chunk: number) => `job:${id}:items:${chunk}`;
const outKey = (id: string, chunk: number) => `job:${id}:out:${chunk}`;
const pushedKey = (id: string) => `job:${id}:pushed`;
const indexKey = (createdAt: string, id: string) =>
  `jobs:${String(MAX_TIME - Date.parse(createdAt)).padStart(13, '0')}:${id}`;

/**
 * A write made in the checkpoint's own transaction (the slice's in-flight record, the audit packs of the items
 * whose outcomes it saves), so they are stored with the outcomes or not at all. With the outcome chunk and the
 * header, at most 25 (KVS_TRANSACTION_LIMITS).
 */
export interface CheckpointWrite {
  key: string;
  value: unknown;
  ttl: { ttl: { value: number; unit: 'DAYS' } };
}

export interface JobStore {
  create(header: JobHeader, items: JobItem[]): Promise<void>;
  header(jobId: string): Promise<JobHeader | undefined>;
  items(jobId: string, chunk: number): Promise<JobItem[]>;
  outcomes(jobId: string, chunk: number): Promise<Array<JobOutcome | null>>;
  /**
   * Saves slice `chunk`'s outcomes and its tally in the header (merged into the header as stored, under the
   * job's record lock); answers the header as saved.
   */
  checkpoint(
    header: JobHeader,
    chunk: number,
    outcomes: Array<JobOutcome | null>,
    /** Called as the transaction is built, in the same tick as the outcomes are copied. */
    extra?: () => CheckpointWrite[],
  ): Promise<JobHeader>;
  recent(limit: number): Promise<string[]>;
  /** Forge queue jobs of the job's first events, per slice (written once, after the push). */
  pushed(jobId: string): Promise<Record<number, string> | undefined>;
  setPushed(jobId: string, byChunk: Record<number, string>): Promise<void>;
  /** Removes a job whose events could not be pushed (nothing of it ran): header, index, items. */
  remove(header: JobHeader): Promise<void>;
}

export const jobStore: JobStore = {
  async create(header, items) {
    const ttl = await jobTtl();
    for (let c = 0; c * JOB_CHUNK < items.length; c += 1) {
      await kvs.set(itemsKey(header.jobId, c), items.slice(c * JOB_CHUNK, (c + 1) * JOB_CHUNK), ttl);
    }
    await kvs.set(headerKey(header.jobId), redactDeep(header), ttl);
    await kvs.set(indexKey(header.createdAt, header.jobId), header.jobId, ttl);
  },
  header: (jobId) => kvs.get<JobHeader>(headerKey(jobId)),
  async items(jobId, chunk) {
    return (await kvs.get<JobItem[]>(itemsKey(jobId, chunk))) ?? [];
  },
  async outcomes(jobId, chunk) {
    return (await kvs.get<Array<JobOutcome | null>>(outKey(jobId, chunk))) ?? [];
  },
  async checkpoint(header, chunk, outcomes, extra = () => []) {
    // Jira's reasons and group names can hold emails: nothing persisted may.
    const ttl = await jobTtl();
    return withRecordLock(
      headerKey(header.jobId),
      async () => {
        // The store's client waits out KVS 429s (store/kvs-retry.ts).
        const current = await kvs.get<JobHeader>(headerKey(header.jobId));
        const merged = current ? withSlice(current, header, chunk) : header;
        // Built in one tick: the outcomes, the tally and the extra writes agree.
        let tx = kvs
          .transact()
          .set(outKey(header.jobId, chunk), redactDeep(outcomes), undefined, ttl)
          .set(headerKey(header.jobId), redactDeep(merged), undefined, ttl);
        for (const w of extra()) tx = tx.set(w.key, redactDeep(w.value), undefined, w.ttl);
        await tx.execute();
        return merged;
      },
      // The lock's default TTL (60 s): a holder that gives up on KVS (its release refused too) is redelivered
      // a minute later (run-bulk-slice.ts), when the lock has expired.
      { what: 'this bulk job' },
    );
  },
  pushed: (jobId) => kvs.get<Record<number, string>>(pushedKey(jobId)),
  // Written once, by the call that created the job, after its push (never read-modified-written).
  setPushed: async (jobId, byChunk) => kvs.set(pushedKey(jobId), byChunk, await jobTtl()),
  async remove(header) {
    // The header first: a job without one is "no such bulk change" to every reader and to the consumer.
    await kvs.delete(headerKey(header.jobId));
    await kvs.delete(indexKey(header.createdAt, header.jobId));
    for (let c = 0; c * JOB_CHUNK < header.total; c += 1) await kvs.delete(itemsKey(header.jobId, c));
  },
  async recent(limit) {
    const res = await kvs.query().where('key', WhereConditions.beginsWith('jobs:')).limit(limit).getMany<string>();
    return res.results.map((r) => r.value);
  },
};
