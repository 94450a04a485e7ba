import type { BulkJobView, Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * A bulk job of 5,000 adds, run the way the page runs it (one `runBulkJob` invocation after another),
 * while Jira answers 429s with Retry-After, 5xx and dropped connections.
 */
describe('bulk membership job of 5,000 under injected faults', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 7000, groups: 20 } });
  });
  afterAll(() => site.close());

  it('ends with exactly the intended memberships, one audit entry per item, no invocation over 25 s', async () => {
    const state = site.sim.state;
    const group = [...state.groups.values()].find((g) => g.name === 'functional-accounts');
    if (!group) throw new Error('seed has no functional-accounts group');
    const candidates = [...state.users.values()].filter(
      (u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId),
    );
    const targets = candidates.slice(0, 5000).map((u) => u.accountId);
    expect(targets).toHaveLength(5000);
    const before = new Set(group.members);

    const created = await ok(
      invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: targets,
        groupIds: [group.groupId],
      }),
    );
    expect(created).toMatchObject({ total: 5000, processed: 0, status: 'running' });

    site.sim.meter.reset();
    site.sim.faults.configure({
      tooManyRequestsRate: 0.015,
      retryAfterSeconds: 1,
      serverErrorRate: 0.03,
      resetRate: 0.005,
      paths: ['/rest/api/3/group/user'],
      seed: 11,
    });
    const durationsBefore = site.host.durations.length;
    let job = created;
    let progress: number[] = [];
    for (let i = 0; i < 200 && job.status !== 'done'; i += 1) {
      job = await ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'runBulkJob', { jobId: created.jobId }));
      progress.push(job.processed);
    }
    site.sim.faults.configure({});

    expect(job).toMatchObject({ status: 'done', processed: 5000, counts: { done: 5000, already: 0, failed: 0 } });
    // Progress only ever moved forward, over several invocations.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.length).toBeGreaterThan(1);
    // Exactly the intended memberships: everyone before, plus the 5,000, nobody else.
    expect([...group.members].sort()).toEqual([...new Set([...before, ...targets])].sort());
    // Faults really happened, and no add was applied twice (each user got exactly one 201).
    const adds = site.sim.meter.requests.filter((r) => r.endpoint === '/rest/api/3/group/user' && r.method === 'POST');
    expect(adds.filter((r) => r.status === 429 || r.status >= 500 || r.status === 0).length).toBeGreaterThan(50);
    expect(adds.filter((r) => r.status === 201)).toHaveLength(5000);
    // One audit entry per item.
    const auditKeys = site.kvs.keys().filter((k) => k.includes(`:${created.jobId}-`));
    expect(auditKeys).toHaveLength(5000);
    // No invocation came near Forge's 25 s limit.
    const durations = site.host.durations.slice(durationsBefore);
    expect(Math.max(...durations)).toBeLessThan(FORGE_LIMITS.resolverTimeoutMs);
    progress = [];
  });

  it('reports failures per item with Jira’s reason and offers no retry for refusals a retry cannot change', async () => {
    const state = site.sim.state;
    const group = [...state.groups.values()].find((g) => g.name.startsWith('team-'));
    const customer = [...state.users.values()].find((u) => u.accountType === 'customer');
    const person = [...state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId),
    );
    const member = [...(group?.members ?? [])][0];
    const job = await ok(
      invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: [person?.accountId, member, customer?.accountId, '712020:does-not-exist'],
        groupIds: [group?.groupId],
      }),
    );
    const done = await ok(invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'runBulkJob', { jobId: job.jobId }));
    expect(done.counts).toEqual({ done: 1, already: 1, failed: 2 });
    expect(done.failures.map((f) => [f.accountId, f.message])).toEqual([
      [customer?.accountId, expect.stringMatching(/Customer accounts/)],
      ['712020:does-not-exist', expect.stringMatching(/does not exist/)],
    ]);
    // Neither failure can succeed on a retry (a customer account, a deleted account): no retry job is made.
    const retry = await invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'retryBulkFailures', { jobId: job.jobId });
    expect(retry).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/retry/) } });
    const listed = await ok(invokeAs<Envelope<BulkJobView[]>>(site, ADMIN, 'listBulkJobs', {}));
    expect(listed[0]).toMatchObject({ jobId: job.jobId, status: 'done' });
  });

  it('asks for confirmation before a bulk add to a licence-granting group, and creates nothing until then', async () => {
    const licensed = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-servicemanagement-users');
    const payload = {
      operation: 'add-users-to-group',
      accountIds: [NAMED_USERS.noAccess.accountId],
      groupIds: [licensed?.groupId],
    };
    const jobsBefore = site.kvs.keys().filter((k) => k.startsWith('job'));
    const refused = await invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'createBulkJob', payload);
    expect(refused).toEqual({
      ok: false,
      error: { code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('Jira Service Management') },
    });
    expect(site.kvs.keys().filter((k) => k.startsWith('job'))).toEqual(jobsBefore);
    const confirmed = await ok(
      invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'createBulkJob', { ...payload, confirmLicence: true }),
    );
    expect(confirmed.total).toBe(1);
  });

  it('lets a non-admin neither create, run nor read a job', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    const res = await invokeAs<Envelope<BulkJobView>>(site, NAMED_USERS.regular.accountId, 'createBulkJob', {
      operation: 'add-users-to-group',
      accountIds: [NAMED_USERS.regular.accountId],
      groupIds: [group?.groupId],
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const listed = await invokeAs<Envelope<BulkJobView[]>>(site, NAMED_USERS.regular.accountId, 'listBulkJobs', {});
    expect(listed).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
