/**
 * Users resource: `user` (GET/POST/DELETE), `user/search`, `users/search`, `user/bulk`,
 * `user/bulk/migration`, `user/groups`, `user/email`, `user/email/bulk`, `user/columns`.
 * Behaviour follows the Jira platform v3 reference (permissions quoted from the spec descriptions).
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError, pageParams } from '../http';
import {
  requireAuthenticated,
  requireBrowseUsers,
  requireJiraAccess,
  requireJiraAdmin,
  requireSiteAdmin,
  canAccessJira,
  canBrowseUsers,
  isJiraAdmin,
  callerId,
} from '../access';
import type { SimUser } from '../model';
import { groupByName, groupsOfUser, hasProductAccess, newUuid } from '../model';
import { applicationRoleJson, groupName, pageBean, userJson } from '../representations';

const USER_NOT_FOUND = 'Specified user does not exist or you do not have required permissions';
/** `user/search` filters, then pages "up to the thousandth user" (spec description). */
export const USER_SEARCH_CAP = 1000;
/** `users/search`: "The maximum number of items to return (limited to 1000)". */
export const USERS_SEARCH_MAX = 1000;
/**
 * `user/bulk` page size cap. The v3 reference gives no number in the parameter text; its documented
 * response example for this operation reports `"maxResults":100`, so 100 it is.
 */
export const USER_BULK_MAX = 100;

function expandOf(req: SimRequest): string[] {
  return (req.query.get('expand') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function findUser(req: SimRequest, accountId: string | null): SimUser {
  if (!accountId) throw new SimHttpError(400, 'The accountId query parameter needs to be provided.');
  const user = req.state.users.get(accountId);
  if (!user) throw new SimHttpError(404, USER_NOT_FOUND);
  return user;
}

/** Prefix match on any word of the display name, or on the email (which is never revealed by it). */
export function matchesQuery(user: SimUser, query: string): boolean {
  const q = query.toLowerCase().trim();
  if (!q) return false;
  if (user.email.toLowerCase().startsWith(q)) return true;
  const name = user.displayName.toLowerCase();
  if (name.startsWith(q)) return true;
  return name.split(/[\s_.\-()]+/).some((word) => word.startsWith(q));
}

/** An email-shaped query: something@domain.tld with no spaces. */
export const EMAIL_SHAPED = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `user/search` with an email-shaped query matches the account whose email is that address, whether or
 * not profile visibility hides the email in the response, and does not match display names. Developers
 * report this on Atlassian's developer community ("JIRA API - Find users query behavior",
 * https://community.developer.atlassian.com/t/jira-api-find-users-query-behavior/55576): a user whose
 * displayName is an email is not found by searching that text, and the reference's own wording is that
 * the query "is matched against user attributes (displayName, and emailAddress)". Other queries keep the
 * prefix match of `matchesQuery`.
 */
export function matchesUserSearch(user: SimUser, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (EMAIL_SHAPED.test(q)) return user.email.toLowerCase() === q;
  return matchesQuery(user, query);
}

/**
 * `user/search`'s `property` filter: `thepropertykey.something.nested=1` (spec). A value without `=`, or a
 * key containing `=` is "not valid" (400). Seeded users carry no entity properties, so a valid filter
 * matches nobody.
 */
function propertyFilter(raw: string | null): ((u: SimUser) => boolean) | undefined {
  if (raw === null) return undefined;
  const eq = raw.indexOf('=');
  const path = raw.slice(0, eq);
  if (eq <= 0 || !path.split('.').every(Boolean))
    throw new SimHttpError(400, `The property query '${raw}' is not valid: use <propertykey>.<path>=<value>.`);
  return () => false;
}

/** `users/search` and `users` ("Get all users" / "Get all users default"): every account, paged. */
function allUsers(req: SimRequest) {
  // These operations document 403 but no 401: an anonymous caller simply lacks Browse users and groups.
  if (req.principal.kind === 'anonymous')
    throw new SimHttpError(403, 'You do not have the permission to browse users and groups.');
  requireBrowseUsers(req);
  const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: USERS_SEARCH_MAX, allowZero: true });
  const all = [...req.state.users.values()];
  const page = all.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: page.map((u) => userJson(req.state, req.baseUrl, u)),
    objects: page.length,
  };
}

