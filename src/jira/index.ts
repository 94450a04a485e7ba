/**
 * The Jira client: one function per endpoint, grouped by REST resource. Services receive it as a
 * dependency (`JiraClient`), so their logic can be tested with plain fakes. Application roles, groups by id
 * and service desks come through a short per-installation cache (`cached.ts`).
 */
import * as cached from './cache/cached';
import * as groups from './groups';
import * as issues from './issues';
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
  getUserGroupIds: users.getUserGroupIds,
  createUser: users.createUser,
  listGroupsPage: cached.listGroupsPage,
  getGroupsById: cached.getGroupsById,
  findGroups: cached.findGroups,
  listGroupMembersPage: groups.listGroupMembersPage,
  addUserToGroup: groups.addUserToGroup,
  removeUserFromGroup: groups.removeUserFromGroup,
  listApplicationRoles: cached.listApplicationRoles,
  listServiceDesksPage: cached.listServiceDesksPage,
  getServiceDesk: cached.getServiceDesk,
  listDeskCustomersPage: servicedesk.listDeskCustomersPage,
  createCustomer: servicedesk.createCustomer,
  addCustomersToDesk: servicedesk.addCustomersToDesk,
  removeCustomersFromDesk: servicedesk.removeCustomersFromDesk,
  listProjectsPage: issues.listProjectsPage,
  listCreatableIssueTypes: issues.listCreatableIssueTypes,
  getAppProjectPermissions: issues.getAppProjectPermissions,
  createIssue: issues.createIssue,
  searchIssues: issues.searchIssues,
  getIssue: issues.getIssue,
  listComments: issues.listComments,
  addComment: issues.addComment,
  listTransitions: issues.listTransitions,
  transitionIssue: issues.transitionIssue,
  notifyIssue: issues.notifyIssue,
};

export type JiraClient = typeof jira;
export { JiraApiError } from './errors';
