/**
 * Which of a bulk job's people are already customers of the desk, read from Jira before anything is
 * written, so an item already so is recorded as "already so" (in the result, the job's counts and the
 * audit), as the preview counted it.
 *
 * Jira cannot tell afterwards: JSM's `POST /rest/servicedeskapi/servicedesk/{serviceDeskId}/customer`
 * answers 204 whether or not the account was already there ("If any of the passed customers are
 * associated with the service desk, no changes will be made for those customers and the resource returns
 * a 204 success code"; 204: "Returned if all the customers were added to the service desk or were already
 * associated with the service desk"), and `DELETE` answers 204 for accounts that were not customers
 * ("If any of the passed customers are not associated with the service desk, no changes will be made for
 * those customers and the resource returns a 204 success code") — Jira Service Management Cloud REST
 * reference, "Add customers" / "Remove customers" (local/specs/jira-servicedesk.json; the simulator's
 * local/jira-sim/routes/servicedesk.ts answers the same).
 *
 * Two ways to read it, both asUser (the job's creator), chosen by cost:
 * - the desk's customer list (`GET …/customer`, 50 a page), when it fits in a share of the slice's
 *   items in requests (a small desk: one page answers a whole slice);
 * - otherwise, per item, right before its batch is sent: the desk's customers searched by the person's
 *   email (when Jira shows it) or display name (`query`, "matched against customers' displayName, name,
 *   or email"), the account id picked out of the answer; a few pages at most, a person not found there is
 *   sent (and recorded "done", as before).
 */
import type { JiraClient } from '../../jira';
import { JSM_PAGE_MAX } from '../../jira/servicedesk';

export type DeskStateJira = Pick<JiraClient, 'listDeskCustomersPage'> & {
  getUsersBulkPage(
    accountIds: string[],
    startAt: number,
    identity: 'user' | 'app',
  ): Promise<{ items: Array<{ accountId: string; displayName?: string; emailAddress?: string }> }>;
};

/** Pages of one person's search results read at most, looking for their account id. */
export const DESK_SEARCH_PAGES = 3;

/** The desk's customers, or undefined when reading them would take more than `budget` requests. */
export async function deskCustomersWithin(
  jira: DeskStateJira,
  deskId: string,
  budget: number,
): Promise<Set<string> | undefined> {
  const ids = new Set<string>();
  for (let page = 0; page < budget; page += 1) {
    const got = await jira.listDeskCustomersPage(deskId, '', page * JSM_PAGE_MAX, JSM_PAGE_MAX);
    for (const u of got.items) ids.add(u.accountId);
    if (got.isLast || got.items.length === 0) return ids;
  }
  return undefined;
}

/** Which of these accounts are customers of the desk, one search per account (see the module's note). */
export async function customersAmong(jira: DeskStateJira, deskId: string, accountIds: string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  return searchDeskFor(jira, deskId, (await jira.getUsersBulkPage(accountIds, 0, 'user')).items);
}

/**
 * Which of these people are customers of the desk: each searched on the desk by email (or by name when Jira
 * hides it), up to DESK_SEARCH_PAGES pages, and matched by account id.
 */
export async function searchDeskFor(
  jira: Pick<JiraClient, 'listDeskCustomersPage'>,
  deskId: string,
  people: ReadonlyArray<{ accountId: string; displayName?: string; emailAddress?: string }>,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const person of people) {
    const query = person.emailAddress || person.displayName;
    if (!query) continue;
    for (let page = 0; page < DESK_SEARCH_PAGES; page += 1) {
      const got = await jira.listDeskCustomersPage(deskId, query, page * JSM_PAGE_MAX, JSM_PAGE_MAX);
      if (got.items.some((u) => u.accountId === person.accountId)) {
        found.add(person.accountId);
        break;
      }
      if (got.isLast || got.items.length === 0) break;
    }
  }
  return found;
}
