/**
 * Jira Service Management (`/rest/servicedeskapi/...`), paged with `start/limit/isLastPage`.
 * Identity: asUser (an agent or Jira administrator).
 */
import api, { route } from '@forge/api';
import { ACCEPT_JSON, execute } from './executor';
import { fromPagedDto, type Page } from './pagination';
import type { JiraServiceDesk } from './types';

/** asUser. Scope: read:servicedesk-request. */
export async function listServiceDesksPage(start: number, limit: number): Promise<Page<JiraServiceDesk>> {
  const body = await execute<{ values: JiraServiceDesk[]; isLastPage: boolean }>(
    () =>
      api.asUser().requestJira(route`/rest/servicedeskapi/servicedesk?start=${start}&limit=${limit}`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'List service desks', idempotent: true },
  );
  return fromPagedDto(body);
}
