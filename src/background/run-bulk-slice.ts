/**
 * The `bulk-jobs` queue's consumer (manifest: consumer `bulk-job-consumer` → function `run-bulk-slice`).
 * Forge calls it with an AsyncEvent `{ body: { jobId, chunk }, … }` and no user; the slice runs as the
 * administrator who started the job (bulk-runner.ts). A delivery that finds another live delivery
 * holding the slice ends quietly: that one carries on (and Forge redelivers its event if it dies).
 * It runs as background work (src/index.ts): while the points pool is at its reserve for people
 * (src/jira/transport/governor.ts) the slice is pushed back on the queue with a delay (≤ 900 s, again
 * until the reset). Inside a slice a held request ends the slice with a delayed continuation (bulk-runner);
 * one held elsewhere (the rights check, a read-back) pushes this same event back, delayed: its in-flight
 * items stay recorded and are read back on the next delivery.
 * Forge's KVS limits (4,000 read and 4,000 write units a minute per installation): each KVS call of the slice
 * waits out a 429 with back-off (store/kvs-retry.ts); one still refused after that (`KvsRateLimited`) asks
 * Forge to deliver this same event again a minute later (`InvocationError` with `retryAfter`, the window's
 * length), rather than a new event, which would find the slice's lease still held if KVS refused even its
 * release. That delivery
 * takes over the slice's lease (same event, higher retry count: bulk-runner.ts takeLease) and goes on from
 * what is stored: outcomes are stored with their audit entries in one transaction, so none is lost or counted
 * twice, and items whose request may have left are read back.
 */
import { getAppContext } from '@forge/api';
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { jira } from '../jira';
import { JiraWaitRequired } from '../jira/errors';
import { admitBackground } from '../jira/transport/background';
import { MAX_QUEUE_DELAY_SECONDS } from '../jira/transport/governor';
import { BULK_CONCURRENCY, BULK_QUEUE, processSlice } from '../features/bulk-changes/bulk-runner';
import { auditStore } from '../features/audit/audit-store';
import { jobStore } from '../features/bulk-changes/job-store';
import { indexChanges } from '../features/directory-index/resolvers';
import { isKvsBusy } from '../store/kvs-retry';

export async function runBulkSlice(event: {
  body?: { jobId?: unknown; chunk?: unknown; gen?: unknown };
  eventId?: string;
  retryContext?: { retryCount?: number };
}): Promise<unknown> {
  const jobId = event.body?.jobId;
  const chunk = event.body?.chunk;
  if (typeof jobId !== 'string' || !Number.isInteger(chunk)) return undefined;
  const gen = Number.isInteger(event.body?.gen) ? (event.body?.gen as number) : 0;
  const later = (seconds: number) =>
    new Queue({ key: BULK_QUEUE }).push({
      body: { jobId, chunk: chunk as number, gen },
      concurrency: { ...BULK_CONCURRENCY },
      delayInSeconds: Math.min(Math.max(Math.ceil(seconds), 1), MAX_QUEUE_DELAY_SECONDS),
    });
  const admission = await admitBackground();
  if (!admission.admitted) {
    await later(admission.delaySeconds);
    return undefined;
  }
  try {
    await processSlice(
      { jira, jobs: jobStore, audit: auditStore, index: indexChanges },
      { jobId, chunk: chunk as number, gen },
      { eventId: String(event.eventId ?? ''), retryCount: event.retryContext?.retryCount ?? 0 },
      () => getAppContext().invocationRemainingTimeInMillis(),
    );
  } catch (err) {
    if (isKvsBusy(err))
      return new InvocationError({
        retryAfter: err.retryAfterSeconds,
        retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
      });
    if (!(err instanceof JiraWaitRequired)) throw err;
    await later(err.retryAfterSeconds);
  }
  return undefined;
}
