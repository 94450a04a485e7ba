/**
 * Application roles (`/rest/api/3/applicationrole`): which groups grant product access (and so consume
 * a licence). Identity: asUser (Administer Jira); asApp for the background directory crawl. Scope: manage:jira-configuration.
 */
import api, { route } from '@forge/api';
import { ACCEPT_JSON, execute } from './transport/executor';
import type { JiraApplicationRole } from './types';

export async function listApplicationRoles(identity: 'user' | 'app' = 'user'): Promise<JiraApplicationRole[]> {
  return execute<JiraApplicationRole[]>(
    () =>
      (identity === 'app' ? api.asApp() : api.asUser()).requestJira(route`/rest/api/3/applicationrole`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'List products', idempotent: true },
  );
}
