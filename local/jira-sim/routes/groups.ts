/**
 * Groups resource: `group` (POST/DELETE), `group/bulk`, `group/member`, `group/user` (POST/DELETE),
 * `groups/picker`. Membership writes need site administration, so asApp gets 403 as on a real site.
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError, boolParam, intParam } from '../http';
import { canBrowseUsers, requireBrowseUsers, requireSiteAdmin } from '../access';
import type { SimGroup, SimUser } from '../model';
import { groupByName, newUuid } from '../model';
import { pageBean, userDetailsJson } from '../representations';

/** `group/member`: "number should be between 1 and 50". */
export const GROUP_MEMBER_MAX = 50;

function targetGroup(req: SimRequest): SimGroup {
  const name = req.query.get('groupname') ?? req.query.get('groupName');
  const id = req.query.get('groupId');
  if (name && id) throw new SimHttpError(400, 'Only one of groupname or groupId can be provided.');
  if (!name && !id) throw new SimHttpError(400, 'Either groupname or groupId must be provided.');
  const group = id ? req.state.groups.get(id) : groupByName(req.state, name as string);
  if (!group) throw new SimHttpError(404, `Group not found: ${id ?? name}`);
  return group;
}

function groupJson(req: SimRequest, g: SimGroup): Record<string, unknown> {
  return {
    name: g.name,
    groupId: g.groupId,
    self: `${req.baseUrl}/rest/api/3/group?groupId=${g.groupId}`,
    users: { size: g.members.size, items: [], 'max-results': 50, 'start-index': 0, 'end-index': 0 },
    expand: 'users',
  };
}

function accessTypeOf(req: SimRequest, g: SimGroup): 'site-admin' | 'admin' | 'user' | 'none' {
  if (g.name === req.state.siteAdminGroup) return 'site-admin';
  if (req.state.globalPermissions.ADMINISTER.includes(g.name)) return 'admin';
  if (req.state.applicationRoles.some((r) => r.groups.includes(g.name))) return 'user';
  return 'none';
}

function memberTarget(req: SimRequest, accountId: unknown): SimUser {
  if (typeof accountId !== 'string' || !accountId) throw new SimHttpError(400, 'accountId is required.');
  const user = req.state.users.get(accountId);
  if (!user) throw new SimHttpError(404, `User does not exist: ${accountId}`);
  return user;
}

