/**
 * The `functional-health` queue's consumer (manifest.yml: consumer functional-health-consumer → function
 * health-run → `index.healthRunEvent`): runs one step of a health check run (prepare, or one slice).
 * Consumers have no user; the run reads Jira asApp. A step that throws is redelivered by Forge, and every
 * step is safe to run again (src/services/health-run.ts).
 */
import { jira } from '../jira';
import { handleHealthEvent } from '../services/health-run';
import { auditStore } from '../store/audit-store';
import { functionalStore } from '../store/functional-store';
import { healthRunStore } from '../store/health-run-store';

export async function healthRunEvent(event: { body?: unknown } | undefined): Promise<void> {
  await handleHealthEvent({ jira, store: functionalStore, runs: healthRunStore, audit: auditStore }, event?.body);
}
