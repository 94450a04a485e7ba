/**
 * The Jira client: one function per endpoint, grouped by REST resource. Services receive it as a
 * dependency (`JiraClient`), so their logic can be tested with plain fakes.
 */
import * as applicationRoles from './application-roles';
import * as groups from './groups';
import * as permissions from './permissions';
import * as servicedesk from './servicedesk';
import * as users from './users';

export const jira = {
  getMyGlobalPermissions: permissions.getMyGlobalPermissions,
  getMyself: permissions.getMyself,
  listUsersPage: users.listUsersPage,
  searchUsersPage: users.searchUsersPage,
  getUser: users.getUser,
  getUsersBulkPage: users.getUsersBulkPage,
  getEmailsBulk: users.getEmailsBulk,
  migrateLegacyIds: users.migrateLegacyIds,
  resetUserColumns: users.resetUserColumns,
  deleteUser: users.deleteUser,
  createUser: users.createUser,
  listGroupsPage: groups.listGroupsPage,
  getGroupsById: groups.getGroupsById,
  findGroups: groups.findGroups,
  listGroupMembersPage: groups.listGroupMembersPage,
  addUserToGroup: groups.addUserToGroup,
  removeUserFromGroup: groups.removeUserFromGroup,
  listApplicationRoles: applicationRoles.listApplicationRoles,
  listServiceDesksPage: servicedesk.listServiceDesksPage,
  getServiceDesk: servicedesk.getServiceDesk,
  listDeskCustomersPage: servicedesk.listDeskCustomersPage,
  createCustomer: servicedesk.createCustomer,
  addCustomersToDesk: servicedesk.addCustomersToDesk,
  removeCustomersFromDesk: servicedesk.removeCustomersFromDesk,
};

export type JiraClient = typeof jira;
export { JiraApiError } from './errors';
