/**
 * What a request costs in Jira Cloud's points-based quota, as Atlassian publishes it (Jira Cloud
 * platform "Rate limiting", developer.atlassian.com/cloud/jira/platform/rate-limiting/, enforced from
 * March 2, 2026; DESIGN.md §2): every request costs 1 point; each object a read returns adds 2 for
 * users, groups, project roles and permissions and 1 for issues, projects and anything else; a write
 * costs 1 in all. "API token-based traffic is not affected by this change, and will continue to be
 * governed by existing burst rate limits": HTTP Basic (email + API token) requests cost no points.
 * So a `group/member` page of 8 users costs 1 + 8 × 2 = 17, a `users/search` page of 10 costs 21.
 */

/** Object types a route can return, as the points table prices them. */
export type ObjectType = 'user' | 'group' | 'projectRole' | 'permission' | 'issue' | 'project' | 'other';

export const POINTS_PER_OBJECT: Readonly<Record<ObjectType, number>> = {
  user: 2,
  group: 2,
  projectRole: 2,
  permission: 2,
  issue: 1,
  project: 1,
  other: 1,
};

/** Every request's base cost; a write's whole cost. */
export const BASE_POINTS = 1;

/** Methods that read (everything else is a write and costs 1 in all). */
const READS = new Set(['GET', 'HEAD']);

export function isWrite(method: string): boolean {
  return !READS.has(method.toUpperCase());
}

/**
 * The points one answered request costs. `charged` is false for traffic outside the app quota (HTTP
 * Basic API-token requests, anonymous requests): those cost 0.
 */
export function pointsFor(method: string, returns: ObjectType | 'none', objects: number, charged = true): number {
  if (!charged) return 0;
  if (isWrite(method) || returns === 'none') return BASE_POINTS;
  return BASE_POINTS + POINTS_PER_OBJECT[returns] * Math.max(objects, 0);
}
