/**
 * The watchdog's scheduled trigger (`scheduledTrigger` background-watchdog → function `watch-background-work`
 * in manifest.yml, every five minutes: Forge's shortest interval, developer.atlassian.com/platform/forge/
 * manifest-reference/modules/scheduled-trigger). Work on the queue can lose its events (one that uses up
 * Forge's retries is dropped), and a dropped event can't report itself; status reads run the same checks,
 * but a job or run nobody looks at would stay unfinished. This resumes or ends the newest bulk jobs that
 * made no progress for longer than their lease, and the health check run holding the lock.
 * No user: it reads KVS and the queue's stats as the app and only pushes events; the work itself runs as
 * before (bulk slices as the job's creator, health steps asApp).
 */
import { jira } from '../jira';
import { watchRecentJobs } from '../features/bulk-changes/job-watchdog';
import { jobStore } from '../features/bulk-changes/job-store';
import { auditStore } from '../features/audit/audit-store';
import { watchedHealthRun } from '../features/functional-accounts/health-run-watchdog';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { healthRunStore } from '../features/functional-accounts/health-run-store';

export async function watchBackgroundWork(): Promise<{ statusCode: number }> {
  await watchRecentJobs(jobStore).catch(() => undefined);
  await watchedHealthRun({ jira, store: functionalStore, runs: healthRunStore, audit: auditStore });
  return { statusCode: 204 };
}
