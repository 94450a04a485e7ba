/**
 * JSM resources: `servicedesk` (list, one), `customer` (POST), `servicedesk/{id}/customer`
 * (GET/POST/DELETE), `organization` (list) and `organization/{id}/user`. Paging is
 * `start/limit/isLastPage`; errors are `ErrorResponse`.
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError, boolParam, carriedQuery, pageParams } from '../http';
import { isJiraAdmin, requireAuthenticated, requireJiraAdmin } from '../access';
import type { SimOrganization, SimServiceDesk, SimUser } from '../model';
import { hasGlobalPermission, newUuid } from '../model';
import { matchesQuery } from './users';
import { pagedDto, serviceDeskJson, userDtoJson } from '../representations';

export const JSM_PAGE_MAX = 50;
const JSM_PAGING = ['start', 'limit'];

/**
 * The desk a path names: "The ID of the service desk ... This can alternatively be a project identifier"
 * (the project's id or key).
 */
function desk(req: SimRequest): SimServiceDesk {
  const ref = req.params.serviceDeskId ?? '';
  const d =
    req.state.serviceDesks.get(ref) ??
    [...req.state.serviceDesks.values()].find((x) => x.projectId === ref || x.projectKey === ref);
  if (!d)
    throw new SimHttpError(
      404,
      `Service Desk with id ${req.params.serviceDeskId} does not exist or you do not have permission to access it.`,
    );
  return d;
}

/** Agents (JSM product access), admins and the app user work on every desk. */
function isAgentOrAdmin(req: SimRequest): boolean {
  const id = requireAuthenticated(req);
  if (req.principal.kind === 'app' || isJiraAdmin(req)) return true;
  return [...req.state.groups.values()].some((g) => g.name === 'jira-servicemanagement-users' && g.members.has(id));
}

function requireAgentOrAdmin(req: SimRequest): void {
  if (!isAgentOrAdmin(req)) throw new SimHttpError(403, 'You do not have permission to access this service desk.');
}

/**
 * "Permission to access the Service Desk": its agents and admins, and its portal users: anyone with an
 * account on an open desk, a desk's own customers on a closed one.
 */
function canAccessDesk(req: SimRequest, d: SimServiceDesk): boolean {
  if (isAgentOrAdmin(req)) return true;
  return d.access === 'open' || d.customers.has(requireAuthenticated(req));
}

/** "Service desk administrator": Jira admins in this simulator. */
function requireDeskAdmin(req: SimRequest): void {
  const id = requireAuthenticated(req);
  if (!hasGlobalPermission(req.state, id, 'ADMINISTER'))
    throw new SimHttpError(403, 'You do not have permission to manage customers of this service desk.');
}

function pageArgs(req: SimRequest): [number, number] {
  const { startAt, maxResults } = pageParams(req, {
    startName: 'start',
    maxName: 'limit',
    defaultMax: 50,
    cap: JSM_PAGE_MAX,
  });
  return [startAt, maxResults];
}

/** The body's accounts: those that exist, and the ids that name no account. */
function accountIdsOf(req: SimRequest): { users: SimUser[]; unknown: string[] } {
  const body = (req.body ?? {}) as { accountIds?: unknown; usernames?: unknown };
  if (body.usernames !== undefined) throw new SimHttpError(400, 'usernames is no longer supported; use accountIds.');
  if (!Array.isArray(body.accountIds) || body.accountIds.length === 0)
    throw new SimHttpError(400, 'accountIds must be a non-empty list.');
  const users: SimUser[] = [];
  const unknown: string[] = [];
  for (const id of body.accountIds) {
    const user = typeof id === 'string' ? req.state.users.get(id) : undefined;
    if (user) users.push(user);
    else unknown.push(String(id));
  }
  return { users, unknown };
}

/** `OrganizationDTO`. */
function organizationJson(baseUrl: string, o: SimOrganization): Record<string, unknown> {
  const iso = new Date(o.created).toISOString();
  return {
    id: o.id,
    name: o.name,
    scimManaged: false,
    created: {
      iso8601: iso.replace(/\.\d{3}Z$/, '+0000'),
      jira: iso.replace('Z', '+0000'),
      friendly: new Date(o.created).toUTCString().slice(5, 16),
      epochMillis: o.created,
    },
    _links: { self: `${baseUrl}/rest/servicedeskapi/organization/${o.id}` },
  };
}

