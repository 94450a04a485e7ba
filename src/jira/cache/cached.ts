/**
 * The cached forms of the Jira calls whose answers rarely change: application roles (products and their
 * groups), groups by id (names), and service desks. Each is reused for `RARELY_CHANGING_TTL_MS` per
 * installation; a desk listing also seeds the single-desk lookups so opening a desk costs nothing extra, and a
 * group listing or search seeds the group lookups likewise.
 */
import * as applicationRoles from '../application-roles';
import { createTtlCache } from './cache';
import * as groups from '../groups';
import * as servicedesk from '../servicedesk';
import type { Page } from '../transport/pagination';
import type { JiraApplicationRole, JiraGroup, JiraServiceDesk } from '../types';

const cache = createTtlCache();

export function listApplicationRoles(): Promise<JiraApplicationRole[]> {
  return cache.get('roles', () => applicationRoles.listApplicationRoles());
}

/** Groups by id: ids already cached cost nothing; the rest come in one `group/bulk` request. */
export async function getGroupsById(groupIds: string[]): Promise<JiraGroup[]> {
  const known = new Map<string, JiraGroup>();
  const missing: string[] = [];
  for (const id of new Set(groupIds)) {
    const hit = cache.peek<JiraGroup>(`group:${id}`);
    if (hit) known.set(id, hit);
    else missing.push(id);
  }
  if (missing.length > 0) {
    for (const g of await groups.getGroupsById(missing)) {
      cache.put(`group:${g.groupId}`, g);
      known.set(g.groupId, g);
    }
  }
  return groupIds.map((id) => known.get(id)).filter((g): g is JiraGroup => !!g);
}

/** Group search; the groups it finds seed the by-id lookups (the page already holds their names). */
export async function findGroups(
  query: string,
  maxResults: number,
  identity: 'user' | 'app' = 'user',
): Promise<{ total: number; groups: JiraGroup[] }> {
  const found = await groups.findGroups(query, maxResults, identity);
  for (const g of found.groups) cache.put(`group:${g.groupId}`, g);
  return found;
}

/** A page of all groups; the groups it lists seed the by-id lookups (opening one costs no `group/bulk`). */
export async function listGroupsPage(
  startAt: number,
  maxResults: number,
  identity: 'user' | 'app' = 'user',
): Promise<Page<JiraGroup>> {
  const page = await groups.listGroupsPage(startAt, maxResults, identity);
  for (const g of page.items) cache.put(`group:${g.groupId}`, g);
  return page;
}

export async function listServiceDesksPage(start: number, limit: number): Promise<Page<JiraServiceDesk>> {
  const page = await cache.get(`desks:${start}:${limit}`, () => servicedesk.listServiceDesksPage(start, limit));
  for (const d of page.items) cache.put(`desk:${d.id}`, d);
  return page;
}

export function getServiceDesk(deskId: string): Promise<JiraServiceDesk> {
  return cache.get(`desk:${deskId}`, () => servicedesk.getServiceDesk(deskId));
}

/** Forgets everything (tests that change the site behind the app's back). */
export function clearJiraCache(): void {
  cache.clear();
}
