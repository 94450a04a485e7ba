/**
 * The daily scheduled trigger (`scheduledTrigger` daily-functional-health → function `start-health-check` in manifest.yml): starts a
 * functional-account health check run on the queue. There is no user behind a scheduled invocation:
 * the run reads Jira asApp and its audit entry names "scheduled" as who started it. The health run's
 * watchdog looks first, so a stuck run never blocks the daily check.
 * KVS may refuse requests for its rate limits (4,000 writes a minute per installation: a burst of
 * registrations spends them). The app's client waits and retries (store/kvs-retry.ts); if KVS still refuses
 * once the trigger can wait no longer, the same start (the run is named first) goes on the health queue a KVS
 * window later and continues there (startScheduled: at most one run, however often it is delivered).
 */
import { randomUUID } from 'node:crypto';
import { jira } from '../jira';
import { siteIdOf } from '../contract/naming';
import { pushEvents, startScheduled } from '../features/functional-accounts/health-run';
import { watchedHealthRun } from '../features/functional-accounts/health-run-watchdog';
import { auditStore } from '../features/audit/audit-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';
import { kvsWaitSeconds } from '../store/kvs-retry';

export async function startHealthCheckDaily(
  request: { context?: { cloudId?: string } } | undefined,
): Promise<{ statusCode: number }> {
  const deps = { jira, store: functionalStore, runs: healthRunStore, audit: auditStore };
  // A stuck run is resumed or ended first, so it never blocks the daily check.
  await watchedHealthRun(deps);
  const start = { runId: randomUUID(), at: new Date().toISOString(), siteId: siteIdOf(request?.context?.cloudId) };
  try {
    await startScheduled(deps, start);
  } catch (err) {
    const seconds = kvsWaitSeconds(err);
    if (seconds === undefined) throw err;
    await pushEvents(deps, [{ step: 'start', ...start }], seconds);
  }
  return { statusCode: 204 };
}
