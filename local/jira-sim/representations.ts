/**
 * JSON shapes the simulator answers with, as the OpenAPI specs define them (`User`, `UserDetails`,
 * `GroupName`, `ApplicationRole`, JSM `UserDTO`, `ServiceDeskDTO`). Profile visibility is applied here:
 * a hidden email is simply absent, as on a real site.
 */
import type { SimApplicationRole, SimGroup, SimServiceDesk, SimUser, SiteState } from './model';
import { groupsOfUser, productAccessOf } from './model';

/** Avatars as self-contained SVG data URIs (initials on a colour), so pages render them offline. */
export function avatarUrls(user: SimUser): Record<'16x16' | '24x24' | '32x32' | '48x48', string> {
  const initials = user.displayName
    .split(/[\s_]+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  const colours = ['#0C66E4', '#1F845A', '#AE2E24', '#6E5DC6', '#A54800', '#206A83'];
  const colour = colours[user.accountId.length % colours.length] as string;
  const svg = (size: number) =>
    `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 48 48"><circle cx="24" cy="24" r="24" fill="${colour}"/><text x="24" y="31" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">${initials}</text></svg>`)}`;
  return { '48x48': svg(48), '24x24': svg(24), '16x16': svg(16), '32x32': svg(32) };
}

export function userSelf(baseUrl: string, accountId: string): string {
  return `${baseUrl}/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`;
}

export function groupName(baseUrl: string, g: SimGroup): { name: string; groupId: string; self: string } {
  return { name: g.name, groupId: g.groupId, self: `${baseUrl}/rest/api/3/group?groupId=${g.groupId}` };
}

export function applicationRoleJson(state: SiteState, role: SimApplicationRole): Record<string, unknown> {
  const users = new Set<string>();
  for (const name of role.groups) {
    for (const g of state.groups.values()) if (g.name === name) g.members.forEach((m) => users.add(m));
  }
  const details = (names: string[]) =>
    names.flatMap((n) =>
      [...state.groups.values()].filter((g) => g.name === n).map((g) => ({ name: g.name, groupId: g.groupId })),
    );
  return {
    key: role.key,
    groups: role.groups,
    groupDetails: details(role.groups),
    name: role.name,
    defaultGroups: role.defaultGroups,
    defaultGroupsDetails: details(role.defaultGroups),
    selectedByDefault: false,
    defined: true,
    numberOfSeats: role.numberOfSeats,
    remainingSeats: Math.max(role.numberOfSeats - users.size, 0),
    userCount: users.size,
    userCountDescription: 'users',
    hasUnlimitedSeats: false,
    platform: false,
  };
}

/** The `User` schema; `expand` may name `groups` and `applicationRoles`. */
export function userJson(
  state: SiteState,
  baseUrl: string,
  user: SimUser,
  expand: string[] = [],
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    self: userSelf(baseUrl, user.accountId),
    accountId: user.accountId,
    accountType: user.accountType,
    ...(user.emailVisible ? { emailAddress: user.email } : {}),
    avatarUrls: avatarUrls(user),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
  };
  if (expand.length > 0 || user.accountType !== 'customer') {
    const groups = groupsOfUser(state, user.accountId);
    json.groups = expand.includes('groups')
      ? { size: groups.length, items: groups.map((g) => groupName(baseUrl, g)) }
      : { size: groups.length, items: [] };
    const roles = productAccessOf(state, user.accountId);
    json.applicationRoles = expand.includes('applicationRoles')
      ? { size: roles.length, items: roles.map((r) => applicationRoleJson(state, r)) }
      : { size: roles.length, items: [] };
    json.expand = 'groups,applicationRoles';
  }
  return json;
}

/** The `UserDetails` schema used by `group/member`. */
export function userDetailsJson(baseUrl: string, user: SimUser): Record<string, unknown> {
  return {
    self: userSelf(baseUrl, user.accountId),
    accountId: user.accountId,
    ...(user.emailVisible ? { emailAddress: user.email } : {}),
    avatarUrls: avatarUrls(user),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    accountType: user.accountType,
  };
}

/** JSM `UserDTO`. */
export function userDtoJson(baseUrl: string, user: SimUser): Record<string, unknown> {
  return {
    accountId: user.accountId,
    ...(user.emailVisible ? { emailAddress: user.email } : {}),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    _links: {
      jiraRest: userSelf(baseUrl, user.accountId),
      avatarUrls: avatarUrls(user),
      self: userSelf(baseUrl, user.accountId),
    },
  };
}

export function serviceDeskJson(baseUrl: string, desk: SimServiceDesk): Record<string, unknown> {
  return {
    id: desk.id,
    projectId: desk.projectId,
    projectName: desk.projectName,
    projectKey: desk.projectKey,
    _links: { self: `${baseUrl}/rest/servicedeskapi/servicedesk/${desk.id}` },
  };
}

/** A `startAt/maxResults` page (`PageBean*`). */
export function pageBean<T>(
  baseUrl: string,
  path: string,
  all: T[],
  startAt: number,
  maxResults: number,
  extraQuery = '',
): Record<string, unknown> {
  const values = all.slice(startAt, startAt + maxResults);
  const isLast = startAt + values.length >= all.length;
  const self = `${baseUrl}${path}?${extraQuery}${extraQuery ? '&' : ''}startAt=${startAt}&maxResults=${maxResults}`;
  return {
    self,
    ...(isLast
      ? {}
      : {
          nextPage: `${baseUrl}${path}?${extraQuery}${extraQuery ? '&' : ''}startAt=${startAt + maxResults}&maxResults=${maxResults}`,
        }),
    maxResults,
    startAt,
    total: all.length,
    isLast,
    values,
  };
}

/**
 * A JSM `start/limit/isLastPage` page (`PagedDTO*`). `_links.base` is the API's base URL (the spec's
 * example: `https://your-domain.atlassian.net/rest/servicedeskapi`); `next`/`prev` keep the caller's other
 * query parameters (e.g. `query`), so they continue the same list.
 */
export function pagedDto<T>(
  baseUrl: string,
  path: string,
  all: T[],
  start: number,
  limit: number,
  extraQuery = '',
): Record<string, unknown> {
  const values = all.slice(start, start + limit);
  const isLastPage = start + values.length >= all.length;
  const link = (at: number) => `${baseUrl}${path}?${extraQuery}${extraQuery ? '&' : ''}start=${at}&limit=${limit}`;
  return {
    _expands: [],
    size: values.length,
    start,
    limit,
    isLastPage,
    _links: {
      base: `${baseUrl}/rest/servicedeskapi`,
      context: '',
      self: link(start),
      ...(isLastPage ? {} : { next: link(start + limit) }),
      ...(start > 0 ? { prev: link(Math.max(start - limit, 0)) } : {}),
    },
    values,
  };
}
