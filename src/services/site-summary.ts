/**
 * The site summary shown on the app's landing: who is calling and how many users, groups and
 * service desks the site has. Walks every page (both pagination dialects) so the counts are exact.
 */
import type { SiteSummary } from '../contract';
import type { JiraClient } from '../jira';
import { collect } from '../jira/pagination';
import { USERS_SEARCH_PAGE_MAX } from '../jira/users';

export type SiteSummaryDeps = Pick<
  JiraClient,
  'getMyself' | 'listUsersPage' | 'listGroupsPage' | 'listServiceDesksPage'
>;

export async function getSiteSummary(jira: SiteSummaryDeps): Promise<SiteSummary> {
  const [me, users, groups, desks] = await Promise.all([
    jira.getMyself(),
    collect(jira.listUsersPage, USERS_SEARCH_PAGE_MAX),
    collect(jira.listGroupsPage, 50),
    collect(jira.listServiceDesksPage, 50),
  ]);
  const byType = { atlassian: 0, app: 0, customer: 0 };
  let active = 0;
  for (const u of users.items) {
    if (u.accountType === 'atlassian' || u.accountType === 'app' || u.accountType === 'customer')
      byType[u.accountType] += 1;
    if (u.active) active += 1;
  }
  return {
    caller: { accountId: me.accountId, displayName: me.displayName },
    users: { total: users.items.length, active, byType },
    groups: groups.total ?? groups.items.length,
    serviceDesks: desks.items.length,
  };
}
