import type { Envelope, SiteSummary } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

/**
 * The request executor retries what is safe to retry: the site summary's snapshot still comes out exact while
 * Jira answers 429s with Retry-After, 5xx and dropped connections.
 */
describe('resolvers under injected faults', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  it('returns the exact summary through 429s, 5xx and resets', async () => {
    site.sim.faults.configure({
      tooManyRequestsRate: 0.2,
      serverErrorRate: 0.2,
      resetRate: 0.1,
      retryAfterSeconds: 0,
      seed: 3,
    });
    // The counts come from the background crawl (asApp, on the queue), which retries through the faults.
    const summary = await buildDirectoryIndex(site, NAMED_USERS.jiraAdmin.accountId);
    site.sim.faults.configure({});
    expect(summary.users?.total).toBe(site.sim.state.users.size);
    expect(summary.groups).toBe(site.sim.state.groups.size);
    const failures = site.sim.meter.requests.filter((r) => r.status === 0 || r.status >= 429);
    expect(failures.length).toBeGreaterThan(0);
  });

  it('honours Retry-After from the burst limiter', async () => {
    site.sim.rateLimiter.configure({ burstPerSecond: 1 });
    site.sim.meter.reset();
    // Two administrators at once: every endpoint is asked twice within the same second.
    const results = await Promise.all([
      invokeAs<Envelope<SiteSummary>>(site, NAMED_USERS.siteAdmin.accountId, 'getSiteSummary'),
      invokeAs<Envelope<SiteSummary>>(site, NAMED_USERS.jiraAdmin.accountId, 'getSiteSummary'),
    ]);
    site.sim.rateLimiter.configure({});
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    const limited = site.sim.meter.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Every retry of a throttled endpoint came at least a second (its Retry-After) later.
    for (const l of limited) {
      const retry = site.sim.meter.requests.find((r) => r.endpoint === l.endpoint && r.at > l.at && r.status === 200);
      expect(retry).toBeDefined();
      expect((retry?.at ?? 0) - l.at).toBeGreaterThanOrEqual(900);
    }
  });
});
