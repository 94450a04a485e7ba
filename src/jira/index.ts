/**
 * The Jira client: one function per endpoint, grouped by REST resource. Services receive it as a
 * dependency (`JiraClient`), so their logic can be tested with plain fakes.
 */
import * as groups from './groups';
import * as permissions from './permissions';
import * as servicedesk from './servicedesk';
import * as users from './users';

export const jira = {
  getMyGlobalPermissions: permissions.getMyGlobalPermissions,
  getMyself: permissions.getMyself,
  listUsersPage: users.listUsersPage,
  listGroupsPage: groups.listGroupsPage,
  listServiceDesksPage: servicedesk.listServiceDesksPage,
};

export type JiraClient = typeof jira;
export { JiraApiError } from './errors';
