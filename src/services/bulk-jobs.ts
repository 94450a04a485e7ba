/**
 * Bulk jobs: many users into one group, one user into many groups, many users out of a group, many
 * customers onto or off a service desk (what each does to an item is in `bulk-operations.ts`).
 * A job is created in KVS, then advanced by `runSlice` calls, each of which works until its time budget
 * is spent (well inside Forge's 25 s) with bounded concurrency, and checkpoints every batch. An item
 * whose outcome was not checkpointed (a lost invocation) is simply applied again: Jira answers "already a
 * member", so nothing is applied twice, and its audit entry has a stable key, so it is audited once.
 */
import { randomUUID } from 'node:crypto';
import type { BulkItemView, BulkJobView, CreateBulkJobPayload, ItemOutcome } from '../contract';
import type { AuditStore } from '../store/audit-store';
import { JOB_CHUNK, type JobHeader, type JobItem, type JobStore } from '../store/job-store';
import { AppFailure, invalidInput } from './app-error';
import { BULK_OPERATIONS, type BulkJira } from './bulk-operations';
import { isRetryable } from './bulk-outcomes';
import { RateLimitedFailure } from './membership';

export const MAX_JOB_ITEMS = 10_000;
export const BATCH = 25;
export const CONCURRENCY = 4;
/** Work stops when less than this remains of the invocation, leaving time to checkpoint and answer. */
export const SAFETY_MARGIN_MS = 8_000;

export interface BulkDeps {
  jira: BulkJira;
  jobs: JobStore;
  audit: AuditStore;
  now?: () => Date;
}

function emptyCounts(): Record<ItemOutcome, number> {
  return { done: 0, already: 0, failed: 0 };
}

export function expandItems(payload: CreateBulkJobPayload): JobItem[] {
  const users = [...new Set(payload.accountIds)];
  if (users.length === 0) throw invalidInput('Choose at least one user.');
  if (payload.operation === 'add-customers-to-desk' || payload.operation === 'remove-customers-from-desk') {
    if (!payload.deskId) throw invalidInput('Choose a service desk.');
    return users.map((a) => ({ a, g: payload.deskId as string }));
  }
  const groups = [...new Set(payload.groupIds ?? [])];
  if (payload.operation === 'add-user-to-groups') {
    if (users.length !== 1) throw invalidInput('Choose exactly one user to add to several groups.');
    if (groups.length === 0) throw invalidInput('Choose at least one group.');
    return groups.map((g) => ({ a: users[0] as string, g }));
  }
  if (groups.length !== 1) throw invalidInput('Choose exactly one group.');
  return users.map((a) => ({ a, g: groups[0] as string }));
}

export async function createJob(
  deps: BulkDeps,
  payload: CreateBulkJobPayload,
  actor: string,
  labels: Record<string, string>,
): Promise<BulkJobView> {
  const items = expandItems(payload);
  if (items.length > MAX_JOB_ITEMS) throw invalidInput(`A bulk change may hold at most ${MAX_JOB_ITEMS} items.`);
  const header: JobHeader = {
    jobId: randomUUID(),
    operation: payload.operation,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    createdBy: actor,
    total: items.length,
    processed: 0,
    counts: emptyCounts(),
    labels,
  };
  await deps.jobs.create(header, items);
  return view(deps, header);
}

async function mustHeader(deps: BulkDeps, jobId: string): Promise<JobHeader> {
  const header = await deps.jobs.header(jobId);
  if (!header) throw new AppFailure('NOT_FOUND', 'No such bulk change.');
  return header;
}

export async function view(deps: BulkDeps, header: JobHeader, maxFailures = 200): Promise<BulkJobView> {
  const failures: BulkItemView[] = [];
  if (header.counts.failed > 0) {
    for (let c = 0; c * JOB_CHUNK < header.processed && failures.length < maxFailures; c += 1) {
      const [items, outs] = await Promise.all([deps.jobs.items(header.jobId, c), deps.jobs.outcomes(header.jobId, c)]);
      outs.forEach((o, i) => {
        const item = items[i];
        if (o?.o === 'failed' && item && failures.length < maxFailures)
          failures.push({
            index: c * JOB_CHUNK + i,
            accountId: item.a,
            targetId: item.g,
            outcome: 'failed',
            message: o.m,
          });
      });
    }
  }
  return {
    jobId: header.jobId,
    operation: header.operation,
    status: header.processed >= header.total ? 'done' : 'running',
    total: header.total,
    processed: header.processed,
    counts: header.counts,
    createdAt: header.createdAt,
    createdBy: header.createdBy,
    failures,
  };
}

