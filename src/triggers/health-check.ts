/**
 * The daily scheduled trigger (`scheduledTrigger` daily-functional-health in manifest.yml): runs the
 * functional-account health check asApp, as there is no user behind a scheduled invocation.
 */
import { jira } from '../jira';
import { runHealthCheck, siteIdOf } from '../services/functional-health';
import { auditStore } from '../store/audit-store';
import { functionalStore } from '../store/functional-store';
import { healthRunStore } from '../store/health-run-store';

export const SCHEDULED_ACTOR = 'scheduled-trigger';

export async function healthCheck(
  request: { context?: { cloudId?: string } } | undefined,
): Promise<{ statusCode: number }> {
  await runHealthCheck(
    {
      jira,
      store: functionalStore,
      runs: healthRunStore,
      audit: auditStore,
      siteId: siteIdOf(request?.context?.cloudId),
    },
    SCHEDULED_ACTOR,
  );
  return { statusCode: 204 };
}
