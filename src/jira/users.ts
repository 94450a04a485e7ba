/**
 * Users resource group (`/rest/api/3/users/search`, ...).
 * Identity: asUser, with the administrator's Browse users and groups permission, unless a function says otherwise.
 */
import api, { route } from '@forge/api';
import { ACCEPT_JSON, execute } from './executor';
import { fromArray, type Page } from './pagination';
import type { JiraUser } from './types';

/** `users/search` answers at most 1,000 a page (spec: "limited to 1000"). */
export const USERS_SEARCH_PAGE_MAX = 1000;

/** asUser. All users, active and inactive, one page. Scope: read:jira-user. */
export async function listUsersPage(startAt: number, maxResults: number): Promise<Page<JiraUser>> {
  const body = await execute<JiraUser[]>(
    () =>
      api.asUser().requestJira(route`/rest/api/3/users/search?startAt=${startAt}&maxResults=${maxResults}`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'List users', idempotent: true },
  );
  return fromArray(body, maxResults);
}
