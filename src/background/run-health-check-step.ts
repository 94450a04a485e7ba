/**
 * The `functional-health` queue's consumer (manifest.yml: consumer functional-health-consumer → function
 * run-health-check-step → `index.runHealthCheckStep`): runs one step of a health check run (prepare, or one slice).
 * Consumers have no user; the run reads Jira asApp. A step that throws is redelivered by Forge, and every
 * step is safe to run again (src/features/functional-accounts/health-run.ts). It runs as background work
 * (src/index.ts): while the points pool is at its reserve for people (src/jira/transport/governor.ts), or
 * Jira asks for a longer wait than the step may sleep, the step is pushed back on the queue with a delay
 * (≤ 900 s, again until the reset) instead of failing and spending Forge's few redeliveries.
 * KVS refusing requests for its rate limits (429 RATE_LIMIT_EXCEEDED) past what the app's client waits
 * (store/kvs-retry.ts) is met the same way: the step goes back on the queue a KVS window later, and resumes
 * from what KVS holds (a refused request changed nothing).
 * A finished run pushes the day's escalation plan (src/features/functional-accounts/escalation).
 */
import { Queue } from '@forge/events';
import { jira } from '../jira';
import { JiraWaitRequired } from '../jira/errors';
import { admitBackground } from '../jira/transport/background';
import { MAX_QUEUE_DELAY_SECONDS } from '../jira/transport/governor';
import { HEALTH_QUEUE, SLICE_CONCURRENCY, handleHealthEvent } from '../features/functional-accounts/health-run';
import { auditStore } from '../features/audit/audit-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';
import { pushEscalationEvents } from '../features/functional-accounts/escalation/escalation';
import { kvsWaitSeconds } from '../store/kvs-retry';

export async function runHealthCheckStep(event: { body?: unknown } | undefined): Promise<void> {
  try {
    await runStep(event);
  } catch (err) {
    const seconds = kvsWaitSeconds(err);
    if (seconds === undefined) throw err;
    await waitOnQueue(event?.body, seconds);
  }
}

async function runStep(event: { body?: unknown } | undefined): Promise<void> {
  const admission = await admitBackground();
  if (!admission.admitted) return waitOnQueue(event?.body, admission.delaySeconds);
  try {
    await handleHealthEvent(
      {
        jira,
        store: functionalStore,
        runs: healthRunStore,
        audit: auditStore,
        // A finished run starts the day's expiry reminders and hand-overs on their own queue.
        afterRun: (runId) => pushEscalationEvents([{ step: 'plan', runId }]),
      },
      event?.body,
    );
  } catch (err) {
    if (!(err instanceof JiraWaitRequired)) throw err;
    await waitOnQueue(event?.body, err.retryAfterSeconds);
  }
}

/** The same step again, later (every step is idempotent; a slice keeps its concurrency key). */
async function waitOnQueue(body: unknown, seconds: number): Promise<void> {
  if (!body || typeof body !== 'object') return;
  const slice = (body as { step?: unknown }).step === 'slice';
  await new Queue({ key: HEALTH_QUEUE }).push({
    body: body as Record<string, unknown>,
    delayInSeconds: Math.min(Math.max(Math.ceil(seconds), 1), MAX_QUEUE_DELAY_SECONDS),
    ...(slice ? { concurrency: { key: HEALTH_QUEUE, limit: SLICE_CONCURRENCY } } : {}),
  });
}
