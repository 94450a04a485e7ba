/**
 * What a group's membership grants: product access (from the application roles' groups, so adding
 * someone consumes a licence) and administration rights. Jira's REST API does not list which groups hold
 * global permissions with their members, so "admin group" is judged by name (`admin` in it, e.g. site-admins,
 * jira-administrators, atlassian-addons-admin), the convention Jira's own groups follow. `group/bulk` can
 * filter by `accessType` (site-admin, admin), but judging by name costs no request where groups are shown
 * and a single `groups/picker` lookup in the daily health check, where the two accessType lookups cost two.
 */
import type { GroupSummary } from '../../contract';
import type { JiraClient } from '../../jira';
import type { JiraApplicationRole, JiraGroup } from '../../jira/types';

export type GroupAccessJira = Pick<JiraClient, 'listApplicationRoles'>;

export function isAdminGroupName(name: string): boolean {
  return /admin/i.test(name);
}

export interface GroupAccessIndex {
  describe(group: JiraGroup): GroupSummary;
  /** "Jira Software (12 of 250 licences left)" for each product the group grants, for licence warnings. */
  licences(group: JiraGroup): string[];
}

/** One product's licence figure in words, from Jira's `ApplicationRole` seat counts. */
export function seatsLeft(
  role: Pick<JiraApplicationRole, 'name' | 'numberOfSeats' | 'remainingSeats' | 'hasUnlimitedSeats'>,
): string {
  if (role.hasUnlimitedSeats) return `${role.name} (unlimited licences)`;
  if (role.remainingSeats === undefined || role.numberOfSeats === undefined) return role.name;
  const left = role.remainingSeats;
  return `${role.name} (${left} of ${role.numberOfSeats} ${role.numberOfSeats === 1 ? 'licence' : 'licences'} left)`;
}

export async function loadGroupAccess(jira: GroupAccessJira): Promise<GroupAccessIndex> {
  const roles = await jira.listApplicationRoles();
  const products = new Map<string, string[]>();
  const seats = new Map<string, string[]>();
  for (const role of roles) {
    for (const g of role.groups) {
      products.set(g, [...(products.get(g) ?? []), role.name]);
      seats.set(g, [...(seats.get(g) ?? []), seatsLeft(role)]);
    }
  }
  return {
    describe: (group) => ({
      groupId: group.groupId,
      name: group.name,
      grantsProducts: products.get(group.name) ?? [],
      grantsAdmin: isAdminGroupName(group.name),
    }),
    licences: (group) => seats.get(group.name) ?? [],
  };
}
