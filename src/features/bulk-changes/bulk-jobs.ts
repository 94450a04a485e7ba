/**
 * Bulk jobs: many users into one group, one user into many groups, many users out of a group, many
 * customers onto or off a service desk (what each does to an item is in `bulk-operations.ts`).
 * A job is created in KVS and enqueued on Forge's queue; the `bulk-jobs` consumer does the work
 * (`bulk-runner.ts`). Here: creating, reading, cancelling and retrying jobs. The page only reads status.
 */
import { randomUUID } from 'node:crypto';
import type { BulkItemView, BulkJobView, CreateBulkJobPayload, ItemOutcome } from '../../contract';
import type { AuditStore } from '../audit/audit-store';
import { JOB_CHUNK, type JobHeader, type JobItem, type JobStore } from './job-store';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import type { BulkJira } from './bulk-operations';
import { isRetryable } from './bulk-outcomes';
import { enqueueJob, isCancelled, requestCancel } from './bulk-runner';

export const MAX_JOB_ITEMS = 10_000;

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
  await enqueueJob(header);
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
    for (let c = 0; c * JOB_CHUNK < header.total && failures.length < maxFailures; c += 1) {
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
  const cancelled = header.processed < header.total && !header.stopped && (await isCancelled(header.jobId));
  return {
    jobId: header.jobId,
    operation: header.operation,
    status:
      header.processed >= header.total ? 'done' : header.stopped ? 'stopped' : cancelled ? 'cancelled' : 'running',
    ...(header.stopped
      ? { stopReason: header.stopped }
      : cancelled
        ? { stopReason: 'Cancelled: items without an outcome were not changed.' }
        : {}),
    total: header.total,
    processed: header.processed,
    counts: header.counts,
    createdAt: header.createdAt,
    createdBy: header.createdBy,
    failures,
    targetNames: Object.values(header.labels ?? {}),
  };
}

export async function getJob(deps: BulkDeps, jobId: string): Promise<BulkJobView> {
  return view(deps, await mustHeader(deps, jobId));
}

/** Cancels a job: no further item is sent (one in flight finishes and is recorded). */
export async function cancelJob(deps: BulkDeps, jobId: string): Promise<BulkJobView> {
  const header = await mustHeader(deps, jobId);
  if (header.processed < header.total) await requestCancel(jobId);
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
    slices: {},
    stopped: undefined,
  };
  await deps.jobs.create(
    retry,
    failed.map((f) => ({ a: f.accountId, g: f.targetId })),
  );
  await enqueueJob(retry);
  return view(deps, retry);
}

export async function listJobs(deps: BulkDeps): Promise<BulkJobView[]> {
  const ids = await deps.jobs.recent(10);
  const headers = await Promise.all(ids.map((id) => deps.jobs.header(id)));
  return Promise.all(headers.filter((h): h is JobHeader => !!h).map((h) => view(deps, h, 20)));
}
