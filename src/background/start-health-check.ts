/**
 * The daily scheduled trigger (`scheduledTrigger` daily-functional-health → function `start-health-check` in manifest.yml): starts a
 * functional-account health check run on the queue. There is no user behind a scheduled invocation:
 * the run reads Jira asApp and its audit entry names "scheduled" as who started it.
 */
import { jira } from '../jira';
import { siteIdOf } from '../contract/naming';
import { SCHEDULED_ACTOR } from '../features/audit/audit-names';
import { startHealthCheck } from '../features/functional-accounts/health-run';
import { auditStore } from '../features/audit/audit-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';

export async function startHealthCheckDaily(
  request: { context?: { cloudId?: string } } | undefined,
): Promise<{ statusCode: number }> {
  await startHealthCheck(
    { jira, store: functionalStore, runs: healthRunStore, audit: auditStore },
    SCHEDULED_ACTOR,
    siteIdOf(request?.context?.cloudId),
  );
  return { statusCode: 204 };
}
