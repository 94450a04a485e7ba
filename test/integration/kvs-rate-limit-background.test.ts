import type { Envelope, HealthCheckProgress, HealthRun, RegistryPage } from '../../src/contract';
import { registerFunctionalLoad } from '../../local/functional-load';
import { KVS_RATE_LIMITS } from '../../local/forge-runtime/kvs-store';
import type { LocalSite } from '../../local/local-site';
import { checkNowToEnd } from '../support/health';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const ACCOUNTS = 6;

/**
 * Background work finishes when Forge KVS refuses requests for its rate limits (429 RATE_LIMIT_EXCEEDED: 4,000
 * reads and 4,000 writes a minute per installation, spent e.g. by 1,000 registrations in one minute). The local
 * KVS refuses every request (its budgets are zero) until a condition holds, then the minute passes (its clock
 * moves on) and the budgets are back. The app's KVS client waits and retries (src/store/kvs-retry.ts), with its
 * back-off and budget scaled down (KVS_RETRY_TIME_SCALE) as are queue delays. Each run must end with exactly
 * what a run without refusals finds: every account checked, the same findings, one summary, one audit entry,
 * nothing dropped.
 */
describe('background work under KVS rate limits', () => {
  let site: LocalSite;
  /** The local KVS's clock runs ahead of the real one by this much (a minute passes at once). */
  let ahead = 0;
  let baseline: HealthRun;
  let refused = 0;

  /** KVS refuses every request while `refusing()` holds (asked at each refusal); then a minute passes. */
  function refuseWhile(refusing: () => boolean): void {
    refused = 0;
    site.kvs.rateLimits = { requestsPerSecond: 1e9, readUnitsPerMinute: 0, writeUnitsPerMinute: 0 };
    site.kvs.onRateLimited = () => {
      refused += 1;
      if (refusing()) return;
      site.kvs.onRateLimited = undefined;
      site.kvs.rateLimits = { ...KVS_RATE_LIMITS, requestsPerSecond: 1e9 };
      ahead += 61_000;
    };
  }
  const healthDeliveries = () => site.queue.deliveries.filter((d) => d.queue === 'functional-health').length;

  const scheduledAudits = () =>
    site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; actor?: string })
      .filter((e) => e.action === 'functional.health-check' && e.actor === 'scheduled');
  const lastCheck = async () =>
    (await ok(invokeAs<Envelope<RegistryPage>>(site, ADMIN, 'listFunctional', {}))).lastCheck;

  beforeAll(async () => {
    process.env.KVS_RETRY_TIME_SCALE = '0.001';
    process.env.FUNCTIONAL_HEALTH_SLICE_SIZE = '2';
    site = await startTestSite({ seed: { users: 80, groups: 10 }, queue: { timeScale: 0.001 } });
    site.kvs.now = () => Date.now() + ahead;
    const team = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    const owners = [NAMED_USERS.regular.accountId, NAMED_USERS.jiraAdmin.accountId];
    await registerFunctionalLoad(site, { admin: ADMIN, count: ACCOUNTS, owners, owningGroupId: team?.groupId ?? '' });
    baseline = await checkNowToEnd(site, ADMIN);
  }, 60_000);
  afterEach(() => {
    site.kvs.onRateLimited = undefined;
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS };
    site.queue.configure({ duplicateRate: 0, maxConcurrency: 8 });
  });
  afterAll(async () => {
    delete process.env.KVS_RETRY_TIME_SCALE;
    delete process.env.FUNCTIONAL_HEALTH_SLICE_SIZE;
    await site.close();
  });

  it('a run without refusals checks every account and finds something on each (the baseline)', () => {
    expect(baseline).toMatchObject({ accounts: ACCOUNTS, failed: 0 });
    expect(baseline.findings).toBeGreaterThanOrEqual(ACCOUNTS);
  });

  it('the daily trigger backs off and retries when KVS refuses its start: the run finishes as the baseline', async () => {
    refuseWhile(() => refused < 3);
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    expect(refused).toBe(3);
    const run = await lastCheck();
    expect(run).toMatchObject({ startedBy: 'scheduled', accounts: ACCOUNTS, failed: 0, findings: baseline.findings });
    expect(scheduledAudits()).toHaveLength(1);
    expect(site.queue.dropped).toEqual([]);
  });

  it('when KVS refuses longer than the trigger can wait, the start continues on the queue, once under duplicate deliveries', async () => {
    const before = scheduledAudits().length;
    const previous = await lastCheck();
    site.queue.configure({ duplicateRate: 1, concurrentDuplicateRate: 0.5, seed: 3 });
    // KVS refuses until the trigger has given up (its budget spent) and two deliveries on the health queue
    // have waited again: the trigger gives the start to the queue, which carries on once KVS answers.
    let triggerDone = false;
    const mark = healthDeliveries();
    refuseWhile(() => !triggerDone || healthDeliveries() < mark + 2);
    await site.runScheduledTrigger('daily-functional-health');
    triggerDone = true;
    await site.queue.idle();
    expect(site.kvs.onRateLimited).toBeUndefined();
    const run = await lastCheck();
    expect(run?.runId).not.toBe(previous?.runId);
    expect(run).toMatchObject({ startedBy: 'scheduled', accounts: ACCOUNTS, failed: 0, findings: baseline.findings });
    // One run for the day's start: one new audit entry, and no other run under way.
    expect(scheduledAudits()).toHaveLength(before + 1);
    expect(site.kvs.peek('fa-health:running')).toBeUndefined();
    expect(site.queue.dropped).toEqual([]);
  });

  it('steps of a run that KVS refuses again and again (more than Forge redelivers) continue on the queue and lose nothing', async () => {
    // Hold the queue so the refusals meet the run's steps (prepare, slices, finish), not the resolver.
    site.queue.configure({ maxConcurrency: 0 });
    const started = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    // Forge redelivers a failing event 4 times, then drops it: KVS refuses for longer than that (8 deliveries).
    const mark = healthDeliveries();
    refuseWhile(() => healthDeliveries() < mark + 8);
    site.queue.configure({ maxConcurrency: 8 });
    await site.queue.idle();
    expect(site.kvs.onRateLimited).toBeUndefined();
    const done = await ok(
      invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'getHealthCheck', { runId: started.runId }),
    );
    expect(done.status).toBe('done');
    expect(done.summary).toMatchObject({ accounts: ACCOUNTS, failed: 0, findings: baseline.findings });
    expect(site.queue.dropped).toEqual([]);
    expect(site.queue.consumerErrors.filter((e) => /RATE_LIMIT|Rate limit/i.test(e))).toEqual([]);
    const audits = site.kvs
      .keys()
      .filter((k) => (site.kvs.peek(k) as { targetId?: string; action?: string }).action === 'functional.health-check')
      .map((k) => site.kvs.peek(k) as { detail?: string; actor?: string })
      .filter((e) => e.actor === ADMIN);
    expect(audits).toHaveLength(2);
  });
});
