/**
 * Test harness: starts the local Forge site in-process (simulator on an ephemeral port, runtime hooks,
 * in-memory KVS, resolver host) and gives the seeded named users.
 */
import type { Envelope } from '../../src/contract';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import { startLocalSite, type LocalSite, type LocalSiteOptions } from '../../local/local-site';

export { NAMED_USERS };

export const SMALL_SITE: LocalSiteOptions = { seed: { users: 300, groups: 20, serviceDesks: 3 } };

export async function startTestSite(options: LocalSiteOptions = SMALL_SITE): Promise<LocalSite> {
  return startLocalSite(options);
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
