/**
 * Test harness: starts the local Forge site in-process (simulator on an ephemeral port, runtime hooks,
 * in-memory KVS, resolver host) and gives the seeded named users.
 */
import type { Envelope } from '../../src/contract';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import { startLocalSite, type LocalSite, type LocalSiteOptions } from '../../local/local-site';

export { NAMED_USERS };

export const SMALL_SITE: LocalSiteOptions = { seed: { users: 300, groups: 20, serviceDesks: 3 } };

/**
 * Jira's hourly points pool in the simulator runs on the real clock (it resets at the top of each UTC hour),
 * and the points governor paces background work along that hour. Tests compress hours of administration
 * into seconds, so on the published 65,000-point pool what a test sees would depend on where in the hour it
 * runs. A test site therefore gets a pool no test exhausts, unless the test sets `rateLimits.pointsPerHour`
 * itself (the suites about the pool and the governor do) or asks for a Tier-2 pool sized by the site.
 */
export const TEST_POOL_POINTS_PER_HOUR = 100_000_000;

/** Starts a local site for a test (see TEST_POOL_POINTS_PER_HOUR for its points pool). */
export async function startTestSite(options: LocalSiteOptions = SMALL_SITE): Promise<LocalSite> {
  const limits = options.rateLimits ?? {};
  const sizedByTest = limits.pointsPerHour !== undefined || limits.tier === 2;
  return startLocalSite(
    sizedByTest ? options : { ...options, rateLimits: { ...limits, pointsPerHour: TEST_POOL_POINTS_PER_HOUR } },
  );
}

/** Invokes a resolver as a user and returns the envelope. */
export async function invokeAs<T = unknown>(
  site: LocalSite,
  accountId: string | undefined,
  key: string,
  payload: unknown = {},
): Promise<T> {
  return (await site.host.invoke(key, payload, accountId)) as T;
}

/** The data of a successful envelope; a failed one fails the test with its code and message. */
export async function ok<T>(p: Promise<Envelope<T>>): Promise<T> {
  const res = await p;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  return res.data;
}
