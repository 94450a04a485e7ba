/**
 * The `functional-health` queue's consumer (manifest.yml: consumer functional-health-consumer → function
 * run-health-check-step → `index.runHealthCheckStep`): runs one step of a health check run (prepare, or one slice).
 * Consumers have no user; the run reads Jira asApp. A step that throws is redelivered by Forge, and every
 * step is safe to run again (src/features/functional-accounts/health-run.ts).
 */
import { jira } from '../jira';
import { handleHealthEvent } from '../features/functional-accounts/health-run';
import { auditStore } from '../features/audit/audit-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';

export async function runHealthCheckStep(event: { body?: unknown } | undefined): Promise<void> {
  await handleHealthEvent({ jira, store: functionalStore, runs: healthRunStore, audit: auditStore }, event?.body);
}
