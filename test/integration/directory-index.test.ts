import type { ChangeResult, Envelope, SiteSummary, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import type { JiraUser } from '../../src/jira/types';
import { crawlSlice, startCrawl, type CrawlJira } from '../../src/features/directory-index/directory-index';
import { directoryStore, type CrawlState } from '../../src/features/directory-index/directory-store';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * The directory index's behaviour: exact under the queue's at-least-once delivery (every event twice,
 * some concurrently, consumers killed mid-slice), paced to its hourly points budget and resumable from its
 * checkpoint, and showing the app's own changes before the next crawl.
 */
describe('directory index', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 400, groups: 12 },
      queue: { duplicateRate: 1, concurrentDuplicateRate: 0.5, killRate: 0.2, killWithinMs: 30, seed: 9 },
    });
  });
  afterAll(() => site.close());

  it('publishes exact counts and lists although every event is delivered twice and some slices are killed', async () => {
    const summary: SiteSummary = await buildDirectoryIndex(site);
    site.queue.configure({});
    const users = [...site.sim.state.users.values()];
    expect(summary.users?.total).toBe(users.length);
    expect(summary.users?.active).toBe(users.filter((u) => u.active).length);
    const inactive = await call<UserPage>('listUsers', { filters: { status: 'inactive' }, pageSize: 100 });
    expect(inactive.users.map((u) => u.accountId).sort()).toEqual(
      users
        .filter((u) => !u.active)
        .map((u) => u.accountId)
        .sort(),
    );
    // One generation published; the crawl's working data is gone.
    expect(site.kvs.keys().filter((k) => /^dir:g:\d+:(raw|pm):/.test(k))).toEqual([]);
    expect(
      new Set(
        site.kvs
          .keys()
          .filter((k) => k.startsWith('dir:g:'))
          .map((k) => k.split(':')[2]),
      ).size,
    ).toBe(1);
  });

  it('shows the app’s own product-access change and deletion before the next crawl', async () => {
    const jsm = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-servicemanagement-users');
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !jsm?.members.has(u.accountId) && u.accountId !== ADMIN,
    );
    const added = await call<ChangeResult>('addGroupMember', {
      groupId: jsm?.groupId,
      accountId: person?.accountId,
      confirmLicence: true,
    });
    expect(added.outcome).toBe('done');
    const page = await call<UserPage>('listUsers', { filters: { product: 'jira-servicedesk' }, pageSize: 100 });
    expect(page.users.map((u) => u.accountId)).toContain(person?.accountId);

    const victim = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    const deleted = await call<ChangeResult>('deleteUser', {
      accountId: victim?.accountId,
      confirm: victim?.displayName,
    });
    expect(deleted.outcome).toBe('done');
    const apps = await call<UserPage>('listUsers', { filters: { accountType: 'customer' }, pageSize: 100 });
    expect(apps.users.map((u) => u.accountId)).not.toContain(victim?.accountId);
  });

  // The crawl has no hourly budget of its own any more: the points governor (src/jira/transport/governor.ts)
  // holds every background request at the shared pool's reserve. A slice stops only when its time runs out.
  it('hands over when its time runs out, without a pacing delay, and resumes from its checkpoint', async () => {
    const people: JiraUser[] = Array.from({ length: 2500 }, (_, i) => ({
      accountId: `712020:fake-${i}`,
      accountType: 'atlassian',
      displayName: `Fake Person ${i}`,
      active: true,
      emailAddress: `fake${i}@example.com`,
    }));
    const jira: CrawlJira = {
      listUsersPage: async (o, n) => ({ items: people.slice(o, o + n), isLast: o + n >= people.length }),
      getEmailsBulk: async () => [],
      listApplicationRoles: async () => [],
      listGroupMembersPage: async () => ({ items: [], isLast: true }),
      countGroups: async () => 7,
      countServiceDesks: async () => 2,
    };
    let now = Date.parse('2026-11-26T10:00:00Z');
    const deps = {
      jira,
      store: directoryStore,
      registeredFunctional: async () => new Set<string>(),
      now: () => now,
    };
    await site.queue.idle();
    await site.kvs.handle('/api/v1/delete', { key: 'dir:crawl' });
    expect(await startCrawl(directoryStore, 'test', now)).toBeDefined();
    let checks = 0;
    const first = await crawlSlice(deps, () => (++checks <= 2 ? 60_000 : 0));
    expect(first.done).toBe(false);
    expect(first.delaySeconds).toBe(0);
    expect((site.kvs.peek('dir:crawl') as CrawlState).offset).toBe(2000);
    now += 60_000;
    const second = await crawlSlice(deps, () => 60_000);
    // Publishing takes a slice of its own (its writes are paced to a share of KVS's per-minute limit).
    expect({ done: second.done, phase: second.state.phase, delay: second.delaySeconds }).toEqual({
      done: false,
      phase: 'finalize',
      delay: 0,
    });
    const third = await crawlSlice(deps, () => 60_000);
    expect(third.done).toBe(true);
    const manifest = await directoryStore.manifest();
    expect(manifest?.counts).toMatchObject({ users: 2500, groups: 7, serviceDesks: 2 });
  });
});
