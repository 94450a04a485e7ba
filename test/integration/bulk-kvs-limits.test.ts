import type { BulkJobView, Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { KVS_RATE_LIMITS, type KvsAnswer } from '../../local/forge-runtime/kvs-store';
import { RATE_LIMITS_OFF } from '../../local/jira-sim/rate-limit';
import { currentInvocation } from '../../local/forge-runtime/runtime';
import { setKvsRetrySleep } from '../../src/store/kvs-retry';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';
import { jobAuditEntries } from '../support/audit';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Bulk jobs under Forge's KVS limits (4,000 read and 4,000 write units a minute per installation,
 * developer.atlassian.com/platform/forge/limits-kvs-ce), which the local KVS enforces with a 429
 * RATE_LIMIT_EXCEEDED: a job whose KVS requests are refused still ends with every item applied once, one
 * outcome and one audit entry each. KVS 429s within a call's retry budget are waited out in the invocation
 * (store/kvs-retry.ts); past it, the slice asks Forge to deliver its event again (run-bulk-slice.ts) and the
 * next delivery resumes from what was stored.
 */
describe('bulk jobs under KVS rate limits', () => {
  let site: LocalSite;
  /** The KVS store's clock: real time plus what the retry back-off "slept" (so a minute's window frees at once). */
  let skipped = 0;
  let restoreSleep: () => void;
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 900, groups: 12 },
      // Jira's limits are not this suite's subject; queue delays (Forge's retryAfter) at 1/20 of real time.
      rateLimits: RATE_LIMITS_OFF,
      queue: { timeScale: 0.05, consumerTimeoutMs: 12_000 },
      // One container with the test's own modules, so the retry back-off set below is the consumers' too.
      containers: { mode: 'shared' },
    });
    site.kvs.now = () => Date.now() + skipped;
  });
  afterAll(async () => {
    restoreSleep?.();
    await site.close();
  });
  afterEach(() => {
    restoreSleep?.();
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS };
  });

  const candidates = (n: number, skip: number) => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'functional-accounts');
    if (!group) throw new Error('no group functional-accounts');
    const users = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId))
      .slice(skip, skip + n)
      .map((u) => u.accountId);
    return { group, users };
  };
  const create = (payload: unknown) => ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'createBulkJob', payload));
  const read = (jobId: string) => ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'getBulkJob', { jobId }));

  /** Every item applied in Jira, once done, one audit entry per item, counts that add up. */
  async function expectExactlyOnce(jobId: string, group: { members: Set<string> }, users: string[]) {
    const job = await read(jobId);
    expect(job).toMatchObject({ status: 'done', processed: users.length });
    expect(job.counts).toEqual({ done: users.length, already: 0, failed: 0 });
    expect(users.every((a) => group.members.has(a))).toBe(true);
    const entries = jobAuditEntries(site, jobId);
    expect(entries).toHaveLength(users.length);
    expect(new Set(entries.map((e) => e.targetId))).toEqual(new Set(users));
    expect(entries.every((e) => e.result === 'done' && e.actor === ADMIN)).toBe(true);
    // Nothing of the slice's own bookkeeping is left once it is complete.
    expect(site.kvs.keys().filter((k) => k.startsWith(`job:${jobId}:`) && /:(flight|ix|pre|lease):/.test(k))).toEqual(
      [],
    );
  }

  it('a job under a write budget of 20 units a minute: each KVS 429 is waited out, every item done once', async () => {
    restoreSleep = setKvsRetrySleep(async (ms) => {
      skipped += ms;
      await new Promise((r) => setImmediate(r));
    });
    const { group, users } = candidates(300, 0);
    // A call may keep retrying for up to 40 s while the invocation has 10 s more in hand (store/kvs-retry.ts).
    site.queue.configure({ consumerTimeoutMs: 60_000 });
    site.kvs.resetUsage();
    site.kvs.resetRateLimits();
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS, writeUnitsPerMinute: 20 };
    const created = await create({ operation: 'add-users-to-group', accountIds: users, groupIds: [group.groupId] });
    await site.queue.idle();
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS };
    // KVS did refuse the job's writes (it could not have run in 20 units otherwise), and it still finished.
    expect(site.kvs.usage.refused).toBeGreaterThan(0);
    await expectExactlyOnce(created.jobId, group, users);
    // The slice waited inside its invocation: no delivery failed or was retried for it.
    expect(site.queue.deliveries.filter((d) => d.queue === 'bulk-jobs' && d.outcome !== 'success')).toEqual([]);
  }, 60_000);

  it('KVS refusing past the retry budget: the slice is delivered again, resumes from its checkpoint, no outcome lost or counted twice', async () => {
    // Real (short) waits: the refusal below lasts longer than a call's budget in real time.
    restoreSleep = setKvsRetrySleep((ms) => new Promise((r) => setTimeout(r, Math.min(ms, 25))));
    const { group, users } = candidates(300, 300);
    const deliveriesBefore = site.queue.deliveries.length;
    // Once the job's first checkpoint is stored, KVS refuses every write of the consumer until it has given up
    // once: with 12 s of invocation a call may retry for at most 2 s (the retry budget keeps 10 s in hand).
    site.queue.configure({ consumerTimeoutMs: 12_000 });
    const original = site.kvs.request.bind(site.kvs);
    let armed = false;
    let jumped = false;
    let refusedWrites = 0;
    const gaveUp = () =>
      site.queue.deliveries.slice(deliveriesBefore).some((d) => d.queue === 'bulk-jobs' && d.outcome === 'retry');
    site.kvs.request = async (path: string, body: unknown): Promise<KvsAnswer> => {
      // Only the job's consumer is refused (the page's resolvers are not this test's subject).
      const write =
        currentInvocation()?.moduleKey === 'bulk-job-consumer' &&
        /\/(set|delete|transaction)$|batch\/(set|delete)$/.test(path);
      if (write && armed && !jumped && gaveUp()) {
        // Forge redelivers the event a minute later (scaled by the queue's timeScale): KVS's clock moves on that
        // minute too, so what the delivery left behind (a record lock whose release KVS refused) has expired.
        jumped = true;
        skipped += 60_000;
      }
      if (write && armed && !gaveUp()) {
        refusedWrites += 1;
        return { status: 429, body: { code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded (test).' } };
      }
      const answer = await original(path, body);
      const keys = ((body as { set?: Array<{ key: string }> }).set ?? []).map((s) => s.key);
      if (path.endsWith('/transaction') && keys.some((k) => /^job:.*:out:0$/.test(k))) armed = true;
      return answer;
    };
    site.sim.meter.reset();
    try {
      const created = await create({ operation: 'add-users-to-group', accountIds: users, groupIds: [group.groupId] });
      await site.queue.idle();
      expect(refusedWrites).toBeGreaterThan(0);
      const deliveries = site.queue.deliveries.slice(deliveriesBefore).filter((d) => d.queue === 'bulk-jobs');
      if (!deliveries.some((d) => d.retryCount > 0 && d.outcome === 'success'))
        console.info(JSON.stringify({ deliveries, errors: site.queue.consumerErrors.slice(-5), refusedWrites }));
      // The delivery that gave up asked for a retry; the same event was delivered again and finished the slice.
      expect(deliveries.some((d) => d.outcome === 'retry')).toBe(true);
      expect(deliveries.some((d) => d.retryCount > 0 && d.outcome === 'success')).toBe(true);
      await expectExactlyOnce(created.jobId, group, users);
      // Each item was written once: those whose outcome was not stored when KVS refused were read back (Jira
      // had them), not sent again.
      const posts = site.sim.meter.requests.filter(
        (r) => r.method === 'POST' && r.endpoint === '/rest/api/3/group/user',
      );
      expect(posts.filter((r) => r.status === 201)).toHaveLength(users.length);
      expect(posts).toHaveLength(users.length);
    } finally {
      site.kvs.request = original;
    }
  }, 60_000);
});
