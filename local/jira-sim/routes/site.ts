/**
 * Site-level resources: `mypermissions`, `myself`, `serverInfo`, `applicationrole`.
 */
import type { Route } from '../http';
import { SimHttpError } from '../http';
import { callerId, requireAuthenticated, requireJiraAdmin } from '../access';
import type { GlobalPermissionKey } from '../model';
import { hasGlobalPermission } from '../model';
import { applicationRoleJson, userJson } from '../representations';

const GLOBAL_PERMISSIONS: Record<GlobalPermissionKey, { id: string; name: string; description: string }> = {
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
};

export const siteRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/api/3/mypermissions',
    dialect: 'platform',
    handler: (req) => {
      const keys = (req.query.get('permissions') ?? '')
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean);
      if (keys.length === 0) throw new SimHttpError(400, 'The permissions query parameter is required.');
      const id = callerId(req);
      const permissions: Record<string, unknown> = {};
      for (const key of keys) {
        const def = GLOBAL_PERMISSIONS[key as GlobalPermissionKey];
        if (!def) throw new SimHttpError(404, `No project permissions or global permissions with key ${key}.`);
        permissions[key] = {
          id: def.id,
          key,
          name: def.name,
          type: 'GLOBAL',
          description: def.description,
          havePermission: !!id && hasGlobalPermission(req.state, id, key as GlobalPermissionKey),
        };
      }
      return { status: 200, body: { permissions } };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/myself',
    dialect: 'platform',
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
    }),
  },
  {
    method: 'GET',
    template: '/rest/api/3/applicationrole',
    dialect: 'platform',
    handler: (req) => {
      requireJiraAdmin(req);
      const body = req.state.applicationRoles.map((r) => applicationRoleJson(req.state, r));
      return { status: 200, body, objects: body.length };
    },
  },
];
