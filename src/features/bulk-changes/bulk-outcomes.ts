/**
 * A bulk job's per-item outcomes, a page at a time, with names: who (from Jira, one `user/bulk` request
 * for the page's people, asUser) and which group or desk (the job's labels), what happened, Jira's reason,
 * and whether retrying could help. Reads only the job's header, items and outcomes from the job store.
 */
import type { BulkItemsPage, BulkItemsPayload, BulkOutcomeRow, ItemOutcome } from '../../contract';
import type { JiraClient } from '../../jira';
import { JOB_CHUNK, type JobStore } from './job-store';
import { AppFailure } from '../../invocation/app-error';

export const OUTCOME_PAGE = 50;

/**
 * Reasons that no retry can change: Jira refuses the item itself (a customer account in a group, a
 * user or group that no longer exists) or the administrator lacks the rights. Anything else (Jira's
 * 5xx, time-outs, unexpected answers) may succeed on a second try.
 */
const PERMANENT = [
  /customer accounts?/i,
  /no longer exists?/i,
  /not found/i,
  /does not exist/i,
  /site admin(istrator)? required/i,
  /administrator rights are required/i,
  /cannot (be )?add/i,
];

export function isRetryable(message: string | undefined): boolean {
  return !PERMANENT.some((re) => re.test(message ?? ''));
}

export interface BulkOutcomeDeps {
  jira: Pick<JiraClient, 'getUsersBulkPage'>;
  jobs: Pick<JobStore, 'header' | 'items' | 'outcomes'>;
}

/** Display names of these accounts (deleted ones are left out), one `user/bulk` request per 100. */
export async function namesOf(jira: Pick<JiraClient, 'getUsersBulkPage'>, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 100) {
    const page = await jira.getUsersBulkPage(unique.slice(i, i + 100), 0);
    for (const u of page.items) names.set(u.accountId, u.displayName);
  }
  return names;
}

export async function listBulkItems(deps: BulkOutcomeDeps, payload: BulkItemsPayload): Promise<BulkItemsPage> {
  const header = await deps.jobs.header(payload.jobId);
  if (!header) throw new AppFailure('NOT_FOUND', 'No such bulk change: it may have been cleaned up.');
  const startAt = payload.startAt ?? 0;
  const wanted = (o: ItemOutcome | undefined) =>
    payload.outcome === undefined ? o !== undefined : payload.outcome === o;
  const picked: Array<Omit<BulkOutcomeRow, 'userName' | 'targetName'>> = [];
  let matching = 0;
  for (let c = 0; c * JOB_CHUNK < header.processed; c += 1) {
    const [items, outs] = await Promise.all([deps.jobs.items(header.jobId, c), deps.jobs.outcomes(header.jobId, c)]);
    items.forEach((item, i) => {
      const out = outs[i];
      if (!wanted(out?.o)) return;
      if (matching >= startAt && picked.length < OUTCOME_PAGE)
        picked.push({
          index: c * JOB_CHUNK + i,
          accountId: item.a,
          targetId: item.g,
          outcome: out?.o,
          message: out?.m,
          retryable: out?.o === 'failed' ? isRetryable(out.m) : undefined,
        });
      matching += 1;
    });
  }
  const names = await namesOf(
    deps.jira,
    picked.map((p) => p.accountId),
  );
  return {
    jobId: header.jobId,
    startAt,
    total: matching,
    items: picked.map((p) => ({ ...p, userName: names.get(p.accountId), targetName: header.labels[p.targetId] })),
  };
}
