/**
 * Groups resource: `group` (POST/DELETE), `group/bulk`, `group/member`, `group/user` (POST/DELETE),
 * `groups/picker`. Membership writes need site administration, so asApp gets 403 as on a real site.
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError, boolParam, carriedQuery, enumParam, intParam, pageParams } from '../http';
import { canAccessJira, canBrowseUsers, requireBrowseUsers, requireSiteAdmin } from '../access';
import type { SimGroup, SimUser } from '../model';
import { groupByName, newUuid } from '../model';
import { pageBean, userDetailsJson } from '../representations';

/** `group/member`: "number should be between 1 and 50". */
export const GROUP_MEMBER_MAX = 50;
/** `group/bulk` page size cap (the spec gives none; the simulator's long-standing choice). */
export const GROUP_BULK_MAX = 1000;
/** `group/bulk?accessType=`: "Valid values: 'site-admin', 'admin', 'user'." */
const ACCESS_TYPES = ['site-admin', 'admin', 'user'] as const;
/** `group/bulk?applicationKey=`: "Valid values: 'jira-servicedesk', 'jira-software', 'jira-product-discovery', 'jira-core'." */
const APPLICATION_KEYS = ['jira-servicedesk', 'jira-software', 'jira-product-discovery', 'jira-core'] as const;

function targetGroup(req: SimRequest): SimGroup {
  const name = req.query.get('groupname') ?? req.query.get('groupName');
  const id = req.query.get('groupId');
  if (name && id) throw new SimHttpError(400, 'Only one of groupname or groupId can be provided.');
  if (!name && !id) throw new SimHttpError(400, 'Either groupname or groupId must be provided.');
  const group = id ? req.state.groups.get(id) : groupByName(req.state, name as string);
  if (!group) throw new SimHttpError(404, `Group not found: ${id ?? name}`);
  return group;
}

/**
 * A group's members in username order, remembered for a moment per group so that paging through a
 * large group does not sort it again for every page of 50 (a simulator speed-up; answers are unchanged
 * because the memo is dropped whenever membership size changes and after a second).
 */