export const groupRoutes: Route[] = [
  {
    method: 'POST',
    template: '/rest/api/3/group',
    dialect: 'platform',
    handler: (req) => {
      requireSiteAdmin(req);
      const name = (req.body as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || !name.trim())
        throw new SimHttpError(400, '', { name: 'You must specify a group name.' });
      if (groupByName(req.state, name)) throw new SimHttpError(400, 'A group with that name already exists.');
      const group: SimGroup = { groupId: newUuid(req.state), name: name.trim(), members: new Set() };
      req.state.groups.set(group.groupId, group);
      return { status: 201, body: groupJson(req, group), objects: 1 };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/api/3/group',
    dialect: 'platform',
    handler: (req) => {
      requireSiteAdmin(req);
      const group = targetGroup(req);
      req.state.groups.delete(group.groupId);
      return { status: 200 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/group/bulk',
    dialect: 'platform',
    handler: (req) => {
      requireBrowseUsers(req);
      const startAt = intParam(req, 'startAt', 0);
      const maxResults = Math.min(intParam(req, 'maxResults', 50), 1000);
      const ids = new Set(req.query.getAll('groupId'));
      const names = new Set(req.query.getAll('groupName').map((n) => n.toLowerCase()));
      const accessType = req.query.get('accessType');
      const appKey = req.query.get('applicationKey');
      const role = appKey ? req.state.applicationRoles.find((r) => r.key === appKey) : undefined;
      if (appKey && !role) throw new SimHttpError(400, `Invalid applicationKey: ${appKey}`);
      const all = [...req.state.groups.values()]
        .filter((g) => ids.size === 0 || ids.has(g.groupId))
        .filter((g) => names.size === 0 || names.has(g.name.toLowerCase()))
        .filter((g) => !accessType || accessTypeOf(req, g) === accessType)
        .filter((g) => !role || role.groups.includes(g.name))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((g) => ({ name: g.name, groupId: g.groupId }));
      const body = pageBean(req.baseUrl, '/rest/api/3/group/bulk', all, startAt, maxResults);
      return { status: 200, body, objects: (body.values as unknown[]).length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/group/member',
    dialect: 'platform',
    handler: (req) => {
      requireBrowseUsers(req);
      const group = targetGroup(req);
      const startAt = intParam(req, 'startAt', 0);
      const maxResults = intParam(req, 'maxResults', 50);
      if (maxResults < 1) throw new SimHttpError(400, 'maxResults should be between 1 and 50.');
      const inactive = boolParam(req, 'includeInactiveUsers');
      // "users are ordered by username" (spec): the legacy username stands in for it.
      const members = [...group.members]
        .map((id) => req.state.users.get(id))
        .filter((u): u is SimUser => !!u && (inactive || u.active))
        .sort((a, b) => a.legacyUsername.localeCompare(b.legacyUsername))
        .map((u) => userDetailsJson(req.baseUrl, u));
      const query = `groupId=${group.groupId}${inactive ? '&includeInactiveUsers=true' : ''}`;
      const body = pageBean(
        req.baseUrl,
        '/rest/api/3/group/member',
        members,
        startAt,
        Math.min(maxResults, GROUP_MEMBER_MAX),
        query,
      );
      return { status: 200, body, objects: (body.values as unknown[]).length };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/group/user',
    dialect: 'platform',
    handler: (req) => {
      requireSiteAdmin(req);
      const group = targetGroup(req);
      const user = memberTarget(req, (req.body as { accountId?: unknown } | undefined)?.accountId);
      if (user.accountType === 'customer') {
        throw new SimHttpError(400, 'Cannot add user. Customer accounts (portal-only) cannot be added to groups.');
      }
      if (group.members.has(user.accountId)) {
        throw new SimHttpError(400, `Cannot add user. User is already a member of '${group.name}'`);
      }
      group.members.add(user.accountId);
      return { status: 201, body: groupJson(req, group), objects: 1 };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/api/3/group/user',
    dialect: 'platform',
    handler: (req) => {
      requireSiteAdmin(req);
      const group = targetGroup(req);
      const user = memberTarget(req, req.query.get('accountId'));
      if (!group.members.has(user.accountId)) {
        throw new SimHttpError(400, `Cannot remove user. User is not a member of '${group.name}'`);
      }
      group.members.delete(user.accountId);
      return { status: 200 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/groups/picker',
    dialect: 'platform',
    handler: (req) => {
      const query = (req.query.get('query') ?? '').toLowerCase();
      const exclude = new Set(req.query.getAll('exclude').map((e) => e.toLowerCase()));
      const maxResults = intParam(req, 'maxResults', 20);
      const browse = canBrowseUsers(req);
      // Without Browse users and groups, only an exact match is returned (spec description).
      const matched = [...req.state.groups.values()]
        .filter((g) => !exclude.has(g.name.toLowerCase()))
        .filter((g) => (browse ? g.name.toLowerCase().includes(query) : g.name.toLowerCase() === query))
        .sort((a, b) => a.name.localeCompare(b.name));
      const shown = matched.slice(0, maxResults);
      const body = {
        header: `Showing ${shown.length} of ${matched.length} matching groups`,
        total: matched.length,
        groups: shown.map((g) => ({
          name: g.name,
          html: query
            ? g.name.replace(new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), (m) => `<b>${m}</b>`)
            : g.name,
          labels: [],
          groupId: g.groupId,
        })),
      };
      return { status: 200, body, objects: shown.length };
    },
  },
];
