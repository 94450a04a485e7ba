/**
 * The health check's watchdog: a run always finishes and never holds the one-run lock while stuck. A slice
 * whose event used up Forge's retries is gone from the queue, so nothing would ever finish the run ("checking
 * 51 of 52") and Check now and the daily trigger would find it running until the lock expired (an hour).
 * It runs whenever a run's state is read or a run is asked for (Check now, the daily trigger, the page's
 * progress) and from the `watch-background-work` scheduled trigger.
 *
 * A run is stuck when it has made no progress (its start, its plan, a slice's result, or the watchdog's
 * last resume) for longer than a step's lease: run-health-check-step's 900 s limit plus a minute. Every step
 * is idempotent, so the watchdog resumes by pushing again what is missing (the prepare step, or the slices
 * without a result); after MAX_RESUMES rounds without progress it ends the run: the summary and audit entry
 * count the accounts of the missing slices as "could not be checked", say why, and the lock is released.
 */
import type { HealthRunDeps } from './health-run';
import { finishRun, pushEvents } from './health-run';
import type { SliceResult } from './health-run-store';

/** run-health-check-step's timeoutSeconds (manifest.yml) plus a minute. */
export const HEALTH_LEASE_MS = (900 + 60) * 1000;
export const MAX_RESUMES = 2;

/** HEALTH_WATCHDOG_STALE_MS overrides the lease (tests). */
function staleMs(): number {
  const v = Number(process.env.HEALTH_WATCHDOG_STALE_MS);
  return process.env.HEALTH_WATCHDOG_STALE_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : HEALTH_LEASE_MS;
}

export type RunVerdict = 'none' | 'alive' | 'resumed' | 'ended' | 'released';

/** Looks at the run holding the lock: alive, resumed, ended, or its lock released (no such run, or done). */
export async function watchHealthRun(deps: HealthRunDeps, now = Date.now()): Promise<RunVerdict> {
  const lock = await deps.runs.running();
  if (!lock) return 'none';
  const header = await deps.runs.header(lock.runId);
  if (!header || header.status === 'done') {
    await deps.runs.unlock(lock.runId);
    return 'released';
  }
  const [plan, watch] = await Promise.all([deps.runs.plan(header.runId), deps.runs.watch(header.runId)]);
  const results = plan ? await deps.runs.results(header.runId, plan.prep) : new Map<number, SliceResult>();
  const last = Math.max(
    Date.parse(header.at),
    plan?.preparedAt ? Date.parse(plan.preparedAt) : 0,
    ...[...results.values()].map((r) => (r.at ? Date.parse(r.at) : 0)),
    watch ? Date.parse(watch.at) : 0,
  );
  if (now - last <= staleMs()) return 'alive';
  const done = results.size;
  const round = !watch || done > watch.done ? 1 : watch.round + 1;
  const missing = plan ? Array.from({ length: plan.slices }, (_, n) => n).filter((n) => !results.has(n)) : [];
  if (round > MAX_RESUMES) {
    const filled = new Map(results);
    for (const n of missing) {
      const input = (await deps.runs.sliceState(header.runId, plan?.prep ?? '', n)).input;
      filled.set(n, { checked: 0, findings: 0, failed: input?.accountIds.length ?? 0 });
    }
    const ended = `The run was ended after ${MAX_RESUMES + 1} periods without progress on Forge's queue: ${missing.length} of ${plan?.slices ?? 0} slices were not checked.`;
    await finishRun(
      deps,
      header,
      plan ?? { prep: 'none', slices: 0, unreadable: 0, jiraRequests: 0 },
      filled,
      plan ? ended : "The run was ended: Forge's queue never prepared it.",
    );
    await deps.runs.unlock(header.runId);
    return 'ended';
  }
  // Pushed before the round is claimed: a refused push leaves the round to the next look.
  if (!plan || !(await deps.runs.pushed(header.runId)))
    await pushEvents(deps, [{ step: 'prepare', runId: header.runId }]);
  else
    await pushEvents(
      deps,
      missing.map((slice) => ({ step: 'slice', runId: header.runId, prep: plan.prep, slice })),
    );
  if (await deps.runs.claimRound(header.runId, done, round))
    await deps.runs.putWatch(header.runId, { round, at: new Date(now).toISOString(), done });
  return 'resumed';
}

/** The watchdog before a read or a start: it never makes the caller fail. */
export async function watchedHealthRun(deps: HealthRunDeps): Promise<void> {
  await watchHealthRun(deps).catch(() => undefined);
}
