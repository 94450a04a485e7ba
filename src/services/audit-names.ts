/**
 * People's names for the audit log, resolved when it is read, never stored: the acting administrator
 * and user targets that were logged without a name (bulk changes log only account IDs) get their display
 * name from Jira (`/user/bulk`, one request per 100 distinct accounts on the page, asUser). Names are
 * redacted like everything else the audit shows: Jira names some accounts after their email.
 * The text filter also finds a person's entries by name, through one user search per query.
 */
import type { AuditEntryView } from '../contract';
import type { JiraClient } from '../jira';
import { USER_BULK_PAGE } from '../jira/users';
import { redactEmails } from '../store/redact';

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

/** The entries with `actorName` set and user targets' missing `targetLabel` filled in, for display. */
export async function nameAuditEntries(jira: AuditNamesJira, entries: AuditEntryView[]): Promise<AuditEntryView[]> {
  const wanted = new Set<string>();
  for (const e of entries) {
    wanted.add(e.actor);
    if (e.targetType === 'user' && !e.targetLabel) wanted.add(e.targetId);
  }
  if (wanted.size === 0) return entries;
  const names = await namesOf(jira, [...wanted]);
  return entries.map((e) => {
    const actorName = names.get(e.actor);
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
