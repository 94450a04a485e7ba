import type { BulkJobView, Envelope, HealthCheckProgress } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { registerFunctionalLoad } from '../../local/functional-load';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';
import { jobAuditEntries } from '../support/audit';
import { WORKERS } from '../../src/features/bulk-changes/bulk-runner';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const POST_MEMBER = (r: { endpoint: string; method: string }) =>
  r.endpoint === '/rest/api/3/group/user' && r.method === 'POST';

/**
 * Every bulk job and health-check run reaches a final state whatever happens to its deliveries (issue 19):
 * a creator who can no longer act stops the job with the reason in words and the rest "not attempted"; an
 * event that uses up Forge's retries is resumed or ended by the watchdog; a refused push leaves nothing;
 * cancel is exact (no write after its answer); a read-back never credits one job with another's write.
 * The watchdog's lease is set to 0 where a test needs it to look at once (BULK_WATCHDOG_STALE_MS,
 * HEALTH_WATCHDOG_STALE_MS); nothing here asserts on time.
 */
describe('bulk jobs and health runs always end', () => {
  let site: LocalSite;
  let kvsFault: ((path: string, body: unknown) => boolean) | undefined;
  beforeAll(async () => {
    process.env.FUNCTIONAL_HEALTH_SLICE_SIZE = '50';
    site = await startTestSite({
      seed: { users: 8000, groups: 20 },
      queue: { timeScale: 0.05, consumerTimeoutMs: 6_000, eventsPerMinute: 5_000 },
      // Minutes of use compressed into seconds: Forge's KVS per-minute budget is off and Jira's hourly pool is
      // large (as in bulk-queue.test), so the points governor never holds the background lane until the hour.
      kvsRateLimits: false,
      rateLimits: { pointsPerHour: 1_000_000 },
    });
    // KVS faults for one key (a slice's items or input): every delivery of that slice fails, until lifted.
    const request = site.kvs.request.bind(site.kvs);
    site.kvs.request = (path, body) =>
      kvsFault?.(path, body)
        ? Promise.resolve({ status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'injected' } })
        : request(path, body);
  }, 120_000);
  afterAll(async () => {
    delete process.env.FUNCTIONAL_HEALTH_SLICE_SIZE;
    delete process.env.BULK_WATCHDOG_STALE_MS;
    delete process.env.HEALTH_WATCHDOG_STALE_MS;
    await site.close();
  });
  afterEach(() => {
    kvsFault = undefined;
    delete process.env.BULK_WATCHDOG_STALE_MS;
    delete process.env.HEALTH_WATCHDOG_STALE_MS;
    site.sim.faults.configure({});
    site.queue.configure({ killRate: 0, duplicateRate: 0, maxConcurrency: 8 });
  });

  const state = () => site.sim.state;
  const siteAdmins = () => {
    const g = [...state().groups.values()].find((x) => x.name === state().siteAdminGroup);
    if (!g) throw new Error('no site-admins group');
    return g;
  };
  let used = new Set<string>();
  /** A fresh site admin, and `n` active people not yet in `groupName` nor used by an earlier test. */
  const setup = (groupName: string, n: number) => {
    const group = [...state().groups.values()].find((g) => g.name === groupName);
    if (!group) throw new Error(`no group ${groupName}`);
    const fresh = [...state().users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !used.has(u.accountId) &&
        !group.members.has(u.accountId) &&
        !siteAdmins().members.has(u.accountId),
    );
    const admin = fresh[0];
    if (!admin) throw new Error('no candidate admin');
    siteAdmins().members.add(admin.accountId);
    const users = fresh.slice(1, n + 1).map((u) => u.accountId);
    if (users.length < n) throw new Error(`only ${users.length} of ${n} people left`);
    used = new Set([...used, admin.accountId, ...users]);
    return { group, admin: admin.accountId, users };
  };
  const create = (as: string, accountIds: string[], groupId: string) =>
    invokeAs<Envelope<BulkJobView>>(site, as, 'createBulkJob', {
      operation: 'add-users-to-group',
      accountIds,
      groupIds: [groupId],
    });
  const read = (jobId: string) => ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'getBulkJob', { jobId }));
  const until = async (what: () => Promise<boolean>) => {
    while (!(await what())) await new Promise((r) => setTimeout(r, 25));
  };
  /** Reads the job (each read runs the watchdog) until it is in a final state. */
  const toFinal = async (jobId: string) => {
    for (;;) {
      await site.queue.idle();
      const job = await read(jobId);
      if (['done', 'stopped', 'cancelled', 'failed'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const auditOf = (jobId: string) =>
    jobAuditEntries<{ result: string; targetId: string; detail?: string; actor?: string }>(site, jobId);

  it('a creator deactivated mid-job: the job stops saying so, the rest is not attempted (no failure), and can be retried', async () => {
    const { group, admin, users } = setup('functional-accounts', 600);
    site.sim.faults.configure({ latencyMs: 5, paths: ['/rest/api/3/group/user'] });
    const created = await ok(create(admin, users, group.groupId));
    await until(async () => (await read(created.jobId)).processed >= 50);
    const creator = state().users.get(admin);
    if (!creator) throw new Error('no creator');
    creator.active = false;
    const job = await toFinal(created.jobId);
    expect(job.status).toBe('stopped');
    expect(job.stopReason).toMatch(/has been deactivated/);
    expect(job.counts.failed).toBe(0);
    expect(job.processed).toBeLessThan(600);
    expect(job.notAttempted).toBe(600 - job.processed);
    // Jira holds exactly the "done" items; the rest were never sent.
    expect(users.filter((u) => group.members.has(u))).toHaveLength(job.counts.done);
    expect(auditOf(created.jobId)).toHaveLength(job.processed);
    // "Retry the failures" (by another administrator) offers the items never attempted.
    const retry = await ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'retryBulkFailures', { jobId: created.jobId }));
    expect(retry.total).toBe(job.notAttempted);
    const retried = await toFinal(retry.jobId);
    expect(retried).toMatchObject({ status: 'done', counts: { done: job.notAttempted, already: 0, failed: 0 } });
    expect(users.every((u) => group.members.has(u))).toBe(true);
    creator.active = true;
  });

  it('a creator deleted from the site mid-job: the job stops saying so, the rest is not attempted, and can be retried', async () => {
    const { group, admin, users } = setup('functional-accounts', 300);
    site.sim.faults.configure({ latencyMs: 5, paths: ['/rest/api/3/group/user'] });
    const created = await ok(create(admin, users, group.groupId));
    await until(async () => (await read(created.jobId)).processed >= 50);
    site.sim.directory.deleteUser(admin);
    const job = await toFinal(created.jobId);
    expect(job.status).toBe('stopped');
    expect(job.stopReason).toMatch(/has been deleted from the site/);
    expect(job.counts.failed).toBe(0);
    expect(job.processed).toBeLessThan(300);
    expect(job.notAttempted).toBe(300 - job.processed);
    expect(users.filter((u) => group.members.has(u))).toHaveLength(job.counts.done);
    const retry = await ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'retryBulkFailures', { jobId: created.jobId }));
    expect(retry.total).toBe(job.notAttempted);
    const retried = await toFinal(retry.jobId);
    expect(retried).toMatchObject({ status: 'done', counts: { done: job.notAttempted, already: 0, failed: 0 } });
    expect(users.every((u) => group.members.has(u))).toBe(true);
  });

  it('a job held by Jira says in words what it waits for and when it resumes, then finishes', async () => {
    const { group, admin, users } = setup('functional-accounts', 3);
    // Every membership write answered 429 with a Retry-After longer than a delivery (6 s here) may sleep: the
    // slice hands over to a continuation delayed that long, and the job says so (a minute or less: a rate limit).
    site.sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 8, paths: ['/rest/api/3/group/user'] });
    const created = await ok(create(admin, users, group.groupId));
    let waiting: string | undefined;
    await until(async () => !!(waiting = (await read(created.jobId)).waiting));
    const stored = site.kvs.peek(`job:${created.jobId}`) as { waiting?: { until: string } };
    expect(waiting).toBe(`Waiting for Jira's rate limit; resumes at ${stored.waiting?.until.slice(11, 16)} UTC.`);
    site.sim.faults.configure({});
    const job = await toFinal(created.jobId);
    expect(job).toMatchObject({ status: 'done', counts: { done: 3, already: 0, failed: 0 } });
    expect(job.waiting).toBeUndefined();
  });

  it('a creator demoted from site admin mid-job: rights are read before each batch, the rest is not attempted, none failed', async () => {
    const { group, admin, users } = setup('functional-accounts', 600);
    site.sim.faults.configure({ latencyMs: 5, paths: ['/rest/api/3/group/user'] });
    const created = await ok(create(admin, users, group.groupId));
    await until(async () => (await read(created.jobId)).processed >= 50);
    siteAdmins().members.delete(admin);
    site.sim.meter.reset();
    const job = await toFinal(created.jobId);
    expect(job.status).toBe('stopped');
    expect(job.stopReason).toMatch(/no longer a site admin/);
    expect(job.counts.failed).toBe(0);
    expect(job.notAttempted).toBe(600 - job.processed);
    expect(job.notAttempted).toBeGreaterThan(0);
    // After the demotion at most the batch already under way is sent (it was checked before the demotion):
    // Jira refuses none of it more than one wave's worth, and nothing after the next rights check.
    const refused = site.sim.meter.requests.filter((r) => POST_MEMBER(r) && r.status === 403);
    // (one wave = the requests a slice keeps in flight)
    expect(refused.length).toBeLessThanOrEqual(WORKERS);
    expect(users.filter((u) => group.members.has(u))).toHaveLength(job.counts.done);
  });

  it('a slice whose event uses up its retries: the watchdog resumes it and the job finishes', async () => {
    const { group, admin, users } = setup('functional-accounts', 1000);
    let jobId = '';
    kvsFault = (path, body) => path.endsWith('/get') && JSON.stringify(body).includes(`job:${jobId}:items:1`);
    const created = await ok(create(admin, users, group.groupId));
    jobId = created.jobId;
    await site.queue.idle();
    // Stuck: slice 1's event was dropped after Forge's retries.
    expect(site.queue.deliveries.filter((d) => d.outcome === 'error').length).toBeGreaterThanOrEqual(5);
    const stuck = await read(jobId);
    expect(stuck).toMatchObject({ status: 'running', processed: 500 });
    kvsFault = undefined;
    process.env.BULK_WATCHDOG_STALE_MS = '0';
    const job = await toFinal(jobId);
    expect(job).toMatchObject({ status: 'done', processed: 1000, counts: { done: 1000, already: 0, failed: 0 } });
    expect(users.every((u) => group.members.has(u))).toBe(true);
  });

  it('a slice that keeps failing: the watchdog ends the job as failed with its reason; its items are not attempted and retryable', async () => {
    const { group, admin, users } = setup('functional-accounts', 1000);
    let jobId = '';
    kvsFault = (path, body) => path.endsWith('/get') && JSON.stringify(body).includes(`job:${jobId}:items:1`);
    const created = await ok(create(admin, users, group.groupId));
    jobId = created.jobId;
    process.env.BULK_WATCHDOG_STALE_MS = '0';
    const job = await toFinal(jobId);
    expect(job.status).toBe('failed');
    expect(job.stopReason).toMatch(/queue did not deliver/);
    expect(job).toMatchObject({ processed: 500, notAttempted: 500 });
    kvsFault = undefined;
    const retry = await ok(invokeAs<Envelope<BulkJobView>>(site, admin, 'retryBulkFailures', { jobId }));
    expect(retry.total).toBe(500);
    expect(await toFinal(retry.jobId)).toMatchObject({ status: 'done', counts: { done: 500 } });
    expect(users.every((u) => group.members.has(u))).toBe(true);
  });

  it('a push Forge refuses (500 events a minute) answers RATE_LIMITED and leaves no job behind', async () => {
    const { group, admin, users } = setup('functional-accounts', 20);
    const before = site.kvs.keys().filter((k) => k.startsWith('job'));
    // Whatever the minute's window holds, one more event is over a limit of 0.
    site.queue.configure({ eventsPerMinute: 0 });
    const res = await create(admin, users, group.groupId);
    site.queue.configure({ eventsPerMinute: 5_000 });
    expect(res).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(site.kvs.keys().filter((k) => k.startsWith('job'))).toEqual(before);
    const list = await ok(invokeAs<Envelope<BulkJobView[]>>(site, admin, 'listBulkJobs', {}));
    expect(list.filter((j) => j.status === 'running')).toEqual([]);
  });

  it('cancel is exact: no write reaches Jira after the answer that says cancelled, and its counts are final', async () => {
    const { group, admin, users } = setup('functional-accounts', 600);
    site.sim.faults.configure({ latencyMs: 20, paths: ['/rest/api/3/group/user'] });
    const created = await ok(create(admin, users, group.groupId));
    await until(async () => (await read(created.jobId)).processed >= 50);
    let answer = await ok(invokeAs<Envelope<BulkJobView>>(site, admin, 'cancelBulkJob', { jobId: created.jobId }));
    while (answer.status === 'cancelling') answer = await read(created.jobId);
    const answeredAt = Date.now();
    expect(answer.status).toBe('cancelled');
    await site.queue.idle();
    const later = site.sim.meter.requests.filter((r) => POST_MEMBER(r) && r.at > answeredAt);
    expect(later).toEqual([]);
    const job = await read(created.jobId);
    expect(job.counts).toEqual(answer.counts);
    expect(job).toMatchObject({
      status: 'cancelled',
      processed: answer.processed,
      notAttempted: 600 - answer.processed,
    });
    expect(users.filter((u) => group.members.has(u))).toHaveLength(job.counts.done);
    expect(auditOf(created.jobId)).toHaveLength(job.processed);
  });

  it('two admins’ overlapping jobs under killed consumers: an item is plainly "done" for one job only; the unknowable case says so', async () => {
    const a = setup('functional-accounts', 400);
    const second = setup('functional-accounts', 0).admin;
    const first = a.users.slice(0, 300);
    const other = a.users.slice(100, 400);
    site.queue.configure({ killRate: 0.3, killWithinMs: 1500, duplicateRate: 0.3, seed: 5 });
    const [jobA, jobB] = await Promise.all([
      ok(create(a.admin, first, a.group.groupId)),
      ok(create(second, other, a.group.groupId)),
    ]);
    const [viewA, viewB] = [await toFinal(jobA.jobId), await toFinal(jobB.jobId)];
    site.queue.configure({ killRate: 0, duplicateRate: 0 });
    expect(site.queue.deliveries.some((d) => d.outcome === 'killed')).toBe(true);
    expect(viewA.status).toBe('done');
    expect(viewB.status).toBe('done');
    expect(a.users.every((u) => a.group.members.has(u))).toBe(true);
    // "Done" plainly means this job's own request was answered as applied: never for two jobs. The one case
    // the app cannot tell (a request marked as leaving when its invocation was killed: it may or may not have
    // reached Jira) reads back as done *with the note saying it is unknown*, never as plain done.
    const entries = [...auditOf(jobA.jobId), ...auditOf(jobB.jobId)].filter((e) => e.result === 'done');
    const unknown = (e: { detail?: string }) => (e.detail ?? '').includes('is not known');
    const plainBy = new Map<string, number>();
    for (const e of entries.filter((x) => !unknown(x))) plainBy.set(e.targetId, (plainBy.get(e.targetId) ?? 0) + 1);
    expect([...plainBy.values()].filter((n) => n > 1)).toEqual([]);
    const doneBy = new Map<string, number>();
    for (const e of entries) doneBy.set(e.targetId, (doneBy.get(e.targetId) ?? 0) + 1);
    const twice = [...doneBy.entries()].filter(([, n]) => n > 1).map(([u]) => u);
    for (const u of twice) expect(entries.filter((e) => e.targetId === u).some(unknown)).toBe(true);
    expect(a.users.every((u) => doneBy.has(u))).toBe(true);
    if (twice.length > 0) console.info(`${twice.length} of 400 done twice, each with the "not known" note`);
    expect(viewA.counts.done + viewB.counts.done).toBe(400 + twice.length);
    expect(viewA.counts.already + viewB.counts.already).toBe(200 - twice.length);
  });

  it('a health-check slice that uses up its retries: the watchdog resumes it, the run finishes and Check now starts a new run', async () => {
    const team = [...state().groups.values()].find((g) => g.name === 'team-data');
    await registerFunctionalLoad(site, {
      admin: ADMIN,
      count: 150,
      owners: [NAMED_USERS.regular.accountId],
      owningGroupId: team?.groupId ?? '',
    });
    kvsFault = (path, body) => path.endsWith('/set') && /:done:000001"/.test(JSON.stringify(body));
    const started = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    await site.queue.idle();
    const stuck = await ok(
      invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'getHealthCheck', { runId: started.runId }),
    );
    expect(stuck).toMatchObject({ status: 'checking', slicesDone: stuck.slices - 1 });
    // While it is stuck (and not yet past its lease), Check now finds it running.
    const again = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    expect(again).toMatchObject({ runId: started.runId, alreadyRunning: true });
    kvsFault = undefined;
    process.env.HEALTH_WATCHDOG_STALE_MS = '0';
    const resumed = await ok(
      invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'getHealthCheck', { runId: started.runId }),
    );
    expect(resumed.status).not.toBe('done');
    await site.queue.idle();
    const done = await ok(
      invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'getHealthCheck', { runId: started.runId }),
    );
    expect(done.status).toBe('done');
    expect(done.summary?.failed).toBe(0);
    expect(done.summary?.ended).toBeUndefined();
    const next = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    expect(next.runId).not.toBe(started.runId);
    expect(next.alreadyRunning).toBeUndefined();
    await site.queue.idle();
  });

  it('a health-check slice that keeps failing: the watchdog ends the run (its accounts "could not be checked", the reason in the audit entry) and frees the lock', async () => {
    kvsFault = (path, body) => path.endsWith('/set') && /:done:000001"/.test(JSON.stringify(body));
    process.env.HEALTH_WATCHDOG_STALE_MS = '0';
    const started = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    let progress = started;
    while (progress.status !== 'done') {
      await site.queue.idle();
      progress = await ok(
        invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'getHealthCheck', { runId: started.runId }),
      );
    }
    expect(progress.summary?.ended).toMatch(/1 of \d+ slices were not checked/);
    expect(progress.summary?.failed).toBe(50);
    const audit = site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; detail?: string })
      .find((e) => e.action === 'functional.health-check' && e.detail?.includes('ended'));
    expect(audit?.detail).toMatch(/50 could not be checked/);
    kvsFault = undefined;
    const next = await ok(invokeAs<Envelope<HealthCheckProgress>>(site, ADMIN, 'runHealthCheck', {}));
    expect(next.runId).not.toBe(started.runId);
    await site.queue.idle();
  });
});
