/**
 * Site-level resources: `mypermissions`, `myself`, `serverInfo`, `applicationrole`.
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError } from '../http';
import { callerId, canAccessJira, isJiraAdmin, requireAuthenticated, requireJiraAdmin } from '../access';
import type { GlobalPermissionKey } from '../model';
import { groupByName, hasGlobalPermission } from '../model';
import type { SimProject } from '../issues-model';
import { applicationRoleJson, userJson } from '../representations';
import { holdsInProject, permissionContextProject } from './issues';

interface PermissionDef {
  id: string;
  name: string;
  description: string;
  type: 'GLOBAL' | 'PROJECT';
}

/**
 * Jira Cloud's built-in global permissions (GlobalPermissionKey: ADMINISTER, SYSTEM_ADMIN, USER_PICKER,
 * CREATE_SHARED_OBJECTS, MANAGE_GROUP_FILTER_SUBSCRIPTIONS, BULK_CHANGE; docs.atlassian.com/jira/latest/
 * com/atlassian/jira/permission/GlobalPermissionKey.html), with their legacy numeric ids.
 */
const GLOBAL_PERMISSIONS: Record<string, Omit<PermissionDef, 'type'>> = {
  ADMINISTER: {
    id: '0',
    name: 'Administer Jira',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
  },
  SYSTEM_ADMIN: {
    id: '44',
    name: 'Jira System Administrator',
    description: 'Ability to perform all administration functions.',
  },
  USER_PICKER: {
    id: '27',
    name: 'Browse users and groups',
    description: 'View and select users or groups from the user picker, and share issues.',
  },
  CREATE_SHARED_OBJECTS: {
    id: '22',
    name: 'Share dashboards and filters',
    description: 'Share dashboards and filters with other users.',
  },
  MANAGE_GROUP_FILTER_SUBSCRIPTIONS: {
    id: '24',
    name: 'Manage group filter subscriptions',
    description: 'Create and delete group filter subscriptions.',
  },
  BULK_CHANGE: {
    id: '33',
    name: 'Make bulk changes',
    description: 'Modify collections of issues at once. For example, resolve multiple issues in one step.',
  },
};

/**
 * The built-in project permissions the spec lists (GET /permissionscheme, "Built-in permissions"), with
 * Jira's ids. `admin` ones are granted by the default scheme to administrators; the rest to anyone with
 * product access (the default scheme's application-role grant).
 */
const PROJECT_PERMISSIONS: Record<string, { id: string; name: string; admin?: boolean; agent?: boolean }> = {
  ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', admin: true },
  EDIT_WORKFLOW: { id: '-4', name: 'Edit Workflows', admin: true },
  EDIT_ISSUE_LAYOUT: { id: '-5', name: 'Edit Issue Layout', admin: true },
  BROWSE_PROJECTS: { id: '10', name: 'Browse Projects' },
  MANAGE_SPRINTS_PERMISSION: { id: '-1', name: 'Manage sprints' },
  SERVICEDESK_AGENT: { id: '-2', name: 'Service Project Agent', agent: true },
  VIEW_DEV_TOOLS: { id: '29', name: 'View Development Tools' },
  VIEW_READONLY_WORKFLOW: { id: '45', name: 'View Read-Only Workflow' },
  ASSIGNABLE_USER: { id: '17', name: 'Assignable User' },
  ASSIGN_ISSUES: { id: '13', name: 'Assign Issues' },
  CLOSE_ISSUES: { id: '18', name: 'Close Issues' },
  CREATE_ISSUES: { id: '11', name: 'Create Issues' },
  DELETE_ISSUES: { id: '16', name: 'Delete Issues' },
  EDIT_ISSUES: { id: '12', name: 'Edit Issues' },
  LINK_ISSUES: { id: '21', name: 'Link Issues' },
  MODIFY_REPORTER: { id: '30', name: 'Modify Reporter' },
  MOVE_ISSUES: { id: '25', name: 'Move Issues' },
  RESOLVE_ISSUES: { id: '14', name: 'Resolve Issues' },
  SCHEDULE_ISSUES: { id: '28', name: 'Schedule Issues' },
  SET_ISSUE_SECURITY: { id: '26', name: 'Set Issue Security' },
  TRANSITION_ISSUES: { id: '46', name: 'Transition Issues' },
  MANAGE_WATCHERS: { id: '32', name: 'Manage Watchers' },
  VIEW_VOTERS_AND_WATCHERS: { id: '31', name: 'View Voters and Watchers' },
  ADD_COMMENTS: { id: '15', name: 'Add Comments' },
  DELETE_ALL_COMMENTS: { id: '36', name: 'Delete All Comments' },
  DELETE_OWN_COMMENTS: { id: '37', name: 'Delete Own Comments' },
  EDIT_ALL_COMMENTS: { id: '34', name: 'Edit All Comments' },
  EDIT_OWN_COMMENTS: { id: '35', name: 'Edit Own Comments' },
  CREATE_ATTACHMENTS: { id: '19', name: 'Create Attachments' },
  DELETE_ALL_ATTACHMENTS: { id: '38', name: 'Delete All Attachments' },
  DELETE_OWN_ATTACHMENTS: { id: '39', name: 'Delete Own Attachments' },
  DELETE_ALL_WORKLOGS: { id: '43', name: 'Delete All Worklogs' },
  DELETE_OWN_WORKLOGS: { id: '42', name: 'Delete Own Worklogs' },
  EDIT_ALL_WORKLOGS: { id: '41', name: 'Edit All Worklogs' },
  EDIT_OWN_WORKLOGS: { id: '40', name: 'Edit Own Worklogs' },
  WORK_ON_ISSUES: { id: '20', name: 'Work On Issues' },
};

