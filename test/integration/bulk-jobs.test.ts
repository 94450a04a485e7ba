import type { BulkJobView, Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Bulk jobs' per-item outcomes, confirmation and authorization (the queue itself, faults and exactly-once
 * delivery are in bulk-queue.test.ts).
 */
describe('bulk jobs: outcomes, confirmation, authorization', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 300, groups: 20, serviceDesks: 3 } });
  });
  afterAll(() => site.close());

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
    const done = await ok(
      (await site.queue.idle(), invokeAs<Envelope<BulkJobView>>(site, ADMIN, 'getBulkJob', { jobId: job.jobId })),
    );
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