const memberOrder = new WeakMap<SimGroup, { size: number; inactive: boolean; at: number; users: SimUser[] }>();
const collator = new Intl.Collator('en');
function orderedMembers(req: SimRequest, group: SimGroup, inactive: boolean): SimUser[] {
  const memo = memberOrder.get(group);
  const now = Date.now();
  if (memo && memo.size === group.members.size && memo.inactive === inactive && now - memo.at < 1000) return memo.users;
  const users = [...group.members]
    .map((id) => req.state.users.get(id))
    .filter((u): u is SimUser => !!u && (inactive || u.active))
    .sort((a, b) => collator.compare(a.legacyUsername, b.legacyUsername));
  memberOrder.set(group, { size: group.members.size, inactive, at: now, users });
  return users;
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
    // Deprecated ("use group/member") but served as its spec says: the group with `users` as a
    // PagedListUserDetailsApplicationUser of at most 50, listed only with `expand=users` (or
    // `expand=users[a:b]`, inclusive 0-based indexes); active members in username order, as group/member's
    // default. 400 without a group, 403 without Browse users and groups / Administer Jira, 404 unknown.
    method: 'GET',
    template: '/rest/api/3/group',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireBrowseUsers(req);
      const group = targetGroup(req);
      const members = orderedMembers(req, group, false);
      const expand = /(?:^|,)users(?:\[(\d+):(\d+)\])?(?:,|$)/.exec(req.query.get('expand') ?? '');
      const from = expand?.[1] !== undefined ? Number(expand[1]) : 0;
      const to = expand?.[2] !== undefined ? Number(expand[2]) : from + 49;
      const shown = expand ? members.slice(from, Math.min(to + 1, from + 50)) : [];
      const body = {
        ...groupJson(req, group),
        users: {
          size: members.length,
          items: shown.map((u) => userDetailsJson(req.baseUrl, u)),
          'max-results': 50,
          'start-index': expand ? from : 0,
          'end-index': expand ? from + Math.max(shown.length - 1, 0) : 0,
        },
      };
      return { status: 200, body, objects: shown.length };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/group',
    dialect: 'platform',
    returns: 'group',
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
    returns: 'none',
    handler: (req) => {
      requireSiteAdmin(req);
      const group = targetGroup(req);
      // swapGroup and swapGroupId: "This parameter cannot be used with the `swapGroup` parameter."
      const swapName = req.query.get('swapGroup');
      const swapId = req.query.get('swapGroupId');
      if (swapName && swapId) throw new SimHttpError(400, 'Only one of swapGroup or swapGroupId can be provided.');
      if (swapName || swapId) {
        const swap = swapId ? req.state.groups.get(swapId) : groupByName(req.state, swapName as string);
        if (!swap) throw new SimHttpError(404, `Group not found: ${swapId ?? swapName}`);
        if (swap.groupId === group.groupId)
          throw new SimHttpError(400, 'You cannot transfer restrictions to the group you are deleting.');
      }
      req.state.groups.delete(group.groupId);
      return { status: 200 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/group/bulk',
    dialect: 'platform',
    returns: 'group',
    handler: (req) => {
      requireBrowseUsers(req);
      const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: GROUP_BULK_MAX });
      const ids = new Set(req.query.getAll('groupId'));
      const names = new Set(req.query.getAll('groupName').map((n) => n.toLowerCase()));
      // Values outside the documented enums are a 400 ("the request is not valid"), an empty one included.
      const accessType = enumParam(req, 'accessType', ACCESS_TYPES);
      const appKey = enumParam(req, 'applicationKey', APPLICATION_KEYS);
      // A documented product the site does not have (e.g. jira-core here) has no groups: an empty page.
      const roleGroups = appKey ? (req.state.applicationRoles.find((r) => r.key === appKey)?.groups ?? []) : undefined;
      const all = [...req.state.groups.values()]
        .filter((g) => ids.size === 0 || ids.has(g.groupId))
        .filter((g) => names.size === 0 || names.has(g.name.toLowerCase()))
        .filter((g) => !accessType || accessTypeOf(req, g) === accessType)
        .filter((g) => !roleGroups || roleGroups.includes(g.name))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((g) => ({ name: g.name, groupId: g.groupId }));
      const body = pageBean(req.baseUrl, '/rest/api/3/group/bulk', all, startAt, maxResults, carriedQuery(req));
      return { status: 200, body, objects: (body.values as unknown[]).length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/group/member',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireBrowseUsers(req);
      const group = targetGroup(req);
      // "number should be between 1 and 50": below 1 is refused, above 50 is served as 50.
      const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: GROUP_MEMBER_MAX });
      const inactive = boolParam(req, 'includeInactiveUsers');
      // "users are ordered by username" (spec): the legacy username stands in for it.
      const members = orderedMembers(req, group, inactive);
      const query = `groupId=${group.groupId}${inactive ? '&includeInactiveUsers=true' : ''}`;
      // Only the page's members are rendered (a 100k-user site has groups of tens of thousands).
      const body = pageBean(req.baseUrl, '/rest/api/3/group/member', members, startAt, maxResults, query);
      body.values = (body.values as SimUser[]).map((u) => userDetailsJson(req.baseUrl, u));
      return { status: 200, body, objects: (body.values as unknown[]).length };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/group/user',
    dialect: 'platform',
    returns: 'group',
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
      return {
        status: 201,
        body: groupJson(req, group),
        objects: 1,
        userChanges: [{ kind: 'groups', accountId: user.accountId }],
      };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/api/3/group/user',
    dialect: 'platform',
    returns: 'none',
    handler: (req) => {
      requireSiteAdmin(req);
      const group = targetGroup(req);
      const user = memberTarget(req, req.query.get('accountId'));
      if (!group.members.has(user.accountId)) {
        throw new SimHttpError(400, `Cannot remove user. User is not a member of '${group.name}'`);
      }
      group.members.delete(user.accountId);
      return { status: 200, userChanges: [{ kind: 'groups', accountId: user.accountId }] };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/groups/picker',
    dialect: 'platform',
    returns: 'group',
    handler: (req) => {
      const rawQuery = req.query.get('query') ?? '';
      // `caseInsensitive` (default false): the match is case-sensitive unless the caller asks otherwise.
      const insensitive = boolParam(req, 'caseInsensitive');
      const fold = (text: string) => (insensitive ? text.toLowerCase() : text);
      const query = fold(rawQuery);
      const exclude = new Set(req.query.getAll('exclude').map((e) => e.toLowerCase()));
      const excludeIds = new Set(req.query.getAll('excludeId'));
      // The limit is `jira.ajax.autocomplete.limit` (20 by default); a negative one is meaningless.
      const maxResults = intParam(req, 'maxResults', 20);
      if (maxResults < 0) throw new SimHttpError(400, `The value '${maxResults}' is invalid for maxResults.`);
      const browse = canBrowseUsers(req);
      // "Browse projects" is required: "Anonymous calls and calls by users without the required permission
      // return an empty list". Without Browse users and groups, only an exact match is returned.
      const browseProjects = canAccessJira(req);
      const matched = [...req.state.groups.values()]
        .filter(() => browseProjects)
        .filter((g) => !exclude.has(g.name.toLowerCase()) && !excludeIds.has(g.groupId))
        .filter((g) => (browse ? fold(g.name).includes(query) : fold(g.name) === query))
        .sort((a, b) => a.name.localeCompare(b.name));
      const shown = matched.slice(0, maxResults);
      const body = {
        header: `Showing ${shown.length} of ${matched.length} matching groups`,
        total: matched.length,
        groups: shown.map((g) => ({
          name: g.name,
          html: query
            ? g.name.replace(
                new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), insensitive ? 'i' : ''),
                (m) => `<b>${m}</b>`,
              )
            : g.name,
          labels: [],
          groupId: g.groupId,
        })),
      };
      return { status: 200, body, objects: shown.length };
    },
  },
];
