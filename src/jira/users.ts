/**
 * Users resource group: `user`, `user/search`, `users/search`, `user/bulk`, `user/bulk/migration`,
 * `user/email/bulk`, `user/columns`.
 * Identity: asUser (the administrator's Browse users and groups / Administer Jira rights), except the
 * email endpoints, which Forge serves to asApp only.
 */
import { actingAs } from './acting-as';
import api, { route } from '@forge/api';
import { ACCEPT_JSON, JSON_HEADERS, execute } from './transport/executor';
import { fromArray, fromPageBean, type Page } from './transport/pagination';
import type { JiraUser } from './types';

/** `users/search` answers at most 1,000 a page (spec: "limited to 1000"). */
export const USERS_SEARCH_PAGE_MAX = 1000;
/** `user/search` filters, then pages "up to the thousandth user" (spec). */
export const USER_SEARCH_RESULT_CAP = 1000;
/** `user/bulk` page size the app asks for (the default is 10). */
export const USER_BULK_PAGE = 100;

/** asUser by default; asApp for the background directory crawl. All users, active and inactive, one page. Scope: read:jira-user. */
export async function listUsersPage(
  startAt: number,
  maxResults: number,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraUser>> {
  const body = await execute<JiraUser[]>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/users/search?startAt=${startAt}&maxResults=${maxResults}`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'List users', idempotent: true, expectedPoints: 1 + 2 * maxResults },
  );
  return fromArray(body, maxResults);
}

/** asUser. Active users whose name or email starts with `query`; Jira stops at the 1,000th match. Scope: read:jira-user. */
export async function searchUsersPage(query: string, startAt: number, maxResults: number): Promise<Page<JiraUser>> {
  const body = await execute<JiraUser[]>(
    () =>
      api
        .asUser()
        .requestJira(route`/rest/api/3/user/search?query=${query}&startAt=${startAt}&maxResults=${maxResults}`, {
          headers: ACCEPT_JSON,
        }),
    { operation: 'Search users', idempotent: true },
  );
  return fromArray(body, maxResults);
}

/**
 * One user with groups and product access. asUser by default; asApp for the user-event trigger, which runs
 * without a user. Scope: read:jira-user.
 */
export async function getUser(accountId: string, identity: 'user' | 'app' = 'user'): Promise<JiraUser> {
  return execute<JiraUser>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/user?accountId=${accountId}&expand=groups,applicationRoles`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'Get user', idempotent: true },
  );
}

function accountIdQuery(accountIds: string[]): URLSearchParams {
  const q = new URLSearchParams();
  for (const id of accountIds) q.append('accountId', id);
  return q;
}

/**
 * Users by account id, one page of up to `USER_BULK_PAGE`; unknown (deleted) ids are left out.
 * Identity: asUser by default; asApp for the scheduled health check, which runs without a user.
 * Scope: read:jira-user.
 */
export async function getUsersBulkPage(
  accountIds: string[],
  startAt: number,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraUser>> {
  const ids = accountIdQuery(accountIds);
  const body = await execute<{ values: JiraUser[]; isLast: boolean; total: number; startAt: number }>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/user/bulk?${ids}&startAt=${startAt}&maxResults=${USER_BULK_PAGE}`,
        {
          headers: ACCEPT_JSON,
        },
      ),
    { operation: 'Get users', idempotent: true },
  );
  return fromPageBean(body);
}

/** Account ids per `user/email/bulk` request, to keep the URL well under servers' limits. */
export const EMAIL_BULK_CHUNK = 100;

/**
 * asApp (Forge serves emails to apps only). Emails of the given accounts, whatever their profile
 * visibility; one request per 100 accounts. Scope: read:email-address:jira.
 */
export async function getEmailsBulk(accountIds: string[]): Promise<Array<{ accountId: string; email: string }>> {
  const out: Array<{ accountId: string; email: string }> = [];
  for (let i = 0; i < accountIds.length; i += EMAIL_BULK_CHUNK) {
    const chunk = accountIds.slice(i, i + EMAIL_BULK_CHUNK);
    const ids = accountIdQuery(chunk);
    const body = await execute<Array<{ accountId: string; email: string }> | { accountId: string; email: string }>(
      () => api.asApp().requestJira(route`/rest/api/3/user/email/bulk?${ids}`, { headers: ACCEPT_JSON }),
      { operation: 'Get emails', idempotent: true, expectedPoints: 1 + chunk.length },
    );
    // The spec types one object; the live API answers an array.
    out.push(...(Array.isArray(body) ? body : [body]));
  }
  return out;
}

/** asUser. Account ids for legacy usernames or keys. Scope: read:jira-user. */
export async function migrateLegacyIds(
  kind: 'username' | 'key',
  values: string[],
): Promise<Array<{ accountId: string; username?: string; key?: string }>> {
  const q = new URLSearchParams();
  for (const v of values) q.append(kind, v);
  return execute<Array<{ accountId: string; username?: string; key?: string }>>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/user/bulk/migration?${q}&maxResults=${USER_BULK_PAGE}`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'Resolve legacy usernames', idempotent: true },
  );
}

/**
 * asUser (Administer Jira and organization admin). Creates an Atlassian account from an email, without
 * product access; Jira names it after the email and ignores any display name. The reference notes this
 * API "does not support Forge apps", so expect a refusal on real sites. Not retried: a repeat would not
 * be harmless. Scope: manage:jira-configuration.
 */
export async function createUser(email: string): Promise<JiraUser> {
  return execute<JiraUser>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/user`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ emailAddress: email, products: [] }),
      }),
    { operation: 'Create user', idempotent: false },
  );
}

/** asUser. Resets the user's issue-table columns to the site default. Administer Jira. Scope: manage:jira-configuration. */
export async function resetUserColumns(accountId: string): Promise<void> {
  await execute<void>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/user/columns?accountId=${accountId}`, { method: 'DELETE' }),
    { operation: 'Reset issue-table columns', idempotent: true },
  );
}

/**
 * asUser. Deletes the user from the site. Site administration. Not repeated after a lost answer (a repeat
 * answers 404, which would misreport a deletion that happened): the service reads the user back instead.
 * Scope: manage:jira-configuration.
 */
export async function deleteUser(accountId: string): Promise<void> {
  await execute<void>(
    () => api.asUser(actingAs()).requestJira(route`/rest/api/3/user?accountId=${accountId}`, { method: 'DELETE' }),
    { operation: 'Delete user', idempotent: false },
  );
}

/**
 * The ids of the groups a user belongs to (all of them, one request): how a membership change whose
 * answer was lost is read back. asUser by default; asApp for work that runs without a user.
 * Scope: read:jira-user.
 */
export async function getUserGroupIds(accountId: string, identity: 'user' | 'app' = 'user'): Promise<Set<string>> {
  const groups = await execute<Array<{ groupId?: string }>>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/api/3/user/groups?accountId=${accountId}`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'Get user groups', idempotent: true },
  );
  return new Set(groups.map((g) => g.groupId).filter((id): id is string => !!id));
}
