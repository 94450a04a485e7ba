/**
 * The simulated Jira Cloud site's state: users, groups, application roles, global permissions and
 * service desks, with the lookups every route needs. Pure data; no HTTP here.
 */

export type AccountType = 'atlassian' | 'app' | 'customer';

export interface SimUser {
  accountId: string;
  accountType: AccountType;
  displayName: string;
  email: string;
  /** Profile visibility: when false, `emailAddress` is left out of every user representation. */
  emailVisible: boolean;
  active: boolean;
  timeZone: string;
  locale: string;
  /** Legacy (server-era) username and key, resolvable through `user/bulk/migration`. */
  legacyUsername: string;
  legacyKey: string;
  /** Column ids of the user's default issue table; undefined means the site default. */
  columns?: string[];
}

export interface SimGroup {
  groupId: string;
  name: string;
  members: Set<string>;
}

export interface SimApplicationRole {
  key: string;
  name: string;
  groups: string[];
  defaultGroups: string[];
  numberOfSeats: number;
}

export interface SimServiceDesk {
  id: string;
  projectId: string;
  projectKey: string;
  projectName: string;
  /** Closed desks accept only customers that were added to them; open desks let anyone raise requests. */
  access: 'open' | 'closed';
  customers: Set<string>;
}

/** A JSM organization: a named set of customers (and other accounts) who share requests. */
export interface SimOrganization {
  id: string;
  name: string;
  /** When it was created (ms since the epoch). */
  created: number;
  members: Set<string>;
}

/** Global permissions and the groups they are granted to (Jira's "Global permissions" admin page). */
export type GlobalPermissionKey = 'ADMINISTER' | 'SYSTEM_ADMIN' | 'USER_PICKER';

export interface SiteState {
  cloudId: string;
  siteName: string;
  /** Short site identifier used in functional account names (`<Name>_Func_<SiteId>`). */
  siteId: string;
  users: Map<string, SimUser>;
  groups: Map<string, SimGroup>;
  applicationRoles: SimApplicationRole[];
  globalPermissions: Record<GlobalPermissionKey, string[]>;
  serviceDesks: Map<string, SimServiceDesk>;
  /** JSM organizations by id. */
  organizations: Map<string, SimOrganization>;
  /** The group whose members are site administrators (organization admins). */
  siteAdminGroup: string;
  /** The app user that asApp requests act as. */
  appAccountId: string;
  /** API token accepted with HTTP Basic auth for every active, non-customer seeded user. */
  apiToken: string;
  defaultColumns: string[];
  nextId: number;
}

export const SITE_ADMIN_GROUP = 'site-admins';

export function groupsOfUser(state: SiteState, accountId: string): SimGroup[] {
  return [...state.groups.values()]
    .filter((g) => g.members.has(accountId))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function groupByName(state: SiteState, name: string): SimGroup | undefined {
  const lower = name.toLowerCase();
  return [...state.groups.values()].find((g) => g.name.toLowerCase() === lower);
}

export function hasGlobalPermission(state: SiteState, accountId: string, key: GlobalPermissionKey): boolean {
  const user = state.users.get(accountId);
  if (!user || !user.active) return false;
  return state.globalPermissions[key].some((groupName) => groupByName(state, groupName)?.members.has(accountId));
}

export function isSiteAdmin(state: SiteState, accountId: string): boolean {
  const user = state.users.get(accountId);
  return !!user?.active && !!groupByName(state, state.siteAdminGroup)?.members.has(accountId);
}

/** Application roles (products) the user can use through one of the role's groups. */
export function productAccessOf(state: SiteState, accountId: string): SimApplicationRole[] {
  const mine = new Set(groupsOfUser(state, accountId).map((g) => g.name));
  return state.applicationRoles.filter((role) => role.groups.some((g) => mine.has(g)));
}

export function hasProductAccess(state: SiteState, accountId: string): boolean {
  return productAccessOf(state, accountId).length > 0;
}

/** A fresh id in Atlassian's account-id shape (`712020:` + uuid) or a plain uuid. */
export function newUuid(state: SiteState): string {
  state.nextId += 1;
  return uuidFromNumber(state.nextId);
}

export function uuidFromNumber(n: number): string {
  const hex = (n * 2654435761 + 0x9e3779b9).toString(16).padStart(12, '0').slice(-12);
  const seq = n.toString(16).padStart(12, '0');
  return `${seq.slice(0, 8)}-${seq.slice(8, 12)}-4${hex.slice(0, 3)}-a${hex.slice(3, 6)}-${hex.slice(6, 12)}${seq.slice(0, 6)}`;
}
