/**
 * Groups resource group: `group/bulk`, `groups/picker`, `group/member`, `group/user`.
 * Identity: asUser. Membership writes must be asUser: Jira lets only site administrators change
 * membership, and the app user never is one (asApp gets 403).
 */
import { actingAs } from './acting-as';
import api, { route } from '@forge/api';
import { ACCEPT_JSON, JSON_HEADERS, execute } from './transport/executor';
import { fromPageBean, type Page } from './transport/pagination';
import type { JiraGroup, JiraUser } from './types';

/** `group/member`: "number should be between 1 and 50". */
export const GROUP_MEMBER_PAGE_MAX = 50;

/** asUser by default; asApp for the background directory crawl. Browse users and groups. Scope: read:jira-user. */
export async function listGroupsPage(
  startAt: number,
  maxResults: number,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraGroup>> {
  const body = await execute<{ values: JiraGroup[]; isLast: boolean; total: number; startAt: number }>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/group/bulk?startAt=${startAt}&maxResults=${maxResults}`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'List groups', idempotent: true },
  );
  return fromPageBean(body);
}

/** asUser. Groups by id (unknown ids are left out). Scope: read:jira-user. */
export async function getGroupsById(groupIds: string[]): Promise<JiraGroup[]> {
  if (groupIds.length === 0) return [];
  const q = new URLSearchParams();
  for (const id of groupIds) q.append('groupId', id);
  const body = await execute<{ values: JiraGroup[] }>(
    () =>
      api
        .asUser()
        .requestJira(route`/rest/api/3/group/bulk?${q}&maxResults=${groupIds.length}`, { headers: ACCEPT_JSON }),
    { operation: 'Get groups', idempotent: true },
  );
  return body.values;
}

/** Groups whose name contains `query`, in any letter case (`caseInsensitive` defaults to false). asUser by default; asApp for the scheduled health check. Scope: read:jira-user. */
export async function findGroups(
  query: string,
  maxResults: number,
  identity: 'user' | 'app' = 'user',
): Promise<{ total: number; groups: JiraGroup[] }> {
  const body = await execute<{ total: number; groups: Array<{ name: string; groupId: string }> }>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/groups/picker?query=${query}&maxResults=${maxResults}&caseInsensitive=true`,
        {
          headers: ACCEPT_JSON,
        },
      ),
    { operation: 'Find groups', idempotent: true },
  );
  return { total: body.total, groups: body.groups.map((g) => ({ name: g.name, groupId: g.groupId })) };
}

/** One page of a group's members (≤ 50), inactive ones on request. asUser by default; asApp for the health check. Scope: read:jira-user. */
export async function listGroupMembersPage(
  groupId: string,
  startAt: number,
  maxResults: number,
  includeInactive: boolean,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraUser>> {
  const body = await execute<{ values: JiraUser[]; isLast: boolean; total: number; startAt: number }>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/group/member?groupId=${groupId}&startAt=${startAt}&maxResults=${maxResults}&includeInactiveUsers=${String(includeInactive)}`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'List group members', idempotent: true, expectedPoints: 1 + 2 * maxResults },
  );
  return fromPageBean(body);
}

/**
 * asUser (site administration). Adds a user to a group. Not repeated after a lost answer: the repeat's
 * "already a member" would misreport a change the first attempt made, so services/membership.ts reads the
 * user's groups back instead. Scope: manage:jira-configuration.
 */
export async function addUserToGroup(groupId: string, accountId: string): Promise<void> {
  await execute<unknown>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/group/user?groupId=${groupId}`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ accountId }),
      }),
    // Jira's published burst limit for POST (developer.atlassian.com/cloud/jira/platform/rate-limiting/).
    { operation: 'Add user to group', idempotent: false, burstPerSecond: 100 },
  );
}

/** asUser (site administration). Removes a user from a group; a lost answer is read back like an add. Scope: manage:jira-configuration. */
export async function removeUserFromGroup(groupId: string, accountId: string): Promise<void> {
  await execute<void>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/group/user?groupId=${groupId}&accountId=${accountId}`, {
        method: 'DELETE',
      }),
    // Jira's published burst limit for DELETE (developer.atlassian.com/cloud/jira/platform/rate-limiting/).
    { operation: 'Remove user from group', idempotent: false, burstPerSecond: 50 },
  );
}
