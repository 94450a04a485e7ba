import type { LocalSite } from '../../local/local-site';
import type { CrawlState } from '../../src/features/directory-index/directory-store';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * When Jira asks the crawl to wait longer than its invocation may sleep (a long Retry-After, as when the
 * hourly points pool is spent), the crawl waits on the queue and carries on from its checkpoint; it does not
 * spend the queue's retries and stay stuck at "building" until it counts as dead (2 hours).
 */
describe('the directory crawl under a long Retry-After', () => {
  let site: LocalSite;
  beforeAll(async () => {
    // The first slice runs 12 s and may sleep 7 s (Forge's 5 s margin): an 8 s Retry-After is too long for it.
    site = await startTestSite({
      seed: { users: 300, groups: 20, serviceDesks: 3 },
      queue: { consumerTimeoutMs: 12_000, timeScale: 0.05 },
    });
  });
  afterAll(async () => {
    await site.close();
  });

  it('waits on the queue without spending a retry, then finishes', async () => {
    site.sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 8, paths: ['/rest/api/3/users/search'] });
    await site.host.invoke('getSiteSummary', {}, NAMED_USERS.siteAdmin.accountId);
    while (site.queue.deliveries.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(site.sim.meter.requests.some((r) => r.status === 429)).toBe(true);
    // Jira stops refusing; later slices get the manifest's long timeout (finalizing needs 30 s in hand).
    site.sim.faults.configure({});
    site.queue.configure({ consumerTimeoutMs: 300_000 });
    await site.queue.idle();
    expect(site.queue.deliveries.filter((d) => d.outcome !== 'success')).toEqual([]);
    const crawl = site.kvs.peek('dir:crawl') as CrawlState;
    expect([crawl.phase, crawl.usersSeen]).toEqual(['done', site.sim.state.users.size]);
  }, 30_000);
});
