/**
 * Groups resource group (`/rest/api/3/group/bulk`, ...).
 * Identity: asUser for reads; membership writes are asUser only (asApp gets 403: it is never a site admin).
 */
import api, { route } from '@forge/api';
import { ACCEPT_JSON, execute } from './executor';
import { fromPageBean, type Page } from './pagination';
import type { JiraGroup } from './types';

/** asUser. Browse users and groups. Scope: read:jira-user. */
export async function listGroupsPage(startAt: number, maxResults: number): Promise<Page<JiraGroup>> {
  const body = await execute<{ values: JiraGroup[]; isLast: boolean; total: number; startAt: number }>(
    () =>
      api.asUser().requestJira(route`/rest/api/3/group/bulk?startAt=${startAt}&maxResults=${maxResults}`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'List groups', idempotent: true },
  );
  return fromPageBean(body);
}
