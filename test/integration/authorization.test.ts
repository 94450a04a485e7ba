import api, { route } from '@forge/api';
import { RESOLVER_KEYS, type Envelope } from '../../src/contract';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

describe('every resolver authorizes first', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  const outsiders: Array<[string, string | undefined]> = [
    ['a regular user', NAMED_USERS.regular.accountId],
    ['a user without product access', NAMED_USERS.noAccess.accountId],
    ['an anonymous caller', undefined],
  ];

  it.each(outsiders)('refuses %s on every resolver, with no side effect', async (_who, accountId) => {
    site.sim.meter.reset();
    const kvsBefore = site.kvs.keys();
    const membershipsBefore = [...site.sim.state.groups.values()].map((g) => g.members.size);
    const team = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    // Realistic payloads, so a refusal cannot come from validation instead of authorization.
    const payloads: Partial<Record<(typeof RESOLVER_KEYS)[number], unknown>> = {
      listUsers: { query: 'a' },
      getUserDetails: { accountId: NAMED_USERS.siteAdmin.accountId },
      resolveIdentifiers: { text: NAMED_USERS.siteAdmin.email },
      resetUserColumns: { accountId: NAMED_USERS.siteAdmin.accountId },
      deleteUser: { accountId: NAMED_USERS.jiraAdmin.accountId, confirm: 'Jonas Jira-Admin' },
      searchGroups: { query: 'team' },
      listGroupMembers: { groupId: team?.groupId },
      addGroupMember: { groupId: team?.groupId, accountId: NAMED_USERS.regular.accountId, confirmLicence: true },
      removeGroupMember: { groupId: team?.groupId, accountId: [...(team?.members ?? [])][0] },
      createBulkJob: {
        operation: 'add-users-to-group',
        accountIds: [NAMED_USERS.regular.accountId],
        groupIds: [team?.groupId],
        confirmLicence: true,
      },
      listAudit: {},
      listServiceDesks: {},
      listDeskCustomers: { deskId: '1' },
      provisionCustomer: { email: 'sneaky@clients.example.org', displayName: 'Sneaky', deskIds: ['1'] },
      exportAuditCsv: {},
    };
    for (const key of RESOLVER_KEYS) {
      const res = await invokeAs<Envelope<unknown>>(site, accountId, key, payloads[key] ?? {});
      expect(res).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
    }
    // Only the permission check reached Jira; nothing was written to Jira or KVS.
    expect(site.sim.meter.requests.every((r) => r.endpoint === '/rest/api/3/mypermissions')).toBe(true);
    expect(site.sim.meter.writes()).toEqual([]);
    expect(site.kvs.keys()).toEqual(kvsBefore);
    expect([...site.sim.state.groups.values()].map((g) => g.members.size)).toEqual(membershipsBefore);
  });

  it('caches the ADMINISTER answer for reads instead of asking on every call', async () => {
    site.sim.meter.reset();
    await invokeAs(site, NAMED_USERS.jiraAdmin.accountId, 'listProducts');
    await invokeAs(site, NAMED_USERS.jiraAdmin.accountId, 'listProducts');
    expect(site.sim.meter.count({ endpoint: '/rest/api/3/mypermissions' })).toBeLessThanOrEqual(1);
  });
});

describe('Jira permission model seen through @forge/api', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 100 },
      scopes: ['read:jira-user', 'read:jira-work', 'manage:jira-configuration', 'read:email-address:jira'],
    });
  });
  afterAll(() => site.close());

  const addRita = (as: 'app' | 'user') =>
    runInvocation({ accountId: NAMED_USERS.siteAdmin.accountId, moduleKey: 'test', timeoutMs: 5000 }, async () => {
      const requester = as === 'app' ? api.asApp() : api.asUser();
      const res = await requester.requestJira(route`/rest/api/3/group/user?groupname=${'team-web'}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ accountId: NAMED_USERS.regular.accountId }),
      });
      return { status: res.status, body: (await res.json()) as { errorMessages?: string[] } };
    });

  it('answers 403 to an asApp group membership write and changes nothing', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'team-web');
    const before = group?.members.has(NAMED_USERS.regular.accountId);
    const res = await addRita('app');
    expect(res.status).toBe(403);
    expect(res.body.errorMessages?.[0]).toMatch(/site administrator/);
    expect(group?.members.has(NAMED_USERS.regular.accountId)).toBe(before);
  });

  it('lets a site admin make the same write asUser', async () => {
    const res = await addRita('user');
    expect([201, 400]).toContain(res.status);
    expect(
      [...site.sim.state.groups.values()]
        .find((g) => g.name === 'team-web')
        ?.members.has(NAMED_USERS.regular.accountId),
    ).toBe(true);
  });

  it('serves emails asApp only', async () => {
    const get = (as: 'app' | 'user') =>
      runInvocation({ accountId: NAMED_USERS.siteAdmin.accountId, moduleKey: 'test', timeoutMs: 5000 }, async () =>
        (as === 'app' ? api.asApp() : api.asUser()).requestJira(
          route`/rest/api/3/user/email?accountId=${NAMED_USERS.regular.accountId}`,
        ),
      );
    const asApp = await get('app');
    expect(asApp.status).toBe(200);
    expect(await asApp.json()).toEqual({
      accountId: NAMED_USERS.regular.accountId,
      email: NAMED_USERS.regular.email,
    });
    // The reference answers 401 "if a user is trying to access this API".
    expect((await get('user')).status).toBe(401);
  });
});

describe('a scope missing from the manifest', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 100 }, scopes: ['read:jira-user', 'read:jira-work'] });
  });
  afterAll(() => site.close());

  it('makes the call fail as on a real site, and the resolver says so', async () => {
    const res = await invokeAs<Envelope<unknown>>(site, NAMED_USERS.jiraAdmin.accountId, 'listServiceDesks');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.message).toMatch(/scope does not match/);
    const refused = site.sim.meter.requests.filter((r) => r.status === 401);
    expect(refused.map((r) => r.endpoint)).toEqual(['/rest/servicedeskapi/servicedesk']);
  });
});

describe('user creation from a Forge app', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 50 },
      scopes: ['read:jira-user', 'read:jira-work', 'manage:jira-configuration'],
    });
  });
  afterAll(() => site.close());

  it('is refused as Jira documents ("This API does not support Forge apps"), and creates nothing', async () => {
    const before = site.sim.state.users.size;
    const res = await runInvocation(
      { accountId: NAMED_USERS.siteAdmin.accountId, moduleKey: 'test', timeoutMs: 5000 },
      async () => {
        const r = await api.asUser().requestJira(route`/rest/api/3/user`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ emailAddress: 'robot@example.com', products: [] }),
        });
        return { status: r.status, body: (await r.json()) as { errorMessages: string[] } };
      },
    );
    expect(res).toEqual({
      status: 403,
      body: { errorMessages: ['This API does not support Forge apps.'], errors: {} },
    });
    expect(site.sim.state.users.size).toBe(before);
  });
});