export async function getJob(deps: BulkDeps, jobId: string): Promise<BulkJobView> {
  return view(deps, await mustHeader(deps, jobId));
}

/**
 * Advances a job until `remainingMs()` drops under the safety margin, Jira keeps rate limiting, or the
 * job is done. Returns the job as checkpointed.
 */
export async function runSlice(
  deps: BulkDeps,
  jobId: string,
  actor: string,
  remainingMs: () => number,
): Promise<BulkJobView> {
  const header = await mustHeader(deps, jobId);
  const spec = BULK_OPERATIONS[header.operation];
  let throttled = false;
  const keepGoing = () => !throttled && remainingMs() > SAFETY_MARGIN_MS;
  while (header.processed < header.total && keepGoing()) {
    const chunk = Math.floor(header.processed / JOB_CHUNK);
    const [items, outcomes] = await Promise.all([deps.jobs.items(jobId, chunk), deps.jobs.outcomes(jobId, chunk)]);
    let cursor = header.processed - chunk * JOB_CHUNK;
    let sinceCheckpoint = 0;
    let saving: Promise<void> = Promise.resolve();
    const checkpoint = () => {
      // `processed` covers the leading run of items that have an outcome; later ones keep theirs too.
      let next = header.processed - chunk * JOB_CHUNK;
      while (next < items.length && outcomes[next]) next += 1;
      header.processed = chunk * JOB_CHUNK + next;
      const snapshot = Array.from({ length: Math.max(outcomes.length, next) }, (_, i) => outcomes[i] ?? null);
      const copy = { ...header, counts: { ...header.counts } };
      sinceCheckpoint = 0;
      saving = saving.then(() => deps.jobs.checkpoint(copy, chunk, snapshot));
      return saving;
    };
    /** The next up to `spec.batch` items without an outcome. */
    const take = (): number[] => {
      const taken: number[] = [];
      while (cursor < items.length && taken.length < spec.batch) {
        if (!outcomes[cursor]) taken.push(cursor);
        cursor += 1;
      }
      return taken;
    };
    // A pool of workers takes the next items until the chunk, the time or Jira's patience ends.
    const worker = async () => {
      while (keepGoing()) {
        const indices = take();
        if (indices.length === 0) return;
        const batch = indices.map((i) => items[i] as JobItem);
        let results;
        try {
          results = await spec.apply(deps.jira, batch);
        } catch (err) {
          if (err instanceof RateLimitedFailure) {
            throttled = true;
            return;
          }
          throw err;
        }
        for (const [k, i] of indices.entries()) {
          const item = batch[k] as JobItem;
          const result = results[k] as { outcome: ItemOutcome; message: string };
          const index = chunk * JOB_CHUNK + i;
          await deps.audit.record(
            {
              actor,
              action: spec.action,
              targetType: 'user',
              targetId: item.a,
              objectType: spec.objectType,
              objectId: item.g,
              objectLabel: header.labels[item.g],
              result: result.outcome,
              detail: result.message,
              jobId,
            },
            { at: new Date(header.createdAt), id: `${jobId}-${String(index).padStart(6, '0')}` },
          );
          outcomes[i] = { o: result.outcome, ...(result.outcome === 'failed' ? { m: result.message } : {}) };
          header.counts[result.outcome] += 1;
          sinceCheckpoint += 1;
        }
        if (sinceCheckpoint >= BATCH) await checkpoint();
      }
    };
    const before = header.processed;
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await checkpoint();
    if (header.processed === before) break;
  }
  return view(deps, header);
}

/** A new job holding only the failed items of `jobId`. */
export async function retryFailures(deps: BulkDeps, jobId: string, actor: string): Promise<BulkJobView> {
  const header = await mustHeader(deps, jobId);
  const failed = (await view(deps, header, MAX_JOB_ITEMS)).failures.filter((f) => isRetryable(f.message));
  if (failed.length === 0)
    throw invalidInput('None of this bulk change’s failures can succeed on a retry: see each one’s reason.');
  const retry: JobHeader = {
    ...header,
    jobId: randomUUID(),
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
    createdBy: actor,
    total: failed.length,
    processed: 0,
    counts: emptyCounts(),
  };
  await deps.jobs.create(
    retry,
    failed.map((f) => ({ a: f.accountId, g: f.targetId })),
  );
  return view(deps, retry);
}

export async function listJobs(deps: BulkDeps): Promise<BulkJobView[]> {
  const ids = await deps.jobs.recent(10);
  const headers = await Promise.all(ids.map((id) => deps.jobs.header(id)));
  return Promise.all(headers.filter((h): h is JobHeader => !!h).map((h) => view(deps, h, 20)));
}
