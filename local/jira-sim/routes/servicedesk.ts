/**
 * JSM resources: `servicedesk` (list, one), `customer` (POST), `servicedesk/{id}/customer`
 * (GET/POST/DELETE). Paging is `start/limit/isLastPage`; errors are `ErrorResponse`.
 */
import type { Route, SimRequest } from '../http';
import { SimHttpError, intParam } from '../http';
import { isJiraAdmin, requireAuthenticated, requireJiraAdmin } from '../access';
import type { SimServiceDesk, SimUser } from '../model';
import { hasGlobalPermission, newUuid } from '../model';
import { matchesQuery } from './users';
import { pagedDto, serviceDeskJson, userDtoJson } from '../representations';

export const JSM_PAGE_MAX = 50;

function desk(req: SimRequest): SimServiceDesk {
  const d = req.state.serviceDesks.get(req.params.serviceDeskId ?? '');
  if (!d)
    throw new SimHttpError(
      404,
      `Service Desk with id ${req.params.serviceDeskId} does not exist or you do not have permission to access it.`,
    );
  return d;
}

/** Agents (JSM product access) and admins see desks; the app user sees everything. */
function requireAgentOrAdmin(req: SimRequest): void {
  const id = requireAuthenticated(req);
  if (req.principal.kind === 'app' || isJiraAdmin(req)) return;
  const agent = [...req.state.groups.values()].some(
    (g) => g.name === 'jira-servicemanagement-users' && g.members.has(id),
  );
  if (!agent) throw new SimHttpError(403, 'You do not have permission to access this service desk.');
}

/** "Service desk administrator": Jira admins in this simulator. */
function requireDeskAdmin(req: SimRequest): void {
  const id = requireAuthenticated(req);
  if (!hasGlobalPermission(req.state, id, 'ADMINISTER'))
    throw new SimHttpError(403, 'You do not have permission to manage customers of this service desk.');
}

function pageArgs(req: SimRequest): [number, number] {
  const start = intParam(req, 'start', 0);
  const limit = intParam(req, 'limit', 50);
  if (start < 0 || limit < 0) throw new SimHttpError(400, 'start and limit must be positive.');
  return [start, Math.min(limit, JSM_PAGE_MAX)];
}

function accountIdsOf(req: SimRequest): SimUser[] {
  const body = (req.body ?? {}) as { accountIds?: unknown; usernames?: unknown };
  if (body.usernames !== undefined) throw new SimHttpError(400, 'usernames is no longer supported; use accountIds.');
  if (!Array.isArray(body.accountIds) || body.accountIds.length === 0)
    throw new SimHttpError(400, 'accountIds must be a non-empty list.');
  return body.accountIds.map((id) => {
    const user = typeof id === 'string' ? req.state.users.get(id) : undefined;
    if (!user) throw new SimHttpError(400, `The user with accountId ${String(id)} does not exist.`);
    return user;
  });
}

export const serviceDeskRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk',
    dialect: 'jsm',
    handler: (req) => {
      requireAgentOrAdmin(req);
      const [start, limit] = pageArgs(req);
      const all = [...req.state.serviceDesks.values()].map((d) => serviceDeskJson(req.baseUrl, d));
      const body = pagedDto(req.baseUrl, '/rest/servicedeskapi/servicedesk', all, start, limit);
      return { status: 200, body, objects: body.size as number };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}',
    dialect: 'jsm',
    handler: (req) => {
      requireAgentOrAdmin(req);
      return { status: 200, body: serviceDeskJson(req.baseUrl, desk(req)), objects: 1 };
    },
  },
  {
    method: 'POST',
    template: '/rest/servicedeskapi/customer',
    dialect: 'jsm',
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
        const status = req.query.get('strictConflictStatusCode') === 'true' ? 409 : 400;
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
      return { status: 201, body: userDtoJson(req.baseUrl, user), objects: 1 };
    },
  },
  {
    method: 'GET',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
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
      const body = pagedDto(req.baseUrl, `/rest/servicedeskapi/servicedesk/${d.id}/customer`, all, start, limit);
      return { status: 200, body, objects: body.size as number };
    },
  },
  {
    method: 'POST',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
    handler: (req) => {
      requireDeskAdmin(req);
      const d = desk(req);
      // "If any of the passed customers are associated with the service desk, no changes will be made for those customers"
      for (const u of accountIdsOf(req)) d.customers.add(u.accountId);
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    template: '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
    dialect: 'jsm',
    handler: (req) => {
      requireDeskAdmin(req);
      const d = desk(req);
      // "The service desk must have closed access."
      if (d.access !== 'closed')
        throw new SimHttpError(400, 'Customers can only be removed from a service desk with closed access.');
      for (const u of accountIdsOf(req)) d.customers.delete(u.accountId);
      return { status: 204 };
    },
  },
];
