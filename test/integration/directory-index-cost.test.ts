import type { Envelope, ResolvedIdentifier, SiteSummary, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { POINTS_PER_OBJECT } from '../../local/jira-sim/points';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

const jiraCost = (site: LocalSite) => {
  const requests = site.sim.meter.requests.filter((r) => r.endpoint !== '/rest/api/3/mypermissions');
  return { requests: requests.length, points: requests.reduce((n, r) => n + r.points, 0), list: requests };
};

/** Seeded emails found anywhere in the site's KVS (keys and values). */
function emailsInKvs(site: LocalSite): string[] {
  const text = JSON.stringify(site.kvs.keys().map((k) => [k, site.kvs.peek(k)])).toLowerCase();
  return [...site.sim.state.users.values()].map((u) => u.email.toLowerCase()).filter((e) => text.includes(e));
}

/** Opens the page as the UI does (site summary, then the first page of users) and reads the meter. */
async function pageOpenCost(site: LocalSite) {
  site.sim.meter.reset();
  await ok(invokeAs<Envelope<SiteSummary>>(site, ADMIN, 'getSiteSummary'));
  const summaryCost = jiraCost(site);
  const first = await ok(invokeAs<Envelope<UserPage>>(site, ADMIN, 'listUsers', {}));
  const total = jiraCost(site);
  return { summary: summaryCost, total, shown: first.users.length };
}

/**
 * With the directory index built, what the page costs does not grow with the directory: opening the page
 * (300 vs 3,000 users), the product filter's twentieth page against its first, resolving pasted emails by
 * lookup; and the index keeps no email in clear.
 */
describe('directory index: costs constant in the directory size', () => {
  // One local site at a time (the Forge runtime hooks are process-wide): measure at 300, then at 3,000.
  let large: LocalSite;
  let smallOpen: Awaited<ReturnType<typeof pageOpenCost>>;
  let smallKvsClean: string[];
  beforeAll(async () => {
    const small = await startTestSite({ seed: { users: 300, groups: 20 } });
    await buildDirectoryIndex(small);
    smallOpen = await pageOpenCost(small);
    smallKvsClean = emailsInKvs(small);
    await small.close();
    large = await startTestSite({ seed: { users: 3000, groups: 20 } });
    await buildDirectoryIndex(large);
  }, 120_000);
  afterAll(() => large.close());

  // Jira's published price: 1 a request plus 2 per user returned (local/jira-sim/points.ts).
  const USER = POINTS_PER_OBJECT.user;
  it('opening the page costs the first page of users plus at most 20 more users’ worth, the same at 300 and 3,000 users', async () => {
    const a = smallOpen;
    const b = await pageOpenCost(large);
    for (const cost of [a, b]) {
      expect(cost.summary.points).toBeLessThanOrEqual(20);
      expect(cost.total.points).toBeLessThanOrEqual(1 + USER * cost.shown + USER * 20);
      expect(cost.total.list.map((r) => r.endpoint)).not.toContain('/rest/api/3/group/member');
    }
    expect(b.summary.requests).toBe(a.summary.requests);
    expect(b.summary.points).toBe(a.summary.points);
    expect(b.total.requests).toBe(a.total.requests);
    expect(Math.abs(b.total.points - a.total.points)).toBeLessThanOrEqual(USER * 20);
  });

  it('the product filter’s 20th page costs no more than its first, and pages never overlap', async () => {
    const seen = new Set<string>();
    const costs: number[] = [];
    let cursor: string | undefined;
    for (let n = 1; n <= 20; n += 1) {
      large.sim.meter.reset();
      const page: UserPage = await ok(
        invokeAs<Envelope<UserPage>>(large, ADMIN, 'listUsers', {
          filters: { product: 'jira-software' },
          pageSize: 50,
          cursor,
        }),
      );
      costs.push(jiraCost(large).points);
      expect(jiraCost(large).requests).toBeLessThanOrEqual(2);
      for (const u of page.users) {
        expect(seen.has(u.accountId)).toBe(false);
        seen.add(u.accountId);
      }
      expect(page.indexAsOf).toBeDefined();
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(costs.length).toBe(20);
    expect(costs[19]).toBeLessThanOrEqual((costs[0] as number) * 1.2);
    const software = [...large.sim.state.groups.values()].filter((g) =>
      ['jira-software-users', 'jira-administrators'].includes(g.name),
    );
    for (const id of seen) expect(software.some((g) => g.members.has(id))).toBe(true);
  });

  it('a sparse filter (app accounts) answers in one call with only those accounts', async () => {
    large.sim.meter.reset();
    const page = await ok(
      invokeAs<Envelope<UserPage>>(large, ADMIN, 'listUsers', { filters: { accountType: 'app' }, pageSize: 50 }),
    );
    const apps = [...large.sim.state.users.values()].filter((u) => u.accountType === 'app');
    expect(page.users.map((u) => u.accountId).sort()).toEqual(apps.map((u) => u.accountId).sort());
    expect(page.nextCursor).toBeUndefined();
    expect(jiraCost(large).requests).toBe(1);
  });

  it('resolves 200 pasted emails (hidden and inactive ones too) by lookup: 2 email lookups and 2 user/bulk pages', async () => {
    const people = [...large.sim.state.users.values()].filter((u) => u.accountType !== 'app').slice(0, 200);
    expect(people.some((u) => !u.active)).toBe(true);
    large.sim.meter.reset();
    const rows = await ok(
      invokeAs<Envelope<ResolvedIdentifier[]>>(large, ADMIN, 'resolveIdentifiers', {
        text: people.map((u) => u.email.toUpperCase()).join('\n'),
      }),
    );
    expect(rows.map((r) => r.accountId)).toEqual(people.map((u) => u.accountId));
    const cost = jiraCost(large);
    expect(cost.list.map((r) => r.endpoint)).not.toContain('/rest/api/3/users/search');
    expect(cost.requests).toBeLessThanOrEqual(Math.ceil((2 * 200) / 100) * 1.2);
  });

  it('keeps no email in clear anywhere in KVS once the index is built', () => {
    expect(smallKvsClean).toEqual([]);
    expect(emailsInKvs(large)).toEqual([]);
    expect(large.kvs.keys().some((k) => k.startsWith('dir:g:'))).toBe(true);
  });
});
