/**
 * The daily scheduled trigger (`scheduledTrigger` daily-functional-health → function `start-health-check` in manifest.yml): starts a
 * functional-account health check run on the queue. There is no user behind a scheduled invocation:
 * the run reads Jira asApp and its audit entry names "scheduled" as who started it. The health run's
 * watchdog looks first, so a stuck run never blocks the daily check.
 */
import { jira } from '../jira';
import { siteIdOf } from '../contract/naming';
import { SCHEDULED_ACTOR } from '../features/audit/audit-names';
import { startHealthCheck } from '../features/functional-accounts/health-run';
import { watchedHealthRun } from '../features/functional-accounts/health-run-watchdog';
import { auditStore } from '../features/audit/audit-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';

export async function startHealthCheckDaily(
  request: { context?: { cloudId?: string } } | undefined,
): Promise<{ statusCode: number }> {
  const deps = { jira, store: functionalStore, runs: healthRunStore, audit: auditStore };
  // A stuck run is resumed or ended first, so it never blocks the daily check.
  await watchedHealthRun(deps);
  await startHealthCheck(deps, SCHEDULED_ACTOR, siteIdOf(request?.context?.cloudId));
  return { statusCode: 204 };
}
