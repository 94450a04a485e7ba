/**
 * Bulk jobs: many users into one group, one user into many groups, many users out of a group, many
 * customers onto or off a service desk (what each does to an item is in `bulk-operations.ts`).
 * A job is created in KVS and enqueued on Forge's queue; the `bulk-jobs` consumer does the work
 * (`bulk-runner.ts`). Here: creating, reading, cancelling and retrying jobs. The page only reads status;
 * every read of a job also runs the watchdog on it (`job-watchdog.ts`).
 * Final states: done (every item has an outcome), cancelled, stopped (the creator can no longer act) and
 * failed (the watchdog ended it); in the last three, items without an outcome were not attempted (nothing
 * was sent for them) and "Retry the failures" offers them with the retryable failures.
 */
import { randomUUID } from 'node:crypto';
import { RateLimitError } from '@forge/events';
import type { BulkItemView, BulkJobView, CreateBulkJobPayload, ItemOutcome, JobStatus } from '../../contract';
import type { AuditStore } from '../audit/audit-store';
import { JOB_CHUNK, type JobHeader, type JobItem, type JobStore } from './job-store';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import type { BulkJira } from './bulk-operations';
import { isRetryable } from './bulk-outcomes';
import { enqueueJob, isCancelled, requestCancel, writersActive } from './bulk-runner';
import { finalOf, watchJob } from './job-watchdog';

export const MAX_JOB_ITEMS = 10_000;
/** How long a cancel waits for a batch already sent to Jira to be answered (a resolver has 25 s). */
export const CANCEL_WAIT_MS = 15_000;
const ENDED_EARLY: JobStatus[] = ['cancelled', 'stopped', 'failed'];

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
    heartbeat: (deps.now?.() ?? new Date()).toISOString(),
  };
  await deps.jobs.create(header, items);
  await enqueue(deps, header);
  return view(deps, header);
}

/**
 * Pushes the job's events; when Forge refuses the push (its 500 events a minute per installation) or it
 * fails, the job's records are removed again: nothing is left half-made, and the caller learns why.
 */
async function enqueue(deps: BulkDeps, header: JobHeader): Promise<void> {
  let pushed: Record<number, string>;
  try {
    pushed = await enqueueJob(header);
  } catch (err) {
    await deps.jobs.remove(header);
    if (err instanceof RateLimitError || (err as { name?: string }).name === 'RateLimitError')
      throw new AppFailure(
        'RATE_LIMITED',
        'Forge’s queue is taking no more work this minute (500 events a minute); nothing was started. Try again in a minute.',
      );
    throw err;
  }
  await deps.jobs.setPushed(header.jobId, pushed);
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
  const status = await statusOf(header);
  const ended = ENDED_EARLY.includes(status.status);
  return {
    jobId: header.jobId,
    operation: header.operation,
    status: status.status,
    ...(status.reason ? { stopReason: status.reason } : {}),
    ...(ended ? { notAttempted: header.total - header.processed } : {}),
    ...(status.status === 'running' && header.waiting && Date.parse(header.waiting.until) > Date.now()
      ? { waiting: `Waiting for ${header.waiting.reason}; resumes at ${header.waiting.until.slice(11, 16)} UTC.` }
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

/** Where a job stands, and why it ended early. */
async function statusOf(header: JobHeader): Promise<{ status: JobStatus; reason?: string }> {
  if (header.processed >= header.total) return { status: 'done' };
  if (header.stopped) return { status: 'stopped', reason: header.stopped };
  const [final, cancelled] = await Promise.all([finalOf(header.jobId), isCancelled(header.jobId)]);
  if (final) return { status: 'failed', reason: final.reason };
  if (!cancelled) return { status: 'running' };
  // Cancelled once no delivery holds a slice: every one still to come reads the flag before it writes.
  if ((await writersActive(header.jobId, header.total)).length > 0)
    return {
      status: 'cancelling',
      reason: 'Cancelling: waiting for changes already sent to Jira to be answered; nothing more will be sent.',
    };
  return {
    status: 'cancelled',
    reason: 'Cancelled: items without an outcome were not attempted and were not changed.',
  };
}

/** Runs the watchdog on a job, then reads it again if the watchdog acted (a status read never fails for it). */
async function watched(deps: BulkDeps, header: JobHeader): Promise<JobHeader> {
  const verdict = await watchJob(deps.jobs, header).catch(() => 'alive' as const);
  return verdict === 'alive' || verdict === 'final' ? header : ((await deps.jobs.header(header.jobId)) ?? header);
}

export async function getJob(deps: BulkDeps, jobId: string): Promise<BulkJobView> {
  return view(deps, await watched(deps, await mustHeader(deps, jobId)));
}

/**
 * Cancels a job exactly: the flag is set (KVS, strongly consistent), then the cancel waits until no delivery
 * holds a slice lease. Every delivery takes its lease before it reads the flag and reads it again before
 * each write batch, so once no lease is held no write can follow, and the counts answered are final. A
 * batch still being answered after CANCEL_WAIT_MS answers "cancelling" (the page polls until "cancelled").
 */
export async function cancelJob(deps: BulkDeps, jobId: string): Promise<BulkJobView> {
  const header = await mustHeader(deps, jobId);
  if (header.processed < header.total && !header.stopped && !(await finalOf(jobId))) {
    await requestCancel(jobId);
    const until = Date.now() + CANCEL_WAIT_MS;
    while ((await writersActive(jobId, header.total)).length > 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 200));
  }
  return view(deps, await mustHeader(deps, jobId));
}

/** Items of a job that ended early and have no outcome: never sent, so never changed. */
async function notAttempted(deps: BulkDeps, header: JobHeader): Promise<JobItem[]> {
  const out: JobItem[] = [];
  for (let c = 0; c * JOB_CHUNK < header.total; c += 1) {
    const [items, outs] = await Promise.all([deps.jobs.items(header.jobId, c), deps.jobs.outcomes(header.jobId, c)]);
    items.forEach((item, i) => {
      if (!outs[i]) out.push(item);
    });
  }
  return out;
}

/** A new job holding only the failed items of `jobId`. */
export async function retryFailures(deps: BulkDeps, jobId: string, actor: string): Promise<BulkJobView> {
  const header = await mustHeader(deps, jobId);
  const current = await view(deps, header, MAX_JOB_ITEMS);
  if (current.status === 'running' || current.status === 'cancelling')
    throw new AppFailure('CONFLICT', 'This bulk change is still running: retry its failures once it has ended.');
  const failed = current.failures.filter((f) => isRetryable(f.message)).map((f) => ({ a: f.accountId, g: f.targetId }));
  if (ENDED_EARLY.includes(current.status)) failed.push(...(await notAttempted(deps, header)));
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
    waiting: undefined,
    heartbeat: (deps.now?.() ?? new Date()).toISOString(),
  };
  await deps.jobs.create(retry, failed);
  await enqueue(deps, retry);
  return view(deps, retry);
}

export async function listJobs(deps: BulkDeps): Promise<BulkJobView[]> {
  const ids = await deps.jobs.recent(10);
  const headers = await Promise.all(ids.map((id) => deps.jobs.header(id)));
  return Promise.all(
    headers.filter((h): h is JobHeader => !!h).map(async (h) => view(deps, await watched(deps, h), 20)),
  );
}
