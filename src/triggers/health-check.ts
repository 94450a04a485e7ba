/**
 * The daily scheduled trigger (`scheduledTrigger` daily-functional-health in manifest.yml): starts a
 * functional-account health check run on the queue. There is no user behind a scheduled invocation:
 * the run reads Jira asApp and its audit entry names "scheduled" as who started it.
 */
import { jira } from '../jira';
import { siteIdOf } from '../services/functional-health';
import { SCHEDULED_ACTOR, startHealthCheck } from '../services/health-run';
import { auditStore } from '../store/audit-store';
import { functionalStore } from '../store/functional-store';
import { healthRunStore } from '../store/health-run-store';

export { SCHEDULED_ACTOR };

export async function healthCheck(
  request: { context?: { cloudId?: string } } | undefined,
): Promise<{ statusCode: number }> {
  await startHealthCheck(
    { jira, store: functionalStore, runs: healthRunStore, audit: auditStore },
    SCHEDULED_ACTOR,
    siteIdOf(request?.context?.cloudId),
  );
  return { statusCode: 204 };
}