export const serviceDeskRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk',
    dialect: 'jsm',
    returns: 'other',
    handler: (req) => {
      // "Permissions required: Any": the desks the caller can access, which may be none (never a 403).
      requireAuthenticated(req);
      const [start, limit] = pageArgs(req);
      const all = [...req.state.serviceDesks.values()]
        .filter((d) => canAccessDesk(req, d))
        .map((d) => serviceDeskJson(req.baseUrl, d));
      const body = pagedDto(
        req.baseUrl,
        '/rest/servicedeskapi/servicedesk',
        all,
        start,
        limit,
        carriedQuery(req, JSM_PAGING),
      );
      return { status: 200, body, objects: body.size as number };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}',
    dialect: 'jsm',
    returns: 'other',
    handler: (req) => {
      requireAuthenticated(req);
      const d = desk(req);
      if (!canAccessDesk(req, d))
        throw new SimHttpError(403, 'You do not have permission to access this service desk.');
      return { status: 200, body: serviceDeskJson(req.baseUrl, d), objects: 1 };
    },
  },
  {
    method: 'POST',
    template: '/rest/servicedeskapi/customer',
    dialect: 'jsm',
    returns: 'user',
    handler: (req) => {
      // "Permissions required: Jira Administrator Global permission"
      requireJiraAdmin(req);
      const body = (req.body ?? {}) as { email?: unknown; displayName?: unknown; fullName?: unknown };
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      const displayName =
        typeof body.displayName === 'string'
          ? body.displayName
          : typeof body.fullName === 'string'
            ? body.fullName
            : '';
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
        throw new SimHttpError(400, 'Please provide a valid email address.');
      if (!displayName.trim()) throw new SimHttpError(400, 'Please provide a display name.');
      const existing = [...req.state.users.values()].find((u) => u.email.toLowerCase() === email.toLowerCase());
      if (existing) {
        // strictConflictStatusCode=true answers 409; otherwise Jira keeps its historical 400.
        const status = boolParam(req, 'strictConflictStatusCode') ? 409 : 400;
        throw new SimHttpError(status, 'An account already exists for this email.');
      }
      const user: SimUser = {
        accountId: `qm:${newUuid(req.state)}`,
        accountType: 'customer',
        displayName: displayName.trim(),
        email,
        emailVisible: true,
        active: true,
        timeZone: 'Etc/UTC',
        locale: 'en_US',
        legacyUsername: email,
        legacyKey: `qm:${req.state.nextId}`,
      };
      req.state.users.set(user.accountId, user);
      return {
        status: 201,
        body: userDtoJson(req.baseUrl, user),
        objects: 1,
        userChanges: [{ kind: 'created', accountId: user.accountId }],
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
    returns: 'user',
    handler: (req) => {
      requireAgentOrAdmin(req);
      const d = desk(req);
      const [start, limit] = pageArgs(req);
      const query = req.query.get('query');
      const all = [...d.customers]
        .map((id) => req.state.users.get(id))
        .filter((u): u is SimUser => !!u && (!query || matchesQuery(u, query)))
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((u) => userDtoJson(req.baseUrl, u));
      const body = pagedDto(
        req.baseUrl,
        `/rest/servicedeskapi/servicedesk/${req.params.serviceDeskId}/customer`,
        all,
        start,
        limit,
        carriedQuery(req, JSM_PAGING),
      );
      return { status: 200, body, objects: body.size as number };
    },
  },
  {
    method: 'POST',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
    returns: 'none',
    handler: (req) => {
      requireDeskAdmin(req);
      const d = desk(req);
      // "If any of the passed customers are associated with the service desk, no changes will be made for those customers"
      const { users, unknown } = accountIdsOf(req);
      for (const u of users) d.customers.add(u.accountId);
      // 400: "Returned if any of the customers do not exist. Note that any valid customers are added".
      if (unknown.length > 0)
        throw new SimHttpError(
          400,
          unknown.length === 1
            ? `The user with accountId ${unknown[0]} does not exist.`
            : `The users with accountIds ${unknown.join(', ')} do not exist.`,
        );
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
    returns: 'none',
    handler: (req) => {
      requireDeskAdmin(req);
      const d = desk(req);
      // "The service desk must have closed access."
      if (d.access !== 'closed')
        throw new SimHttpError(400, 'Customers can only be removed from a service desk with closed access.');
      // "If any of the passed customers are not associated with the service desk, no changes will be made
      // for those customers and the resource returns a 204": an id with no account is not associated either.
      for (const u of accountIdsOf(req).users) d.customers.delete(u.accountId);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/organization',
    dialect: 'jsm',
    returns: 'other',
    handler: (req) => {
      // "Permissions required: Any. However, to fetch organizations based on `accountId` the user must have
      // a Service Desk agent license." "If the user is a customer, only those organizations of which the
      // customer is a member are listed."
      const caller = requireAuthenticated(req);
      const accountId = req.query.get('accountId');
      const agent = isAgentOrAdmin(req);
      if (accountId !== null) {
        if (!agent)
          throw new SimHttpError(403, 'You need a Jira Service Management agent licence to filter by accountId.');
        if (!req.state.users.has(accountId)) throw new SimHttpError(404, `The user ${accountId} does not exist.`);
      }
      const member = accountId ?? (agent ? undefined : caller);
      const [start, limit] = pageArgs(req);
      const all = [...req.state.organizations.values()]
        .filter((o) => member === undefined || o.members.has(member))
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((o) => organizationJson(req.baseUrl, o));
      const body = pagedDto(
        req.baseUrl,
        '/rest/servicedeskapi/organization',
        all,
        start,
        limit,
        carriedQuery(req, JSM_PAGING),
      );
      return { status: 200, body, objects: body.size as number };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/organization/{organizationId}/user',
    dialect: 'jsm',
    returns: 'user',
    handler: (req) => {
      // "Permissions required: Service desk administrator or agent"; 404 "if the organization does not exist";
      // "ordered by their accountId".
      requireAgentOrAdmin(req);
      const org = req.state.organizations.get(req.params.organizationId ?? '');
      if (!org) throw new SimHttpError(404, `Organization ${req.params.organizationId} does not exist.`);
      const [start, limit] = pageArgs(req);
      const all = [...org.members]
        .map((id) => req.state.users.get(id))
        .filter((u): u is SimUser => !!u)
        .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
        .map((u) => userDtoJson(req.baseUrl, u));
      const body = pagedDto(req.baseUrl, `/rest/servicedeskapi/organization/${org.id}/user`, all, start, limit);
      return { status: 200, body, objects: body.size as number };
    },
  },
];
