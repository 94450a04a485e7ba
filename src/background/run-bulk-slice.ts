/**
 * The `bulk-jobs` queue's consumer (manifest: consumer `bulk-job-consumer` → function `run-bulk-slice`).
 * Forge calls it with an AsyncEvent `{ body: { jobId, chunk }, … }` and no user; the slice runs as the
 * administrator who started the job (bulk-runner.ts). A delivery that finds another live delivery
 * holding the slice ends quietly: that one carries on (and Forge redelivers its event if it dies).
 */
import { getAppContext } from '@forge/api';
import { jira } from '../jira';
import { processSlice } from '../features/bulk-changes/bulk-runner';
import { auditStore } from '../features/audit/audit-store';
import { jobStore } from '../features/bulk-changes/job-store';
import { indexChanges } from '../features/directory-index/resolvers';

export async function runBulkSlice(event: {
  body?: { jobId?: unknown; chunk?: unknown; gen?: unknown };
  eventId?: string;
  retryContext?: { retryCount?: number };
}): Promise<unknown> {
  const jobId = event.body?.jobId;
  const chunk = event.body?.chunk;
  if (typeof jobId !== 'string' || !Number.isInteger(chunk)) return undefined;
  await processSlice(
    { jira, jobs: jobStore, audit: auditStore, index: indexChanges },
    { jobId, chunk: chunk as number, gen: Number.isInteger(event.body?.gen) ? (event.body?.gen as number) : 0 },
    { eventId: String(event.eventId ?? ''), retryCount: event.retryContext?.retryCount ?? 0 },
    () => getAppContext().invocationRemainingTimeInMillis(),
  );
  return undefined;
}
