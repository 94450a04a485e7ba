import type { DeskCustomersPage, Envelope, GroupMembersPage, ServiceDeskPage, UserDetails } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { POINTS_PER_OBJECT } from '../../local/jira-sim/points';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
/** Issue 12: every admin action costs at most 1.2 × the minimum requests and points. */
const SLACK = 1.2;
/** Jira's published price of one request returning one user: 1 + 2 (local/jira-sim/points.ts). */
const ONE_USER = 1 + POINTS_PER_OBJECT.user;

/**
 * What the user panel, a group's member page and a desk's customer page cost Jira, in the order the page
 * makes the calls, read from the simulator's meter. The minimum for each is what the action cannot do
 * without: the listing itself, plus one asApp email lookup when Jira hid an email on the page. Roles,
 * group names and desks were already read by the page (or within the cache's few minutes), so they cost
 * nothing again.
 */
describe('request hygiene of the main admin actions', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 600, groups: 12, serviceDesks: 3 } });
    await call('listProducts'); // the Users tab's product picker: roles are now known
  });
  afterAll(() => site.close());

  const measure = async (run: () => Promise<unknown>) => {
    site.sim.meter.reset();
    await run();
    const requests = site.sim.meter.requests.filter((r) => r.endpoint !== '/rest/api/3/mypermissions');
    return { requests: requests.length, points: requests.reduce((n, r) => n + r.points, 0), requestList: requests };
  };

  it('user panel: the user with groups and products, plus the email only when Jira hid it', async () => {
    for (const u of [
      [...site.sim.state.users.values()].find((x) => x.accountType === 'atlassian' && x.emailVisible),
      [...site.sim.state.users.values()].find((x) => x.accountType === 'atlassian' && !x.emailVisible),
    ]) {
      const cost = await measure(() => call<UserDetails>('getUserDetails', { accountId: u?.accountId }));
      const minRequests = u?.emailVisible ? 1 : 2;
      const minPoints = u?.emailVisible ? ONE_USER : 2 * ONE_USER;
      expect(cost.requests).toBeLessThanOrEqual(minRequests * SLACK);
      expect(cost.points).toBeLessThanOrEqual(minPoints * SLACK);
    }
  });

  it('group member page: the member page plus one email lookup for hidden emails, after the group search', async () => {
    const found = await call<{ groups: Array<{ groupId: string; name: string }> }>('searchGroups', { query: 'team' });
    const group = found.groups[0];
    const cost = await measure(() => call<GroupMembersPage>('listGroupMembers', { groupId: group?.groupId }));
    const members = site.sim.meter.requests.find((r) => r.endpoint === '/rest/api/3/group/member');
    const hidden = [...(site.sim.state.groups.get(group?.groupId ?? '')?.members ?? [])]
      .map((id) => site.sim.state.users.get(id))
      .filter((u) => u?.active && !u.emailVisible && u.accountType !== 'app')
      .slice(0, 50).length;
    const minRequests = 1 + (hidden > 0 ? 1 : 0);
    const minPoints = (members?.points ?? 0) + (hidden > 0 ? 1 + POINTS_PER_OBJECT.user * hidden : 0);
    expect(cost.requestList.map((r) => r.endpoint).sort()).toEqual(
      ['/rest/api/3/group/member', ...(hidden > 0 ? ['/rest/api/3/user/email/bulk'] : [])].sort(),
    );
    expect(cost.requests).toBeLessThanOrEqual(minRequests * SLACK);
    expect(cost.points).toBeLessThanOrEqual(minPoints * SLACK);
  });

  it('customers page: the desk list, then a desk’s customers with emails only for hidden ones', async () => {
    const desks = await measure(() => call<ServiceDeskPage>('listServiceDesks'));
    expect(desks.requests).toBe(1);
    const deskId = [...site.sim.state.serviceDesks.values()][0]?.id;
    const page = await measure(() => call<DeskCustomersPage>('listDeskCustomers', { deskId }));
    const endpoints = page.requestList.map((r) => r.endpoint);
    expect(endpoints).not.toContain('/rest/servicedeskapi/servicedesk/{serviceDeskId}');
    expect(endpoints[0]).toBe('/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer');
    expect(page.requests).toBeLessThanOrEqual(2);
  });

  /** Every request the action made, permission checks and 429s included (issue 18). */
  const everything = async (run: () => Promise<unknown>) => {
    site.sim.meter.reset();
    await run();
    return site.sim.meter.requests.map((r) => r.endpoint);
  };

  it('group member page opened from the Groups tab (no search text): the member page and hidden emails only', async () => {
    const listed = await call<{ groups: Array<{ groupId: string }> }>('searchGroups', {});
    const groupId = listed.groups.find((g) => (site.sim.state.groups.get(g.groupId)?.members.size ?? 0) > 0)?.groupId;
    const endpoints = await everything(() => call<GroupMembersPage>('listGroupMembers', { groupId }));
    expect(endpoints[0]).toBe('/rest/api/3/group/member');
    expect(endpoints.slice(1).every((e) => e === '/rest/api/3/user/email/bulk')).toBe(true);
    expect(endpoints.length).toBeLessThanOrEqual(2);
  });

  it('desk-add preview: only the pasted people’s lookups, never the desk’s customer list', async () => {
    const deskId = [...site.sim.state.serviceDesks.values()][1]?.id;
    const people = [...site.sim.state.users.values()].filter((u) => u.accountType !== 'app').slice(0, 150);
    let preview: { total: number; willChange: number; note?: string } | undefined;
    const endpoints = await everything(async () => {
      preview = await call('previewBulkJob', {
        operation: 'add-customers-to-desk',
        deskId,
        accountIds: people.map((u) => u.accountId),
      });
    });
    expect(endpoints).toEqual(['/rest/api/3/user/bulk', '/rest/api/3/user/bulk']);
    expect(preview).toMatchObject({ total: 150, willChange: 150, note: expect.stringMatching(/already a customer/) });
  });

  it('customers page once the directory index exists: account types from the index, no user/bulk', async () => {
    await call('refreshSiteSummary');
    await site.queue.idle();
    const deskId = [...site.sim.state.serviceDesks.values()][0]?.id;
    let page: DeskCustomersPage | undefined;
    const endpoints = await everything(async () => {
      page = await call<DeskCustomersPage>('listDeskCustomers', { deskId });
    });
    expect(endpoints[0]).toBe('/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer');
    expect(endpoints.slice(1).every((e) => e === '/rest/api/3/user/email/bulk')).toBe(true);
    expect(page?.customers.length).toBeGreaterThan(0);
    for (const c of page?.customers ?? [])
      expect(c.accountType).toBe(site.sim.state.users.get(c.accountId)?.accountType);
  });

  it('reading the same roles and groups again within minutes costs nothing', async () => {
    const cost = await measure(async () => {
      await call('listProducts');
      await call('searchGroups', { query: 'team' });
    });
    expect(cost.requestList.map((r) => r.endpoint)).toEqual(['/rest/api/3/groups/picker']);
  });
});
