import type { Envelope, RegistryPage } from '../../src/contract';
import { registerFunctionalLoad } from '../../local/functional-load';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const REGISTERED = 1500;
let registered = 0;

/**
 * The health check on Forge's queue at a registry of 1,500 accounts in slices of 50 (the 10,000-account
 * figure is in `npm run bench`), with 20 ms on every KVS call, every other event delivered twice (half
 * of those at once) and a fifth of consumer invocations killed mid-run: every account is checked once
 * as of the run's start, and the run writes one summary and one audit entry.
 */
describe('health check run under duplicate deliveries and killed consumers', () => {
  let site: LocalSite;
  beforeAll(async () => {
    process.env.FUNCTIONAL_HEALTH_SLICE_SIZE = '50';
    // 1,500 registrations and a run over them in seconds: KVS's per-minute budget is off here (on Forge a run
    // reading 1,500 records within a minute would meet the 4,000 read units a minute).
    site = await startTestSite({ seed: { users: REGISTERED + 200, groups: 20 }, kvsRateLimits: false });
    const team = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
    const owners = [NAMED_USERS.regular.accountId, NAMED_USERS.jiraAdmin.accountId];
    await registerFunctionalLoad(site, { admin: ADMIN, count: REGISTERED, owners, owningGroupId: team?.groupId ?? '' });
    registered = site.kvs.keys().filter((k) => k.startsWith('fa:')).length;
    site.kvs.latencyMs = 20;
    site.queue.configure({
      duplicateRate: 0.5,
      concurrentDuplicateRate: 0.5,
      killRate: 0.2,
      killWithinMs: 400,
      seed: 7,
    });
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    site.kvs.latencyMs = 0;
    site.queue.configure({ duplicateRate: 0, killRate: 0 });
  }, 600_000);
  afterAll(async () => {
    delete process.env.FUNCTIONAL_HEALTH_SLICE_SIZE;
    await site.close();
  });

  it('was really delivered twice and killed along the way', () => {
    const health = site.queue.deliveries.filter((d) => d.queue === 'functional-health');
    expect(health.filter((d) => d.outcome === 'killed').length).toBeGreaterThan(0);
    expect(health.filter((d) => d.duplicate).length).toBeGreaterThan(0);
  });

  it('checks every registered account once, as of the run start, and writes one summary', async () => {
    const page = await ok(invokeAs<Envelope<RegistryPage>>(site, ADMIN, 'listFunctional', {}));
    expect(registered).toBeGreaterThan(1400);
    expect(page.lastCheck).toMatchObject({ accounts: registered, failed: 0, startedBy: 'scheduled' });
    const checks = site.kvs.keys().filter((k) => k.startsWith('fa-check:'));
    expect(checks).toHaveLength(registered);
    const at = new Set(checks.map((k) => (site.kvs.peek(k) as { checkedAt: string }).checkedAt));
    expect([...at]).toEqual([page.lastCheck?.at]);
    expect(page.running).toBeUndefined();
  });

  it('writes exactly one audit entry for the run and leaves no slice entries behind', () => {
    const audit = site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; actor?: string })
      .filter((e) => e.action === 'functional.health-check');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('scheduled');
    expect(site.kvs.keys().filter((k) => /^fa-health:run:.*:in:/.test(k))).toEqual([]);
  });
});