/** Whether the caller holds `key`: group grants for the three modelled global permissions, product access otherwise. */
function holds(req: SimRequest, key: string): boolean {
  const id = callerId(req);
  if (!id) return false;
  if (Object.hasOwn(req.state.globalPermissions, key))
    return hasGlobalPermission(req.state, id, key as GlobalPermissionKey);
  const project = PROJECT_PERMISSIONS[key];
  if (project?.admin) return isJiraAdmin(req);
  if (project?.agent)
    return isJiraAdmin(req) || !!groupByName(req.state, 'jira-servicemanagement-users')?.members.has(id);
  return canAccessJira(req);
}

/**
 * The project context of a `mypermissions` call (`projectId` wins over `projectKey`; an issue stands for
 * its project): unknown or unseen projects and issues are 404s.
 */
function checkContext(req: SimRequest, keys: string[]): SimProject | undefined {
  if (req.query.get('commentId') && keys.some((k) => k !== 'BROWSE_PROJECTS'))
    throw new SimHttpError(400, 'Only the BROWSE_PROJECTS permission is supported when commentId is provided.');
  // The simulator keeps no comment ids a context could name: any comment context is "not found".
  if (req.query.get('commentId'))
    throw new SimHttpError(404, 'Issue does not exist or you do not have permission to see it.');
  const project = permissionContextProject(req);
  if (project === null) {
    const projectId = req.query.get('projectId');
    const projectKey = req.query.get('projectKey');
    if (projectId || projectKey)
      throw new SimHttpError(
        404,
        `No project could be found with ${projectId ? 'id' : 'key'} '${projectId ?? projectKey}'.`,
      );
    throw new SimHttpError(404, 'Issue does not exist or you do not have permission to see it.');
  }
  return project;
}

export const siteRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/api/3/mypermissions',
    dialect: 'platform',
    returns: 'permission',
    handler: (req) => {
      const keys = (req.query.get('permissions') ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (keys.length === 0) throw new SimHttpError(400, 'The permissions query parameter is required.');
      // 400: "`permissions` ... contains an invalid key" (not 404); project permission keys are valid.
      const unknown = keys.filter(
        (k) => !Object.hasOwn(GLOBAL_PERMISSIONS, k) && !Object.hasOwn(PROJECT_PERMISSIONS, k),
      );
      if (unknown.length > 0)
        throw new SimHttpError(400, `No project permissions or global permissions with key(s): ${unknown.join(', ')}.`);
      const context = checkContext(req, keys);
      const permissions: Record<string, unknown> = {};
      for (const key of keys) {
        const global = GLOBAL_PERMISSIONS[key];
        const project = PROJECT_PERMISSIONS[key];
        const def: PermissionDef = global
          ? { ...global, type: 'GLOBAL' }
          : {
              id: project?.id ?? '',
              name: project?.name ?? key,
              description: `Ability to ${(project?.name ?? key).toLowerCase()}.`,
              type: 'PROJECT',
            };
        const have = context && !global ? holdsInProject(req, context, key) : holds(req, key);
        permissions[key] = { ...def, key, havePermission: have };
      }
      return { status: 200, body: { permissions }, objects: keys.length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/myself',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      const id = requireAuthenticated(req);
      const user = req.state.users.get(id);
      if (!user) throw new SimHttpError(401, 'You are not authorized to perform this action.');
      const expand = (req.query.get('expand') ?? '').split(',').filter(Boolean);
      return { status: 200, body: userJson(req.state, req.baseUrl, user, expand), objects: 1 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/serverInfo',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => ({
      status: 200,
      body: {
        baseUrl: req.baseUrl,
        version: '1001.0.0-SNAPSHOT',
        versionNumbers: [1001, 0, 0],
        deploymentType: 'Cloud',
        buildNumber: 100279,
        buildDate: '2026-11-01T00:00:00.000+0000',
        serverTime: new Date().toISOString().replace('Z', '+0000'),
        scmInfo: 'local-simulator',
        serverTitle: 'Jira (local simulator)',
        displayUrl: req.baseUrl,
        serverTimeZone: 'Etc/UTC',
      },
      objects: 1,
    }),
  },
  {
    method: 'GET',
    template: '/rest/api/3/applicationrole/{key}',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      // "Permissions required: Administer Jira"; 404 "if the role is not found".
      requireJiraAdmin(req);
      const role = req.state.applicationRoles.find((r) => r.key === req.params.key);
      if (!role) throw new SimHttpError(404, `No application role found for key '${req.params.key}'.`);
      return { status: 200, body: applicationRoleJson(req.state, role), objects: 1 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/applicationrole',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      requireJiraAdmin(req);
      const body = req.state.applicationRoles.map((r) => applicationRoleJson(req.state, r));
      return { status: 200, body, objects: body.length };
    },
  },
];
