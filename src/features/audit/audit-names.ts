/**
 * People's names for the audit log, resolved when it is read, never stored: the acting administrator
 * and user targets that were logged without a name (bulk changes log only account IDs) get their display
 * name from Jira (`/user/bulk`, one request per 100 distinct accounts on the page, asUser). Names are
 * redacted like everything else the audit shows: Jira names some accounts after their email.
 * The text filter also finds a person's entries by name, through one user search per query.
 */
import type { AuditEntryView } from '../../contract';
import type { JiraClient } from '../../jira';
import { USER_BULK_PAGE } from '../../jira/users';
import { redactEmails } from '../../store/redact';

export type AuditNamesJira = Pick<JiraClient, 'getUsersBulkPage' | 'searchUsersPage'>;

/** People whose names a text filter finds at most; a wider name should be narrowed. */
export const NAME_MATCH_LIMIT = 50;

async function namesOf(jira: AuditNamesJira, accountIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (let i = 0; i < accountIds.length; i += USER_BULK_PAGE) {
    const page = await jira.getUsersBulkPage(accountIds.slice(i, i + USER_BULK_PAGE), 0);
    for (const u of page.items) names.set(u.accountId, redactEmails(u.displayName));
  }
  return names;
}

/** The actor of functional health runs that the daily trigger starts (src/background). */
export const SCHEDULED_ACTOR = 'scheduled';

/**
 * Actors that are not people: the app's own scheduled work (src/background). The daily health check logs as
 * SCHEDULED_ACTOR; entries written before it moved onto the queue say 'scheduled-trigger'.
 */
/** The actor of the directory index's reconciliation entries (the background crawl). */
export const INDEX_ACTOR = 'directory-index';

export const SYSTEM_ACTORS: Record<string, string> = {
  [SCHEDULED_ACTOR]: 'Daily health check (scheduled)',
  [INDEX_ACTOR]: 'Directory index (background)',
  'scheduled-trigger': 'Daily health check (scheduled)',
};

/** Atlassian account IDs: `<number>:<uuid>`-style (also `qm:` customers) or the older 24 hex digits. */
const ACCOUNT_ID = /^([0-9a-z]+:[0-9a-f-]{8,}|[0-9a-f]{24})$/i;

/** The entries with `actorName` set and user targets' missing `targetLabel` filled in, for display. */
export async function nameAuditEntries(jira: AuditNamesJira, entries: AuditEntryView[]): Promise<AuditEntryView[]> {
  const wanted = new Set<string>();
  for (const e of entries) {
    if (ACCOUNT_ID.test(e.actor)) wanted.add(e.actor);
    if (e.targetType === 'user' && !e.targetLabel && ACCOUNT_ID.test(e.targetId)) wanted.add(e.targetId);
  }
  const names = wanted.size > 0 ? await namesOf(jira, [...wanted]) : new Map<string, string>();
  return entries.map((e) => {
    const actorName = SYSTEM_ACTORS[e.actor] ?? names.get(e.actor);
    const targetName = e.targetType === 'user' && !e.targetLabel ? names.get(e.targetId) : undefined;
    return { ...e, ...(actorName ? { actorName } : {}), ...(targetName ? { targetLabel: targetName } : {}) };
  });
}

/**
 * Account IDs of the people a text filter names (display name or email starting with it, as Jira's user
 * search matches), so entries that hold only their account ID are found too. Empty for short text.
 */
export async function peopleNamed(jira: AuditNamesJira, text: string | undefined): Promise<Set<string>> {
  const query = text?.trim() ?? '';
  if (query.length < 2) return new Set();
  const page = await jira.searchUsersPage(query, 0, NAME_MATCH_LIMIT);
  return new Set(page.items.map((u) => u.accountId));
}
