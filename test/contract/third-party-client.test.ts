import { ServiceDeskClient, Version3Client } from 'jira.js';
import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { DEFAULT_API_TOKEN, NAMED_USERS } from '../../local/jira-sim/seed';

/**
 * jira.js, a Jira REST client this project did not write, pointed at the simulator with HTTP Basic
 * auth, gets Jira-shaped answers (it parses them into its own models without complaint).
 */
describe('jira.js against the simulator', () => {
  let sim: Simulator;
  let v3: Version3Client;
  let jsm: ServiceDeskClient;
  beforeAll(async () => {
    sim = await startSimulator({ seed: { users: 300, groups: 20 } });
    const config = {
      host: sim.url,
      authentication: { basic: { email: NAMED_USERS.siteAdmin.email, apiToken: DEFAULT_API_TOKEN } },
    };
    v3 = new Version3Client(config);
    jsm = new ServiceDeskClient(config);
  });
  afterAll(() => sim.close());

  it('searches users', async () => {
    const users = await v3.userSearch.findUsers({ query: 'rita' });
    expect(users.map((u) => u.accountId)).toContain(NAMED_USERS.regular.accountId);
    expect(users[0]?.accountType).toBe('atlassian');
  });

  it('pages group members and adds a user to a group', async () => {
    const page = await v3.groups.getUsersFromGroup({ groupname: 'jira-software-users', maxResults: 50 });
    expect(page.values?.length).toBe(50);
    expect(page.isLast).toBe(false);
    const group = await v3.groups.addUserToGroup({
      groupname: 'team-web',
      accountId: NAMED_USERS.noAccess.accountId,
    });
    expect(group.name).toBe('team-web');
    const after = await v3.groups.getUsersFromGroup({ groupname: 'team-web', maxResults: 50 });
    const all = [...(after.values ?? [])];
    for (let startAt = 50; all.length < (after.total ?? 0); startAt += 50) {
      all.push(
        ...((await v3.groups.getUsersFromGroup({ groupname: 'team-web', startAt, maxResults: 50 })).values ?? []),
      );
    }
    expect(all.map((u) => u.accountId)).toContain(NAMED_USERS.noAccess.accountId);
  });

  it('surfaces Jira’s error for a duplicate membership', async () => {
    await expect(
      v3.groups.addUserToGroup({ groupname: 'site-admins', accountId: NAMED_USERS.siteAdmin.accountId }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('lists service desks and their customers', async () => {
    const desks = await jsm.serviceDesk.getServiceDesks();
    expect(desks.values?.map((d) => d.projectKey)).toEqual(['ITH', 'HRS', 'FAC']);
    const customers = await jsm.serviceDesk.getCustomers({
      serviceDeskId: '1',
      limit: 5,
      headers: { 'X-ExperimentalApi': 'opt-in' },
    } as never);
    expect(customers.values?.length).toBe(5);
    expect(customers.isLastPage).toBe(false);
  });

  it('creates a customer, adds them to two desks and removes them from one', async () => {
    const created = await jsm.customer.createCustomer({
      email: 'jira.js.client@clients.example.org',
      displayName: 'Jira JS Client',
    });
    expect(created.accountId).toBeDefined();
    await jsm.serviceDesk.addCustomers({ serviceDeskId: '1', accountIds: [created.accountId as string] });
    await jsm.serviceDesk.addCustomers({ serviceDeskId: '2', accountIds: [created.accountId as string] });
    await jsm.serviceDesk.removeCustomers({ serviceDeskId: '2', accountIds: [created.accountId as string] });
    const onFirst = await jsm.serviceDesk.getCustomers({ serviceDeskId: '1', query: 'Jira JS' });
    const onSecond = await jsm.serviceDesk.getCustomers({ serviceDeskId: '2', query: 'Jira JS' });
    expect(onFirst.values?.map((u) => u.accountId)).toEqual([created.accountId]);
    expect(onSecond.values).toEqual([]);
    await expect(
      jsm.customer.createCustomer({ email: 'jira.js.client@clients.example.org', displayName: 'Again' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('reads project permissions, all users, filtered groups and a desk by project key as documented', async () => {
    const mine = await v3.permissions.getMyPermissions({ permissions: 'BROWSE_PROJECTS,ADMINISTER' });
    const perms = mine.permissions as Record<string, unknown>;
    expect(perms.BROWSE_PROJECTS).toMatchObject({ type: 'PROJECT', havePermission: true });
    expect(perms.ADMINISTER).toMatchObject({ type: 'GLOBAL', havePermission: true });
    await expect(v3.permissions.getMyPermissions({ permissions: 'NOT_A_KEY' })).rejects.toMatchObject({ status: 400 });
    const everyone = await v3.users.getAllUsersDefault({ maxResults: 5 });
    expect(everyone).toHaveLength(5);
    const admins = await v3.groups.bulkGetGroups({ accessType: 'site-admin' });
    expect(admins.values?.map((g) => g.name)).toEqual(['site-admins']);
    await expect(v3.groups.bulkGetGroups({ accessType: 'owner' })).rejects.toMatchObject({ status: 400 });
    await expect(
      v3.userSearch.findUsers({ query: 'rita', accountId: NAMED_USERS.regular.accountId }),
    ).rejects.toMatchObject({ status: 400 });
    const desk = await jsm.serviceDesk.getServiceDeskById({ serviceDeskId: 'HRS' });
    expect(desk.id).toBe('2');
  });
});
