/**
 * The bulk jobs' watchdog: every job reaches a final state whatever happens to its queue events (dropped
 * after Forge's retries, a consumer killed at a hand-over, a push lost). It runs on every status read of a
 * job and from the `watch-background-work` scheduled trigger (every five minutes: Forge's shortest
 * `scheduledTrigger` interval), so a job nobody looks at is finished too; a status read alone would leave
 * it, and a queue event can't watch itself (a dropped event is gone).
 *
 * A job is looked at closely only once it has made no progress (header `heartbeat`, or the end of a wait
 * Jira asked for) for longer than its lease: run-bulk-slice's 300 s limit plus a minute. Then it is alive
 * if Forge's queue still holds one of its events (`getStats().inProgress` of the queue jobs its events went
 * out in: waiting behind other bulk changes is not stuck) or a delivery holds a slice lease. Otherwise the
 * watchdog pushes each unfinished slice again at its current generation (a duplicate of a live event is
 * harmless: the runner's generations and leases make one of them work); after MAX_RESUMES rounds without
 * progress it ends the job as failed, with the reason in words, and its untried items are "not attempted"
 * and can be retried. Each round is claimed with a create-only key, so two watchdogs resume once.
 */
import { kvs } from '@forge/kvs';
import { isKeyConflict } from '../../store/kvs-conflict';
import { JOB_CHUNK, jobTtl, type JobHeader, type JobStore } from './job-store';
import { queueJobsInProgress, repushSlices, requestCancel, isCancelled, writersActive } from './bulk-runner';

/** run-bulk-slice's timeoutSeconds (manifest.yml) plus a minute. */
export const BULK_LEASE_MS = (300 + 60) * 1000;
/** Rounds of resuming a job that made no progress before it is ended. */
export const MAX_RESUMES = 3;

export interface JobFinal {
  status: 'failed';
  reason: string;
  at: string;
}

interface Watch {
  round: number;
  at: string;
  processed: number;
  /** Queue jobs of the events the watchdog pushed, per slice. */
  q: Record<number, string>;
}

const watchKey = (id: string) => `job:${id}:watch`;
const roundKey = (id: string, processed: number, round: number) => `job:${id}:watch:${processed}:${round}`;
const finalKey = (id: string) => `job:${id}:final`;

/** How long without progress counts as stuck; BULK_WATCHDOG_STALE_MS overrides it (tests). */
function staleMs(): number {
  const v = Number(process.env.BULK_WATCHDOG_STALE_MS);
  return process.env.BULK_WATCHDOG_STALE_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : BULK_LEASE_MS;
}

export function finalOf(jobId: string): Promise<JobFinal | undefined> {
  return kvs.get<JobFinal>(finalKey(jobId));
}

async function claim(key: string): Promise<boolean> {
  try {
    await kvs.set(key, true, { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: 7, unit: 'DAYS' } });
    return true;
  } catch (err) {
    if (isKeyConflict(err)) return false;
    throw err;
  }
}

export type WatchVerdict = 'final' | 'alive' | 'resumed' | 'ended';

/** Looks at one job: final, alive, resumed (its unfinished slices pushed again), or ended as failed. */
export async function watchJob(
  jobs: Pick<JobStore, 'pushed'>,
  header: JobHeader,
  now = Date.now(),
): Promise<WatchVerdict> {
  if (header.processed >= header.total || header.stopped) return 'final';
  const [cancelled, final, watch] = await Promise.all([
    isCancelled(header.jobId),
    finalOf(header.jobId),
    kvs.get<Watch>(watchKey(header.jobId)),
  ]);
  if (cancelled || final) return 'final';
  const last = Math.max(
    Date.parse(header.heartbeat ?? header.createdAt),
    header.waiting ? Date.parse(header.waiting.until) : 0,
    watch ? Date.parse(watch.at) : 0,
  );
  if (now - last <= staleMs()) return 'alive';
  const pushed = (await jobs.pushed(header.jobId)) ?? {};
  const queued = [
    ...Object.values(pushed),
    ...Object.values(header.slices ?? {}).flatMap((s) => (s.q ? [s.q] : [])),
    ...Object.values(watch?.q ?? {}),
  ];
  if (await queueJobsInProgress(queued)) return 'alive';
  if ((await writersActive(header.jobId, header.total)).length > 0) return 'alive';
  const round = !watch || header.processed > watch.processed ? 1 : watch.round + 1;
  if (round > MAX_RESUMES) {
    const ended: JobFinal = {
      status: 'failed',
      reason: `Ended: Forge's queue did not deliver this job's work (${MAX_RESUMES} tries over ${Math.round(((MAX_RESUMES + 1) * staleMs()) / 60_000)} minutes without progress). Items without an outcome were not attempted and can be retried.`,
      at: new Date(now).toISOString(),
    };
    try {
      await kvs.set(finalKey(header.jobId), ended, { keyPolicy: 'FAIL_IF_EXISTS', ...(await jobTtl()) });
    } catch (err) {
      if (!isKeyConflict(err)) throw err;
    }
    // Any delivery still to come (a late redelivery) reads this flag before it writes.
    await requestCancel(header.jobId);
    return 'ended';
  }
  const chunks = Array.from({ length: Math.ceil(header.total / JOB_CHUNK) }, (_, c) => c).filter(
    (c) => !header.slices?.[c]?.complete,
  );
  // Pushed before the round is claimed: a push refused (queue busy) leaves the round for the next look.
  const q = await repushSlices(header, chunks);
  if (!(await claim(roundKey(header.jobId, header.processed, round)))) return 'resumed';
  await kvs.set(
    watchKey(header.jobId),
    { round, at: new Date(now).toISOString(), processed: header.processed, q },
    await jobTtl(),
  );
  return 'resumed';
}

/** Looks at the newest jobs (the scheduled watchdog): at most `limit`, each on its own. */
export async function watchRecentJobs(jobs: JobStore, limit = 25): Promise<Record<WatchVerdict, number>> {
  const tally: Record<WatchVerdict, number> = { final: 0, alive: 0, resumed: 0, ended: 0 };
  for (const id of await jobs.recent(limit)) {
    const header = await jobs.header(id);
    if (header) tally[await watchJob(jobs, header)] += 1;
  }
  return tally;
}
