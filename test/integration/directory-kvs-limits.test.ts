import type { Envelope, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import type { CrawlState, IndexManifest } from '../../src/features/directory-index/directory-store';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
/** The KVS clock runs this many times faster than the real one, and the queue's delays this much shorter. */
const SPEED = 100;

/**
 * The directory index under KVS limits far smaller than Forge's (Forge: 4,000 read and 4,000 write units a
 * minute; here 40 and 30, on a clock 100 × faster so minutes pass in a test): the first build and a
 * reconciliation are refused again and again by KVS (429 RATE_LIMIT_EXCEEDED) and still finish with an
 * index that matches Jira exactly, and Jira's user events that KVS refuses are recorded later from the
 * `user-event-retry` queue, none lost.
 */
describe('directory index under small KVS limits', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  const inactiveIds = async () => {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call<UserPage>('listUsers', { filters: { status: 'inactive' }, pageSize: 100, cursor });
      out.push(...page.users.map((u) => u.accountId));
      cursor = page.nextCursor;
    } while (cursor);
    return out.sort();
  };
  const jiraInactive = () =>
    [...site.sim.state.users.values()]
      .filter((u) => !u.active)
      .map((u) => u.accountId)
      .sort();
  const generations = () => new Set(site.kvs.keys().flatMap((k) => /^dir:g:(\d+):/.exec(k)?.[1] ?? []));

  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 300, groups: 12 },
      kvsRateLimits: { requestsPerSecond: 1000, readUnitsPerMinute: 40, writeUnitsPerMinute: 30 },
      queue: { timeScale: 1 / SPEED },
    });
    const start = Date.now();
    site.kvs.now = () => start + (Date.now() - start) * SPEED;
  });
  afterAll(async () => {
    delete process.env.KVS_RETRY_BUDGET_MS;
    await site.close();
  });

  it('builds and then reconciles the index although KVS refuses many of its requests', async () => {
    site.kvs.resetUsage();
    const summary = await buildDirectoryIndex(site);
    const users = [...site.sim.state.users.values()];
    expect(summary.users?.total).toBe(users.length);
    expect(await inactiveIds()).toEqual(jiraInactive());
    const built = site.kvs.usage.refused;
    expect(built).toBeGreaterThan(0);

    // Changes Jira makes without telling the app (its user events off for this site's trigger): the
    // reconciliation finds them.
    const quiet = site.productEvents;
    const deliver = quiet.deliver.bind(quiet);
    quiet.deliver = () => undefined;
    const people = users.filter((u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN).slice(0, 5);
    for (const p of people) site.sim.directory.updateUser(p.accountId, { active: false });
    await new Promise((r) => setTimeout(r, 20)); // the simulator emits on the next macrotask
    quiet.deliver = deliver;
    site.kvs.resetUsage();
    await call('refreshSiteSummary');
    await site.queue.idle();
    const crawl = site.kvs.peek('dir:crawl') as CrawlState;
    const manifest = site.kvs.peek('dir:current') as IndexManifest;
    expect({ phase: crawl.phase, gen: manifest.gen }).toEqual({ phase: 'done', gen: crawl.gen });
    expect(manifest.reconciled?.changed).toBe(people.length);
    expect(await inactiveIds()).toEqual(jiraInactive());
    expect(site.kvs.usage.refused).toBeGreaterThan(0);
    // One generation left, and none of the crawl's working data.
    expect(generations().size).toBe(1);
    expect(site.kvs.keys().filter((k) => /^dir:g:\d+:(raw|pm):/.test(k))).toEqual([]);
    expect(site.queue.dropped).toEqual([]);
  });

  it('records every user event KVS refuses from the retry queue, later, none lost', async () => {
    // The trigger gives up on the first 429 (no back-off inside the invocation), so each refused event goes
    // through the queue.
    process.env.KVS_RETRY_BUDGET_MS = '0';
    site.kvs.resetUsage();
    const before = site.queue.deliveries.length;
    const people = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN)
      .slice(0, 20);
    for (const p of people) site.sim.directory.updateUser(p.accountId, { active: false });
    await new Promise((r) => setTimeout(r, 20));
    await site.productEvents.idle();
    await site.queue.idle();
    delete process.env.KVS_RETRY_BUDGET_MS;
    const retried = site.queue.deliveries.slice(before).filter((d) => d.queue === 'user-event-retry');
    expect(retried.length).toBeGreaterThan(0);
    expect(site.kvs.usage.refused).toBeGreaterThan(0);
    expect(site.productEvents.errors).toEqual([]);
    expect(await inactiveIds()).toEqual(jiraInactive());
  });
});