function byDisplayName(a: SimUser, b: SimUser): number {
  return a.displayName.localeCompare(b.displayName) || a.accountId.localeCompare(b.accountId);
}

export const userRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/api/3/user',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireBrowseUsers(req);
      const user = findUser(req, req.query.get('accountId'));
      return { status: 200, body: userJson(req.state, req.baseUrl, user, expandOf(req)), objects: 1 };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/user',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      // "Administer Jira global permission. The caller has to be an organization admin."
      requireJiraAdmin(req);
      requireSiteAdmin(req);
      const body = (req.body ?? {}) as { emailAddress?: unknown; displayName?: unknown; products?: unknown };
      const email = typeof body.emailAddress === 'string' ? body.emailAddress.trim() : '';
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        throw new SimHttpError(400, '', { emailAddress: 'You must specify a valid email address.' });
      }
      if (!Array.isArray(body.products)) throw new SimHttpError(400, '', { products: 'products is required.' });
      const products = body.products as unknown[];
      const roles = products.map((p) => {
        const role = req.state.applicationRoles.find((r) => r.key === p);
        if (!role) throw new SimHttpError(400, '', { products: `Invalid product key: ${String(p)}` });
        return role;
      });
      // The reference: "If the user exists and has access to Jira, the operation returns a 201 status. If
      // the user exists but does not have access to Jira, the operation returns a 400 status."
      const existing = [...req.state.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
      if (existing && hasProductAccess(req.state, existing.accountId))
        return { status: 201, body: userJson(req.state, req.baseUrl, existing), objects: 1 };
      if (existing) throw new SimHttpError(400, '', { emailAddress: 'A user with that email address already exists.' });
      // 400: "the number of licensed users is exceeded".
      const full = roles.find((r) => (applicationRoleJson(req.state, r).remainingSeats as number) <= 0);
      if (full)
        throw new SimHttpError(400, `The number of licensed users for ${full.name} is exceeded: no seat is left.`);
      const login = email.split('@')[0] as string;
      // NewUserDetails.displayName "is no longer available": the person sets their own name, so a new
      // account is named after its email until then (the spec's property description).
      const displayName = login;
      const user: SimUser = {
        accountId: `712020:${newUuid(req.state)}`,
        accountType: 'atlassian',
        displayName,
        email,
        emailVisible: true,
        active: true,
        timeZone: 'Etc/UTC',
        locale: 'en_US',
        legacyUsername: login,
        legacyKey: `JIRAUSER${req.state.nextId}`,
      };
      req.state.users.set(user.accountId, user);
      for (const role of roles)
        for (const g of role.defaultGroups) groupByName(req.state, g)?.members.add(user.accountId);
      return {
        status: 201,
        body: userJson(req.state, req.baseUrl, user),
        objects: 1,
        userChanges: [{ kind: 'created', accountId: user.accountId }],
      };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/api/3/user',
    dialect: 'platform',
    returns: 'none',
    handler: (req) => {
      requireSiteAdmin(req);
      const user = findUser(req, req.query.get('accountId'));
      if (user.accountId === callerId(req)) throw new SimHttpError(400, 'You cannot delete yourself.');
      // 400 "if the user cannot be removed": app accounts belong to their app and go when it is uninstalled.
      if (user.accountType === 'app')
        throw new SimHttpError(400, 'App users cannot be deleted: uninstall the app instead.');
      req.state.users.delete(user.accountId);
      for (const g of req.state.groups.values()) g.members.delete(user.accountId);
      for (const d of req.state.serviceDesks.values()) d.customers.delete(user.accountId);
      return { status: 204, userChanges: [{ kind: 'deleted', accountId: user.accountId }] };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/search',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      const query = req.query.get('query');
      const accountId = req.query.get('accountId');
      if (!query && !accountId && !req.query.get('property')) {
        throw new SimHttpError(400, "The query parameter 'query' or 'accountId' or 'property' must be provided.");
      }
      // Spec, 400: "`query` and `accountId` are provided."
      if (query && accountId)
        throw new SimHttpError(400, "The query parameters 'query' and 'accountId' cannot be provided together.");
      const property = propertyFilter(req.query.get('property'));
      const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: USER_SEARCH_CAP, allowZero: true });
      // "Anonymous calls or calls by users without the required permission return empty search results."
      if (!canBrowseUsers(req)) return { status: 200, body: [] };
      const matched = [...req.state.users.values()]
        .filter((u) => u.active)
        .filter((u) => (accountId ? u.accountId === accountId : true))
        .filter((u) => (query ? matchesUserSearch(u, query) : true))
        .filter((u) => (property ? property(u) : true))
        .sort(byDisplayName)
        .slice(0, USER_SEARCH_CAP);
      const page = matched.slice(startAt, startAt + maxResults);
      return {
        status: 200,
        body: page.map((u) => userJson(req.state, req.baseUrl, u)),
        objects: page.length,
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/users/search',
    dialect: 'platform',
    returns: 'user',
    handler: allUsers,
  },
  {
    // "Get all users default": the same list as users/search, and not deprecated (spec).
    method: 'GET',
    template: '/rest/api/3/users',
    dialect: 'platform',
    returns: 'user',
    handler: allUsers,
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/bulk',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireJiraAccessOr401(req);
      const ids = req.query.getAll('accountId');
      if (req.query.getAll('username').length > 0 || req.query.getAll('key').length > 0) {
        throw new SimHttpError(400, 'The username and key query parameters are no longer supported. Use accountId.');
      }
      if (ids.length === 0) throw new SimHttpError(400, 'At least one accountId is required.');
      const { startAt, maxResults } = pageParams(req, { defaultMax: 10, cap: USER_BULK_MAX });
      const found = [...new Set(ids)].map((id) => req.state.users.get(id)).filter((u): u is SimUser => !!u);
      const params = ids.map((id) => `accountId=${encodeURIComponent(id)}`).join('&');
      const body = pageBean(
        req.baseUrl,
        '/rest/api/3/user/bulk',
        found.map((u) => userJson(req.state, req.baseUrl, u)),
        startAt,
        maxResults,
        params,
      );
      return { status: 200, body, objects: (body.values as unknown[]).length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/bulk/migration',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireJiraAccessOr401(req);
      const usernames = req.query.getAll('username');
      const keys = req.query.getAll('key');
      if (usernames.length > 0 && keys.length > 0)
        throw new SimHttpError(400, 'Provide either username or key, not both.');
      if (usernames.length === 0 && keys.length === 0)
        throw new SimHttpError(400, 'Either username or key is required.');
      const { startAt, maxResults } = pageParams(req, { defaultMax: 10, cap: USER_BULK_MAX, allowZero: true });
      const users = [...req.state.users.values()];
      const rows =
        usernames.length > 0
          ? usernames.flatMap((name) =>
              users.filter((u) => u.legacyUsername === name).map((u) => ({ username: name, accountId: u.accountId })),
            )
          : keys.flatMap((key) =>
              users.filter((u) => u.legacyKey === key).map((u) => ({ key, accountId: u.accountId })),
            );
      const page = rows.slice(startAt, startAt + maxResults);
      return { status: 200, body: page, objects: page.length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/groups',
    dialect: 'platform',
    returns: 'group',
    handler: (req) => {
      requireBrowseUsers(req);
      const user = findUser(req, req.query.get('accountId'));
      const groups = groupsOfUser(req.state, user.accountId).map((g) => groupName(req.baseUrl, g));
      return { status: 200, body: groups, objects: groups.length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/email',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireEmailAccess(req);
      const user = findUser(req, req.query.get('accountId'));
      return { status: 200, body: { accountId: user.accountId, email: user.email }, objects: 1 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/user/email/bulk',
    dialect: 'platform',
    returns: 'user',
    handler: (req) => {
      requireEmailAccess(req);
      const ids = req.query.getAll('accountId');
      if (ids.length === 0) throw new SimHttpError(400, 'At least one accountId is required.');
      // The spec types this as one UnrestrictedUserEmail; the live API answers an array (SOURCES.md).
      const rows = [...new Set(ids)]
        .map((id) => req.state.users.get(id))
        .filter((u): u is SimUser => !!u)
        .map((u) => ({ accountId: u.accountId, email: u.email }));
      return { status: 200, body: rows, objects: rows.length };
    },
  },
  ...columnRoutes(),
];

/**
 * "Permission to access Jira" on operations that document 401 as their only refusal (`user/bulk`,
 * `user/bulk/migration`): a caller without product access gets 401, not an undocumented 403.
 */
function requireJiraAccessOr401(req: SimRequest): void {
  requireAuthenticated(req);
  if (!canAccessJira(req)) throw new SimHttpError(401, 'You do not have permission to access Jira.');
}

/**
 * "For Forge apps, this API only supports access via asApp() requests." Anyone else gets the documented
 * 401: "the authentication credentials are incorrect or missing from the request (for example if a user
 * is trying to access this API)".
 */
function requireEmailAccess(req: SimRequest): void {
  if (req.principal.kind !== 'app') {
    throw new SimHttpError(401, 'This resource is only available to apps: call it with asApp().');
  }
}

/** System navigable fields plus custom fields: the ids an issue table column can have. */
const SYSTEM_COLUMNS = new Set([
  'issuetype',
  'issuekey',
  'summary',
  'assignee',
  'reporter',
  'creator',
  'priority',
  'status',
  'resolution',
  'created',
  'updated',
  'duedate',
  'resolutiondate',
  'lastViewed',
  'labels',
  'components',
  'fixVersions',
  'versions',
  'description',
  'environment',
  'security',
  'watches',
  'votes',
  'progress',
  'aggregateprogress',
  'timeestimate',
  'timeoriginalestimate',
  'timespent',
  'workratio',
  'statuscategorychangedate',
  'parent',
]);

function isColumnId(id: string): boolean {
  return SYSTEM_COLUMNS.has(id) || /^customfield_\d+$/.test(id);
}

function columnRoutes(): Route[] {
  /** Administer Jira for any user; otherwise (with permission to access Jira) only the caller's own columns. */
  const target = (req: SimRequest): SimUser => {
    const caller = requireAuthenticated(req);
    const accountId = req.query.get('accountId') ?? caller;
    if (isJiraAdmin(req)) return findUser(req, accountId);
    requireJiraAccess(req);
    if (accountId !== caller)
      throw new SimHttpError(403, 'You do not have permission to access the columns of another user.');
    return findUser(req, accountId);
  };
  const columnsJson = (req: SimRequest, ids: string[]) =>
    ids.map((value) => ({ label: value.charAt(0).toUpperCase() + value.slice(1), value }));
  return [
    {
      method: 'GET',
      template: '/rest/api/3/user/columns',
      dialect: 'platform',
      returns: 'other',
      handler: (req) => {
        const user = target(req);
        const body = columnsJson(req, user.columns ?? req.state.defaultColumns);
        return { status: 200, body, objects: body.length };
      },
    },
    {
      method: 'PUT',
      template: '/rest/api/3/user/columns',
      dialect: 'platform',
      returns: 'none',
      handler: (req) => {
        const user = target(req);
        // The body is form data (`columns=summary&columns=description`, read as { columns: [...] }) or
        // JSON `{ "columns": [...] }`; one `columns` field arrives as a single value.
        const raw = Array.isArray(req.body) ? req.body : (req.body as { columns?: unknown } | undefined)?.columns;
        const columns: unknown[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
        // 500: "Returned if an invalid issue table column ID is sent."
        const invalid = columns.find((c) => typeof c !== 'string' || !isColumnId(c));
        if (invalid !== undefined) throw new SimHttpError(500, `Invalid issue table column ID: ${String(invalid)}`);
        // "If no column details are sent, then all default columns are removed."
        user.columns = columns as string[];
        return { status: 200, body: {} };
      },
    },
    {
      method: 'DELETE',
      template: '/rest/api/3/user/columns',
      dialect: 'platform',
      returns: 'none',
      handler: (req) => {
        const user = target(req);
        delete user.columns;
        return { status: 204 };
      },
    },
  ];
}
