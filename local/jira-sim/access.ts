/**
 * Jira's permission checks as the simulator applies them to a request's principal. asApp requests act
 * as the app user, which Jira puts in `atlassian-addons-admin` (Administer Jira, Browse users) but never in
 * the site-admin group, so site-admin-only operations (group membership writes, user deletion) refuse it.
 */
import type { SimRequest } from './http';
import { SimHttpError } from './http';
import { hasGlobalPermission, hasProductAccess, isSiteAdmin } from './model';

export function callerId(req: SimRequest): string | undefined {
  return req.principal.kind === 'anonymous' ? undefined : req.principal.accountId;
}

export function canBrowseUsers(req: SimRequest): boolean {
  const id = callerId(req);
  return (
    !!id && (hasGlobalPermission(req.state, id, 'USER_PICKER') || hasGlobalPermission(req.state, id, 'ADMINISTER'))
  );
}

export function isJiraAdmin(req: SimRequest): boolean {
  const id = callerId(req);
  return !!id && hasGlobalPermission(req.state, id, 'ADMINISTER');
}

/** Site administration: a human member of the site-admin group (never the app user). */
export function isSiteAdminCaller(req: SimRequest): boolean {
  return req.principal.kind === 'user' && isSiteAdmin(req.state, req.principal.accountId);
}

/** "Permission to access Jira": product access, or the app user. */
export function canAccessJira(req: SimRequest): boolean {
  if (req.principal.kind === 'app') return true;
  const id = callerId(req);
  return !!id && hasProductAccess(req.state, id);
}

export function requireAuthenticated(req: SimRequest): string {
  const id = callerId(req);
  if (!id) throw new SimHttpError(401, 'You are not authorized to perform this action. Please log in.');
  return id;
}

export function requireBrowseUsers(req: SimRequest): void {
  requireAuthenticated(req);
  if (!canBrowseUsers(req)) throw new SimHttpError(403, 'You do not have the permission to browse users and groups.');
}

export function requireJiraAdmin(req: SimRequest): void {
  requireAuthenticated(req);
  if (!isJiraAdmin(req))
    throw new SimHttpError(
      403,
      'You are not authorized to perform this operation. Administrator privileges are required.',
    );
}

export function requireSiteAdmin(req: SimRequest): void {
  requireAuthenticated(req);
  if (!isSiteAdminCaller(req))
    throw new SimHttpError(403, 'You must be a site administrator to perform this operation.');
}

export function requireJiraAccess(req: SimRequest): void {
  requireAuthenticated(req);
  if (!canAccessJira(req)) throw new SimHttpError(403, 'You do not have permission to access Jira.');
}
