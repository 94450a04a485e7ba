/**
 * Permissions and identity (`/rest/api/3/mypermissions`, `/rest/api/3/myself`).
 * Identity: asUser: these answer for the administrator who invoked the resolver.
 */
import { actingAs } from './acting-as';
import api, { route } from '@forge/api';
import { ACCEPT_JSON, execute } from './transport/executor';
import type { JiraUser } from './types';

export type GlobalPermission = 'ADMINISTER' | 'SYSTEM_ADMIN' | 'USER_PICKER';

/** asUser. Permission required: none. Scope: read:jira-work. */
export async function getMyGlobalPermissions(keys: GlobalPermission[]): Promise<Record<GlobalPermission, boolean>> {
  const body = await execute<{ permissions: Record<string, { havePermission: boolean }> }>(
    () =>
      api.asUser(actingAs()).requestJira(route`/rest/api/3/mypermissions?permissions=${keys.join(',')}`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'Get my permissions', idempotent: true },
  );
  const out = {} as Record<GlobalPermission, boolean>;
  for (const key of keys) out[key] = body.permissions[key]?.havePermission === true;
  return out;
}

/** asUser. Permission required: access to Jira. Scope: read:jira-user. */
export async function getMyself(): Promise<JiraUser> {
  return execute<JiraUser>(
    () => api.asUser(actingAs()).requestJira(route`/rest/api/3/myself`, { headers: ACCEPT_JSON }),
    {
      operation: 'Get current user',
      idempotent: true,
    },
  );
}
