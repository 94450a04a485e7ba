import type { BulkJobView, Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const SITE_ADMIN = NAMED_USERS.siteAdmin.accountId;
const JIRA_ADMIN = NAMED_USERS.jiraAdmin.accountId;
const APP = NAMED_USERS.app.accountId;

/**
 * Issue 19, item 6: only a person who administers Jira passes. A principal that holds ADMINISTER but is
 * not a person (this app's own account, or any non-`atlassian` account) is refused before anything runs;
 * and cancelling or retrying a bulk job needs the rights creating it needed.
 */
describe('who may act', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 200, groups: 20, serviceDesks: 1 } });
  });
  afterAll(() => site.close());

  const adminGroups = () =>
    site.sim.state.globalPermissions.ADMINISTER.map(
      (name) => [...site.sim.state.groups.values()].find((g) => g.name === name) as { members: Set<string> },
    );
  const writes = () => site.sim.meter.writes();
  const kvsWriteCount = () =>
    site.kvs.operations.filter((o) => ['set', 'delete', 'batch/set', 'batch/delete', 'transaction'].includes(o.path))
      .length;

  it.each([
    ['the app’s own account', () => APP],
    [
      'a customer account',
      () =>
        [...site.sim.state.users.values()].find((u) => u.accountType === 'customer' && u.active)?.accountId as string,
    ],
    [
      'another app’s account',
      () =>
        [...site.sim.state.users.values()].find((u) => u.accountType === 'app' && u.active && u.accountId !== APP)
          ?.accountId as string,
    ],
  ])('%s holding ADMINISTER is refused on reads and writes, and nothing runs', async (_, who) => {
    const accountId = who();
    expect(accountId).toBeTruthy();
    // Give it ADMINISTER the way Jira would: membership of a group the permission is granted to.
    adminGroups().forEach((g) => g.members.add(accountId));
    try {
      const group = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
      const target = [...site.sim.state.users.values()].find(
        (u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId),
      );
      site.sim.meter.reset();
      const kvsBefore = kvsWriteCount();
      const answers = await Promise.all([
        invokeAs<Envelope<unknown>>(site, accountId, 'listUsers', {}),
        invokeAs<Envelope<unknown>>(site, accountId, 'addGroupMember', {
          groupId: group?.groupId,
          accountId: target?.accountId,
        }),
        invokeAs<Envelope<unknown>>(site, accountId, 'saveRole', { name: 'Sneaky', groupIds: [group?.groupId] }),
      ]);
      for (const a of answers)
        expect(a).toEqual({
          ok: false,
          error: { code: 'FORBIDDEN', message: 'Only Jira administrators can use User Admin.' },
        });
      // Only the identity checks reached Jira; nothing was written to Jira or KVS.
      expect(new Set(site.sim.meter.requests.map((r) => r.endpoint))).toEqual(
        new Set(['/rest/api/3/mypermissions', '/rest/api/3/myself']),
      );
      expect(writes()).toEqual([]);
      expect(kvsWriteCount()).toBe(kvsBefore);
      expect(group?.members.has(target?.accountId as string)).toBe(false);
    } finally {
      adminGroups().forEach((g) => g.members.delete(accountId));
    }
  });

  it('a person with ADMINISTER still passes (the check is the account type, not the account)', async () => {
    await ok(invokeAs<Envelope<unknown>>(site, JIRA_ADMIN, 'listUsers', {}));
    await ok(invokeAs<Envelope<unknown>>(site, SITE_ADMIN, 'listUsers', {}));
  });

  it('a Jira admin who is not a site admin can neither cancel nor retry a site admin’s membership job; a site admin can', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
    const users = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId))
      .slice(0, 20)
      .map((u) => u.accountId);
    // Hold the queue so the job is still running when it is cancelled.
    site.queue.configure({ maxConcurrency: 0 });
    const job = await ok(
      invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: users,
        groupIds: [group?.groupId],
      }),
    );
    const cancel = await invokeAs<Envelope<BulkJobView>>(site, JIRA_ADMIN, 'cancelBulkJob', { jobId: job.jobId });
    expect(cancel.ok ? 'ok' : cancel.error.code).toBe('SITE_ADMIN_REQUIRED');
    expect(site.kvs.keys().filter((k) => k.includes(job.jobId) && /cancel/.test(k))).toEqual([]);
    const retry = await invokeAs<Envelope<BulkJobView>>(site, JIRA_ADMIN, 'retryBulkFailures', { jobId: job.jobId });
    expect(retry.ok ? 'ok' : retry.error.code).toBe('SITE_ADMIN_REQUIRED');
    // The site admin's cancel goes through, and the job says so.
    const cancelled = await ok(
      invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'cancelBulkJob', { jobId: job.jobId }),
    );
    expect(cancelled.jobId).toBe(job.jobId);
    expect(
      (await ok(invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'getBulkJob', { jobId: job.jobId }))).status,
    ).toBe('cancelled');
    // The site admin, who has the rights, may retry: the cancelled job's items that were never tried are
    // "not attempted", and retrying them is allowed (issue 19: untried items can be retried).
    const own = await invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'retryBulkFailures', { jobId: job.jobId });
    expect(own.ok ? 'ok' : own.error.code).toBe('ok');
    site.queue.configure({ maxConcurrency: 8 });
    await site.queue.idle();
  });

  it('a desk (customer) job needs only Jira admin: a Jira admin may cancel a site admin’s', async () => {
    const desk = [...site.sim.state.serviceDesks.values()][0];
    const customers = [...(desk?.customers ?? [])].slice(0, 5);
    expect(customers.length).toBeGreaterThan(0);
    site.queue.configure({ maxConcurrency: 0 });
    const job = await ok(
      invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'createBulkJob', {
        operation: 'remove-customers-from-desk',
        accountIds: customers,
        deskId: desk?.id,
      }),
    );
    await ok(invokeAs<Envelope<BulkJobView>>(site, JIRA_ADMIN, 'cancelBulkJob', { jobId: job.jobId }));
    expect(
      (await ok(invokeAs<Envelope<BulkJobView>>(site, SITE_ADMIN, 'getBulkJob', { jobId: job.jobId }))).status,
    ).toBe('cancelled');
    site.queue.configure({ maxConcurrency: 8 });
    await site.queue.idle();
  });
});
