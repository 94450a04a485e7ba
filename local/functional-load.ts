/**
 * A registry of functional accounts for measuring the health check: the first `count` person accounts
 * (other than the owners and the acting admin) are registered through the app's own resolver, owned in
 * turn by `owners`. Shared by `npm run bench` and the health-check cost test so both measure the same thing.
 */
import type { Envelope } from '../src/contract';
import type { LocalSite } from './local-site';

export async function registerFunctionalLoad(
  site: LocalSite,
  options: { admin: string; count: number; owners: string[]; owningGroupId: string },
): Promise<void> {
  const { admin, count, owners, owningGroupId } = options;
  const accounts = [...site.sim.state.users.values()]
    .filter((u) => u.accountType === 'atlassian' && !owners.includes(u.accountId) && u.accountId !== admin)
    .slice(0, count);
  for (const [i, u] of accounts.entries()) {
    const res = (await site.host.invoke(
      'registerFunctional',
      {
        accountId: u.accountId,
        ownerAccountId: owners[i % owners.length],
        owningGroupId,
        purpose: 'Load test',
        integration: 'Bench',
      },
      admin,
    )) as Envelope<unknown>;
    if (!res.ok) throw new Error(`registerFunctional ${u.accountId}: ${res.error.message}`);
  }
}
