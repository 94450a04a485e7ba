import type { BulkJobView, Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';
import { jobAuditEntries } from '../support/audit';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const JIRA_ADMIN = NAMED_USERS.jiraAdmin.accountId;

/**
 * Bulk jobs run on Forge's queue: the resolver records and enqueues; consumers do the work as the
 * administrator who started the job, exactly once per item, under duplicate and concurrent deliveries,
 * killed consumers and Jira faults; the page only reads progress, can close, and can cancel.
 */
describe('bulk jobs on the queue', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 7000, groups: 20 },
      // Queue delays at 1/5 of real time (Jira's Retry-After and the pacer's holds stay real, so a scaled
      // redelivery may find Jira still holding and hand over again: Forge's 500 events/minute is raised).
      queue: { timeScale: 0.2, consumerTimeoutMs: 12_000, eventsPerMinute: 5_000 },
      // 5,000 items in about a minute (Jira's limits raised, delays scaled): KVS's per-minute budget is off.
      kvsRateLimits: false,
      // Jira's published price (2 points per user returned) makes these jobs' membership reads spend more
      // than the Tier-1 pool's 65,000 points in one hour, after which Jira refuses everything until the top
      // of the hour; this suite is about exactly-once under faults, so it runs with a larger pool (the app's
      // spend is issue 18's).
      rateLimits: { pointsPerHour: 1_000_000 },
    });
  });
  afterAll(() => site.close());

  const candidates = (groupName: string, n: number) => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === groupName);
    if (!group) throw new Error(`no group ${groupName}`);
    const users = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId))
      .slice(0, n)
      .map((u) => u.accountId);
    return { group, users };
  };
  const create = (as: string, payload: unknown) => invokeAs<Envelope<BulkJobView>>(site, as, 'createBulkJob', payload);
  const read = (jobId: string) => ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'getBulkJob', { jobId }));

  it('5,000 adds with every event delivered twice (some at once), killed consumers, 429 storms with Retry-After 9 s, 5xx and resets: exact state, true counts, one audit entry per item', async () => {
    const { group, users } = candidates('functional-accounts', 5000);
    expect(users).toHaveLength(5000);
    const before = new Set(group.members);
    // 100 of them are already members (added behind the app's back): they must be reported "already".
    for (const a of users.slice(0, 100)) group.members.add(a);
    site.sim.meter.reset();
    site.queue.configure({
      duplicateRate: 1,
      concurrentDuplicateRate: 0.3,
      killRate: 0.25,
      killWithinMs: 3000,
      seed: 9,
    });
    site.sim.faults.configure({
      tooManyRequestsRate: 0.002,
      retryAfterSeconds: 9,
      serverErrorRate: 0.02,
      resetRate: 0.01,
      paths: ['/rest/api/3/group/user'],
      seed: 21,
    });
    const created = await ok(
      create(ADMIN, { operation: 'add-users-to-group', accountIds: users, groupIds: [group.groupId] }),
    );
    expect(created).toMatchObject({ status: 'running', total: 5000 });
    await site.queue.idle();
    site.sim.faults.configure({});
    site.queue.configure({ duplicateRate: 0, killRate: 0 });
    const job = await read(created.jobId);
    if (job.processed !== 5000)
      console.info(JSON.stringify({ errors: site.queue.consumerErrors.slice(-3), n: site.queue.deliveries.length }));
    expect(job).toMatchObject({ status: 'done', processed: 5000 });
    expect(job.counts.failed).toBe(0);
    // Jira ends in exactly the intended state.
    expect([...group.members].sort()).toEqual([...new Set([...before, ...users])].sort());
    // One audit entry per item, by the administrator who started the job, agreeing with the counts.
    const entries = jobAuditEntries<{ actor: string; result: string; targetId: string; detail: string }>(
      site,
      created.jobId,
    );
    expect(entries).toHaveLength(5000);
    expect(new Set(entries.map((e) => e.targetId)).size).toBe(5000);
    expect(entries.every((e) => e.actor === ADMIN)).toBe(true);
    expect(entries.filter((e) => e.result === 'done')).toHaveLength(job.counts.done);
    expect(entries.filter((e) => e.result === 'already')).toHaveLength(job.counts.already);
    // The 4,900 the app added are all "done". The 100 already there are sent too (issue 18: a slice no longer
    // re-reads the group's member list; Jira's answer to an add of an existing member says "already a member"),
    // so they are "already", except where that answer was lost (a killed consumer, a 5xx or reset): reading
    // Jira back then cannot tell this job's write from the earlier one, and the item is "done" with the note
    // that says so (membership.ts), never silently.
    expect(job.counts.done + job.counts.already).toBe(5000);
    const pre = new Set(users.slice(0, 100));
    const byUser = new Map(entries.map((e) => [e.targetId, e]));
    expect(users.slice(100).every((a) => byUser.get(a)?.result === 'done')).toBe(true);
    for (const a of pre) {
      const e = byUser.get(a);
      if (e?.result === 'done') expect(e.detail).toMatch(/answer was lost/);
      else expect(e).toMatchObject({ result: 'already', detail: 'Already a member.' });
    }
    expect(job.counts.already).toBe([...pre].filter((a) => byUser.get(a)?.result === 'already').length);
    expect(job.counts.already).toBeGreaterThan(0);
    // Faults and duplicates really happened.
    expect(site.queue.deliveries.some((d) => d.duplicate)).toBe(true);
    expect(site.queue.deliveries.some((d) => d.outcome === 'killed')).toBe(true);
    const posts = site.sim.meter.requests.filter((r) => r.endpoint === '/rest/api/3/group/user' && r.method === 'POST');
    const perUser = new Map<string, number>();
    for (const r of posts) {
      const a = new URL(`http://x${r.path}`).searchParams.get('accountId') ?? r.path;
      perUser.set(a, (perUser.get(a) ?? 0) + 1);
    }
    const throttled = posts.filter((r) => r.status === 429).length;
    const lost = posts.filter((r) => r.status >= 500 || r.status === 0).length;
    console.info(
      `5,000-item job: ${posts.length} POSTs (${posts.filter((r) => r.status === 201).length} applied, ${throttled} 429, ${lost} 5xx/reset, ${posts.length - 5000} beyond one per item); ` +
        `deliveries ${site.queue.deliveries.length} ` +
        `(duplicates ${site.queue.deliveries.filter((d) => d.duplicate).length}, killed ${site.queue.deliveries.filter((d) => d.outcome === 'killed').length})`,
    );
    // Every POST beyond one per item answers a 429, 5xx or reset (a repeat only where Jira refused or the answer was lost).
    expect(posts.length - 5000).toBeLessThanOrEqual(throttled + lost + 20);
    // Mostly waiting on Jira's Retry-After and scaled redeliveries: over two minutes on a loaded machine.
  }, 300_000);

  it('refuses a membership job for a Jira admin who is not a site admin before any job exists', async () => {
    const { group, users } = candidates('functional-accounts', 3);
    const keysBefore = site.kvs.keys().filter((k) => k.startsWith('job')).length;
    const res = await create(JIRA_ADMIN, {
      operation: 'add-users-to-group',
      accountIds: users,
      groupIds: [group.groupId],
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'SITE_ADMIN_REQUIRED' } });
    expect(site.kvs.keys().filter((k) => k.startsWith('job')).length).toBe(keysBefore);
  });

  it('a Jira admin reading or "running" a site admin’s job changes nothing; the page can close and the job still finishes', async () => {
    const { group, users } = candidates('jira-software-users', 30);
    const created = await ok(
      create(ADMIN, {
        operation: 'remove-users-from-group',
        accountIds: [...group.members].slice(0, 30),
        groupIds: [group.groupId],
      }),
    );
    site.sim.meter.reset();
    await invokeAs(site, JIRA_ADMIN, 'runBulkJob', { jobId: created.jobId });
    expect(
      site.sim.meter.requests.filter(
        (r) => r.endpoint === '/rest/api/3/group/user' && r.principal === `user:${JIRA_ADMIN}`,
      ),
    ).toHaveLength(0);
    await site.queue.idle();
    const job = await read(created.jobId);
    expect(job).toMatchObject({ status: 'done', processed: 30 });
    expect(users.length).toBeGreaterThan(0);
  });

  it('cancel halfway: the job says cancelled, items after it are untouched and have no audit entry', async () => {
    const { group, users } = candidates('functional-accounts', 600);
    site.sim.faults.configure({ latencyMs: 5, paths: ['/rest/api/3/group/user'] });
    const created = await ok(
      create(ADMIN, { operation: 'add-users-to-group', accountIds: users, groupIds: [group.groupId] }),
    );
    while ((await read(created.jobId)).processed < 50) await new Promise((r) => setTimeout(r, 20));
    await ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'cancelBulkJob', { jobId: created.jobId }));
    await site.queue.idle();
    site.sim.faults.configure({});
    const job = await read(created.jobId);
    expect(job.status).toBe('cancelled');
    expect(job.processed).toBeLessThan(600);
    const added = users.filter((a) => group.members.has(a)).length;
    expect(added).toBe(job.counts.done);
    expect(jobAuditEntries(site, created.jobId)).toHaveLength(job.processed);
  });

  it('two site admins start jobs on the same group at once: Jira gets the union, each overlap is done by one job and already for the other, each audited to its own admin', async () => {
    const state = site.sim.state;
    const admins = [...state.groups.values()].find((g) => g.name === state.siteAdminGroup);
    const second = [...state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !admins?.members.has(u.accountId),
    );
    if (!admins || !second) throw new Error('no second admin candidate');
    admins.members.add(second.accountId);
    const { group, users } = candidates('functional-accounts', 300);
    const a = users.slice(0, 200);
    const b = users.slice(100, 300);
    const [jobA, jobB] = await Promise.all([
      ok(create(ADMIN, { operation: 'add-users-to-group', accountIds: a, groupIds: [group.groupId] })),
      ok(create(second.accountId, { operation: 'add-users-to-group', accountIds: b, groupIds: [group.groupId] })),
    ]);
    await site.queue.idle();
    const [viewA, viewB] = await Promise.all([read(jobA.jobId), read(jobB.jobId)]);
    expect(users.every((u) => group.members.has(u))).toBe(true);
    expect(viewA.counts.failed + viewB.counts.failed).toBe(0);
    // 300 distinct users added: 300 "done" across both jobs, the 100 overlaps "already" in the other.
    expect(viewA.counts.done + viewB.counts.done).toBe(300);
    expect(viewA.counts.already + viewB.counts.already).toBe(100);
    for (const [job, actor] of [
      [jobA, ADMIN],
      [jobB, second.accountId],
    ] as const) {
      const entries = jobAuditEntries(site, job.jobId);
      expect(entries).toHaveLength(200);
      expect(entries.every((e) => e.actor === actor)).toBe(true);
    }
    admins.members.delete(second.accountId);
  });

  it('stops a job whose creator is no longer a site admin when a slice starts: nothing is changed, and the job says why', async () => {
    const state = site.sim.state;
    const admins = [...state.groups.values()].find((g) => g.name === state.siteAdminGroup);
    const temp = [...state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !admins?.members.has(u.accountId),
    );
    if (!admins || !temp) throw new Error('no candidate');
    admins.members.add(temp.accountId);
    const { group, users } = candidates('functional-accounts', 50);
    site.queue.configure({ maxConcurrency: 0 }); // hold the events back while the admin is demoted
    const created = await ok(
      create(temp.accountId, { operation: 'add-users-to-group', accountIds: users, groupIds: [group.groupId] }),
    );
    admins.members.delete(temp.accountId);
    site.queue.configure({ maxConcurrency: 8 });
    await site.queue.idle();
    const job = await read(created.jobId);
    expect(job.status).toBe('stopped');
    expect(job.stopReason).toMatch(/no longer a site admin/);
    expect(users.some((u) => group.members.has(u))).toBe(false);
  });
});
