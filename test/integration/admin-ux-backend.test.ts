import type {
  BulkItemsPage,
  BulkJobView,
  BulkPreview,
  ChangeResult,
  Envelope,
  GroupSummary,
  ResolvedIdentifier,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * What the Groups and bulk screens rely on (issue 10): licence warnings only when a licence would be
 * used, group pages beyond 50, case-insensitive email matching, a dry run that changes nothing, and
 * per-item outcomes with names and an honest "retryable".
 */
describe('admin UX backend: licences, group pages, previews and named outcomes', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const groupNamed = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 300, groups: 60, serviceDesks: 3 } });
  });
  afterAll(() => site.close());

  it('asks to confirm a licence only for someone who would use one, with the licences left', async () => {
    const jsm = groupNamed('jira-servicemanagement-users');
    const member = [...(jsm?.members ?? [])][0] as string;
    const existing = await call<ChangeResult>('addGroupMember', { groupId: jsm?.groupId, accountId: member });
    expect(existing).toEqual({ ok: true, data: { outcome: 'already', message: 'Already a member.' } });

    const fresh = await call<ChangeResult>('addGroupMember', {
      groupId: jsm?.groupId,
      accountId: NAMED_USERS.noAccess.accountId,
    });
    expect(fresh.ok).toBe(false);
    if (fresh.ok) return;
    expect(fresh.error.code).toBe('CONFIRMATION_REQUIRED');
    expect(fresh.error.message).toMatch(/Jira Service Management \(\d+ of \d+ licences left\)/);
    expect(jsm?.members.has(NAMED_USERS.noAccess.accountId)).toBe(false);
  });

  it('pages the group list beyond 50 with the total', async () => {
    const first = await ok(call<{ total: number; groups: GroupSummary[] }>('searchGroups', { query: '' }));
    expect(first.total).toBe(site.sim.state.groups.size);
    expect(first.groups).toHaveLength(50);
    const second = await ok(
      call<{ total: number; groups: GroupSummary[] }>('searchGroups', { query: '', startAt: 50 }),
    );
    expect(second.groups).toHaveLength(site.sim.state.groups.size - 50);
    const names = new Set([...first.groups, ...second.groups].map((g) => g.name));
    expect(names.size).toBe(site.sim.state.groups.size);
  });

  it('counts active members of the groups on a page, one request per group, on request only', async () => {
    const users = site.sim.state.users;
    const active = (ids: Set<string>) => [...ids].filter((id) => users.get(id)?.active).length;
    const groups = [...site.sim.state.groups.values()];
    // Four groups, and one with inactive members: they are not counted, as on the group's member page.
    const withInactive = groups.find((g) => [...g.members].some((id) => users.get(id)?.active === false));
    if (!withInactive) throw new Error('the seed has no group with inactive members');
    const some = [...groups.filter((g) => g !== withInactive).slice(0, 4), withInactive];
    site.sim.meter.reset();
    const counts = await ok(
      call<Record<string, number>>('countGroupMembers', { groupIds: some.map((g) => g.groupId) }),
    );
    expect(counts).toEqual(Object.fromEntries(some.map((g) => [g.groupId, active(g.members)])));
    // The directory crawl may read groups in the background as the app: only the caller's requests count here.
    const mine = site.sim.meter.requests.filter(
      (r) => r.endpoint === '/rest/api/3/group/member' && r.principal !== 'app',
    );
    expect(mine).toHaveLength(5);
    // The group's member page (inactive members not asked for) shows the same figure.
    const page = await ok(call<{ total: number }>('listGroupMembers', { groupId: withInactive.groupId }));
    expect(counts[withInactive.groupId]).toBe(page.total);
  });

  it('resolves emails whatever their case, even two spellings of one address', async () => {
    const rita = NAMED_USERS.regular;
    const rows = await ok(
      call<ResolvedIdentifier[]>('resolveIdentifiers', { text: `${rita.email.toUpperCase()}\n${rita.email}` }),
    );
    expect(rows.map((r) => r.accountId)).toEqual([rita.accountId, rita.accountId]);
  });

  it('previews a bulk change without changing anything, naming who is already so and who Jira refuses', async () => {
    const team = groupNamed('team-data');
    const members = [...(team?.members ?? [])].slice(0, 2);
    const outsiders = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !team?.members.has(u.accountId))
      .slice(0, 3);
    const customer = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    const before = new Set(team?.members);
    const writesBefore = site.sim.meter.writes().length;
    const preview = await ok(
      call<BulkPreview>('previewBulkJob', {
        operation: 'add-users-to-group',
        accountIds: [...members, ...outsiders.map((u) => u.accountId), customer?.accountId],
        groupIds: [team?.groupId],
      }),
    );
    expect(preview.total).toBe(6);
    expect(preview.willChange).toBe(3);
    expect(preview.alreadySo.map((a) => a.accountId).sort()).toEqual([...members].sort());
    expect(preview.alreadySo[0]?.userName).toBe(
      site.sim.state.users.get(preview.alreadySo[0]?.accountId ?? '')?.displayName,
    );
    expect(preview.refused).toEqual([
      expect.objectContaining({
        userName: customer?.displayName,
        targetName: 'team-data',
        reason: expect.stringMatching(/customer/),
      }),
    ]);
    expect(site.sim.meter.writes().length).toBe(writesBefore);
    expect(new Set(team?.members)).toEqual(before);
  });

  it('lists a finished job’s outcomes with names, and retries only failures a retry can fix', async () => {
    const team = groupNamed('team-web');
    const member = [...(team?.members ?? [])][0] as string;
    const newcomer = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !team?.members.has(u.accountId),
    );
    const customer = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    let job = await ok(
      call<BulkJobView>('createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: [member, newcomer?.accountId, customer?.accountId],
        groupIds: [team?.groupId],
      }),
    );
    while (job.status !== 'done') job = await ok(call<BulkJobView>('runBulkJob', { jobId: job.jobId }));
    expect(job.counts).toEqual({ done: 1, already: 1, failed: 1 });

    const all = await ok(call<BulkItemsPage>('listBulkJobItems', { jobId: job.jobId }));
    expect(all.total).toBe(3);
    const byId = new Map(all.items.map((i) => [i.accountId, i]));
    expect(byId.get(member)).toMatchObject({
      outcome: 'already',
      userName: site.sim.state.users.get(member)?.displayName,
      targetName: 'team-web',
    });
    expect(byId.get(newcomer?.accountId ?? '')).toMatchObject({ outcome: 'done', userName: newcomer?.displayName });
    expect(byId.get(customer?.accountId ?? '')).toMatchObject({
      outcome: 'failed',
      userName: customer?.displayName,
      retryable: false,
    });
    const failed = await ok(call<BulkItemsPage>('listBulkJobItems', { jobId: job.jobId, outcome: 'failed' }));
    expect(failed.items.map((i) => i.accountId)).toEqual([customer?.accountId]);

    const retry = await call<BulkJobView>('retryBulkFailures', { jobId: job.jobId });
    expect(retry).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/retry/) } });
  });

  it('shows customers’ real account types and says when a linked account was already on a desk', async () => {
    const desk = [...site.sim.state.serviceDesks.values()][0];
    const page = await ok(
      call<{ customers: Array<{ accountType: string }> }>('listDeskCustomers', { deskId: desk?.id }),
    );
    expect(page.customers.length).toBeGreaterThan(0);
    expect(page.customers.every((c) => c.accountType !== 'unknown')).toBe(true);

    const first = await ok(
      call<{ desks: Array<{ outcome: string; message: string }> }>('provisionCustomer', {
        email: NAMED_USERS.regular.email,
        displayName: 'Rita',
        deskIds: [desk?.id],
      }),
    );
    expect(first.desks[0]).toEqual({ deskId: desk?.id, outcome: 'done', message: `Added to ${desk?.projectName}.` });
    const again = await ok(
      call<{ desks: Array<{ outcome: string; message: string }> }>('provisionCustomer', {
        email: NAMED_USERS.regular.email,
        displayName: 'Rita',
        deskIds: [desk?.id],
      }),
    );
    expect(again.desks[0]).toEqual({
      deskId: desk?.id,
      outcome: 'already',
      message: `Already a customer of ${desk?.projectName}.`,
    });
  });
});
