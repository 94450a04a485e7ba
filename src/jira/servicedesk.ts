/**
 * Jira Service Management (`/rest/servicedeskapi/...`): service desks, their customers, and customer
 * accounts. Paged with `start/limit/isLastPage`; the desk-customer list and removal are experimental
 * and need `X-ExperimentalApi: opt-in`. Identity: asUser (the administrator: creating customers needs
 * Jira admin rights, changing a desk's customers needs service desk admin rights).
 */
import { actingAs } from './acting-as';
import api, { route } from '@forge/api';
import { ACCEPT_JSON, JSON_HEADERS, execute } from './transport/executor';
import { fromPagedDto, type Page } from './transport/pagination';
import type { JiraServiceDesk } from './types';

/** JSM pages hold at most 50 (the default `limit`). */
export const JSM_PAGE_MAX = 50;
/** Account ids per add/remove request. */
export const JSM_CUSTOMER_BATCH = 50;

const EXPERIMENTAL = { 'X-ExperimentalApi': 'opt-in' } as const;

export interface JsmUser {
  accountId: string;
  displayName: string;
  emailAddress?: string;
  active: boolean;
  timeZone?: string;
}

/** asUser by default; asApp for the background directory crawl. Scope: read:servicedesk-request. */
export async function listServiceDesksPage(
  start: number,
  limit: number,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraServiceDesk>> {
  const body = await execute<{ values: JiraServiceDesk[]; isLastPage: boolean }>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser(actingAs())).requestJira(
        route`/rest/servicedeskapi/servicedesk?start=${start}&limit=${limit}`,
        { headers: ACCEPT_JSON },
      ),
    { operation: 'List service desks', idempotent: true },
  );
  return fromPagedDto(body);
}

/** asUser. One desk (404 when unknown or not visible). Scope: read:servicedesk-request. */
export async function getServiceDesk(deskId: string): Promise<JiraServiceDesk> {
  return execute<JiraServiceDesk>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/servicedeskapi/servicedesk/${deskId}`, { headers: ACCEPT_JSON }),
    { operation: 'Get service desk', idempotent: true },
  );
}

/** asUser (or the administrator a bulk job acts as). A page of a desk's customers, optionally filtered by name or email. Experimental. Scope: manage:servicedesk-customer. */
export async function listDeskCustomersPage(
  deskId: string,
  query: string,
  start: number,
  limit: number,
): Promise<Page<JsmUser>> {
  const body = await execute<{ values: JsmUser[]; isLastPage: boolean }>(
    () =>
      api
        .asUser(actingAs())
        .requestJira(
          route`/rest/servicedeskapi/servicedesk/${deskId}/customer?query=${query}&start=${start}&limit=${limit}`,
          {
            headers: { ...ACCEPT_JSON, ...EXPERIMENTAL },
          },
        ),
    { operation: 'List customers', idempotent: true },
  );
  return fromPagedDto(body);
}

/**
 * asUser (Jira administrator). Creates a portal-only customer. With `strictConflictStatusCode` Jira
 * answers 409 when the email already has an account. Not repeated after a lost answer (the repeat's 409
 * would report a new account as an existing one): the service reads it back by email instead.
 * Scope: manage:servicedesk-customer.
 */
export async function createCustomer(email: string, displayName: string): Promise<JsmUser> {
  return execute<JsmUser>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/servicedeskapi/customer?strictConflictStatusCode=true`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ email, displayName }),
      }),
    { operation: 'Create customer', idempotent: false },
  );
}

/** asUser (service desk administrator). Adds customers to a desk; ones already there are left as they are. Scope: manage:servicedesk-customer. */
export async function addCustomersToDesk(deskId: string, accountIds: string[]): Promise<void> {
  await execute<void>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/servicedeskapi/servicedesk/${deskId}/customer`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ accountIds }),
      }),
    { operation: 'Add customers to service desk', idempotent: true },
  );
}

/** asUser (service desk administrator). Removes customers from a closed desk; their accounts stay active. Experimental. Scope: manage:servicedesk-customer. */
export async function removeCustomersFromDesk(deskId: string, accountIds: string[]): Promise<void> {
  await execute<void>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/servicedeskapi/servicedesk/${deskId}/customer`, {
        method: 'DELETE',
        headers: { ...JSON_HEADERS, ...EXPERIMENTAL },
        body: JSON.stringify({ accountIds }),
      }),
    { operation: 'Remove customers from service desk', idempotent: true },
  );
}
