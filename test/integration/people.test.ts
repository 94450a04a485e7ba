import type {
  Envelope,
  ResolvedIdentifier,
  UserDetails,
  UserPage,
  GroupMembersPage,
  ChangeResult,
  AuditPage,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('people and groups resolvers against the simulator', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}, as: string | undefined = ADMIN) =>
    invokeAs<Envelope<T>>(site, as, key, payload);
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 1200, groups: 20 } });
    await buildDirectoryIndex(site); // the background crawl, done before anything is measured
  });
  afterAll(() => site.close());

  it('a page of 50 search results with emails costs at most 2 Jira requests', async () => {
    site.sim.meter.reset();
    const page = await ok(call<UserPage>('listUsers', { query: 'a' }));
    expect(page.users).toHaveLength(50);
    expect(site.sim.meter.requests.filter((r) => r.endpoint !== '/rest/api/3/mypermissions')).toHaveLength(2);
    // Emails are there even for users whose profile hides them.
    const hidden = page.users.filter((u) => site.sim.state.users.get(u.accountId)?.emailVisible === false);
    for (const u of page.users.filter((x) => x.accountType !== 'app'))
      expect(u.email).toBe(site.sim.state.users.get(u.accountId)?.email);
    expect(page.nextCursor).toBeDefined();
    expect(hidden.length + page.users.length).toBeGreaterThan(0);
  });

  it('lists everyone page by page without losing or repeating anyone', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(call<UserPage>('listUsers', { cursor, pageSize: 100 }));
      seen.push(...page.users.map((u) => u.accountId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(site.sim.state.users.size);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by status, account type, group, product and functional', async () => {
    const users = [...site.sim.state.users.values()];
    const inactive = await ok(call<UserPage>('listUsers', { filters: { status: 'inactive' }, pageSize: 100 }));
    expect(inactive.users.every((u) => !u.active)).toBe(true);
    expect(inactive.users.length).toBe(Math.min(100, users.filter((u) => !u.active).length));
    const customers = await ok(call<UserPage>('listUsers', { filters: { accountType: 'customer' }, pageSize: 20 }));
    expect(customers.users.every((u) => u.accountType === 'customer')).toBe(true);
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-administrators');
    const admins = await ok(call<UserPage>('listUsers', { filters: { groupId: group?.groupId } }));
    expect(admins.users.map((u) => u.accountId).sort()).toEqual([...(group?.members ?? [])].sort());
    const func = await ok(call<UserPage>('listUsers', { query: 'func' }));
    expect(func.users.length).toBeGreaterThan(0);
    expect(func.users.every((u) => u.functional && /_Func_/.test(u.displayName))).toBe(true);
    expect(func.users.length).toBe(users.filter((u) => /_Func_/.test(u.displayName)).length);
    // Product access: members of any of the role's groups, each once.
    const role = site.sim.state.applicationRoles.find((r) => r.key === 'jira-software');
    const expected = new Set<string>();
    for (const g of site.sim.state.groups.values())
      if (role?.groups.includes(g.name)) g.members.forEach((m) => expected.add(m));
    const got: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(
        call<UserPage>('listUsers', { filters: { product: 'jira-software' }, cursor, pageSize: 100 }),
      );
      got.push(...page.users.map((u) => u.accountId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(got.sort()).toEqual([...expected].sort());
  });

  it('says when Jira’s 1,000-result search cap is reached instead of hiding it', async () => {
    // 1,100 active users whose names start with "Capped": more than user/search will ever return.
    for (let i = 0; i < 1100; i += 1) {
      const accountId = `712020:cap-${String(i).padStart(5, '0')}`;
      site.sim.state.users.set(accountId, {
        accountId,
        accountType: 'atlassian',
        displayName: `Capped Person ${i}`,
        email: `capped${i}@example.com`,
        emailVisible: true,
        active: true,
        timeZone: 'Etc/UTC',
        locale: 'en_US',
        legacyUsername: `capped${i}`,
        legacyKey: `CAP${i}`,
      });
    }
    let cursor: string | undefined;
    let last: UserPage | undefined;
    let total = 0;
    for (let i = 0; i < 30; i += 1) {
      last = await ok(call<UserPage>('listUsers', { query: 'capped', cursor, pageSize: 100 }));
      total += last.users.length;
      cursor = last.nextCursor;
      if (!cursor) break;
    }
    expect(total).toBe(1000);
    expect(last?.searchCapReached).toBe(true);
    expect(cursor).toBeUndefined();
    // A narrower search stays under the cap and says so.
    const narrow = await ok(call<UserPage>('listUsers', { query: 'Rita' }));
    expect(narrow.searchCapReached).toBe(false);
    for (let i = 0; i < 1100; i += 1) site.sim.state.users.delete(`712020:cap-${String(i).padStart(5, '0')}`);
  });

  it('shows a user’s details with groups, products and the hidden email', async () => {
    const hidden = [...site.sim.state.users.values()].find(
      (u) => !u.emailVisible && u.accountType === 'atlassian' && u.active,
    );
    const d = await ok(call<UserDetails>('getUserDetails', { accountId: hidden?.accountId }));
    expect(d.email).toBe(hidden?.email);
    expect(d.groups.length).toBeGreaterThan(0);
    expect(d.timeZone).toBe(hidden?.timeZone);
  });

  it('resolves pasted emails, account ids and legacy usernames, and says which it could not', async () => {
    // Before the directory index exists, emails resolve by user search, which sees active accounts only.
    const hidden = [...site.sim.state.users.values()].find(
      (u) => !u.emailVisible && u.active && u.accountType === 'atlassian',
    );
    const text = [
      hidden?.email,
      NAMED_USERS.regular.accountId,
      'ada.admin',
      'nobody@nowhere.example',
      'no-such-user',
    ].join('\n');
    const rows = await ok(call<ResolvedIdentifier[]>('resolveIdentifiers', { text }));
    expect(rows.map((r) => [r.input, r.accountId, r.how])).toEqual([
      [hidden?.email, hidden?.accountId, 'email'],
      [NAMED_USERS.regular.accountId, NAMED_USERS.regular.accountId, 'accountId'],
      ['ada.admin', NAMED_USERS.siteAdmin.accountId, 'username'],
      ['nobody@nowhere.example', undefined, undefined],
      ['no-such-user', undefined, undefined],
    ]);
    expect(rows[3]?.problem).toMatch(/No account has this email/);
  });

  it('adds and removes a member, warns before a licence-consuming group, and audits each change', async () => {
    const team = [...site.sim.state.groups.values()].find(
      (g) => g.name.startsWith('team-') && !g.members.has(NAMED_USERS.noAccess.accountId),
    );
    const added = await ok(
      call<ChangeResult>('addGroupMember', { groupId: team?.groupId, accountId: NAMED_USERS.noAccess.accountId }),
    );
    expect(added.outcome).toBe('done');
    expect(team?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);
    const again = await ok(
      call<ChangeResult>('addGroupMember', { groupId: team?.groupId, accountId: NAMED_USERS.noAccess.accountId }),
    );
    expect(again.outcome).toBe('already');
    const removed = await ok(
      call<ChangeResult>('removeGroupMember', { groupId: team?.groupId, accountId: NAMED_USERS.noAccess.accountId }),
    );
    expect(removed.outcome).toBe('done');
    expect(team?.members.has(NAMED_USERS.noAccess.accountId)).toBe(false);

    const licensed = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-servicemanagement-users');
    const warned = await call<ChangeResult>('addGroupMember', {
      groupId: licensed?.groupId,
      accountId: NAMED_USERS.noAccess.accountId,
    });
    expect(warned).toEqual({
      ok: false,
      error: { code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining('Jira Service Management') },
    });
    expect(licensed?.members.has(NAMED_USERS.noAccess.accountId)).toBe(false);
    await ok(
      call<ChangeResult>('addGroupMember', {
        groupId: licensed?.groupId,
        accountId: NAMED_USERS.noAccess.accountId,
        confirmLicence: true,
      }),
    );
    expect(licensed?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);

    const audit = await ok(call<AuditPage>('listAudit', { text: team?.groupId }));
    expect(audit.entries.map((e) => [e.action, e.result])).toEqual([
      ['group.member.remove', 'done'],
      ['group.member.add', 'already'],
      ['group.member.add', 'done'],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/@/);
  });

  it('tells a Jira admin who is not a site admin that site admin is required, and changes nothing', async () => {
    const team = [...site.sim.state.groups.values()].find(
      (g) => g.name.startsWith('team-') && !g.members.has(NAMED_USERS.regular.accountId),
    );
    const res = await call<ChangeResult>(
      'addGroupMember',
      { groupId: team?.groupId, accountId: NAMED_USERS.regular.accountId },
      NAMED_USERS.jiraAdmin.accountId,
    );
    expect(res).toEqual({
      ok: false,
      error: { code: 'SITE_ADMIN_REQUIRED', message: expect.stringMatching(/site administrators/) },
    });
    expect(team?.members.has(NAMED_USERS.regular.accountId)).toBe(false);
  });

  it('pages a group’s members, inactive ones on request', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-software-users');
    const first = await ok(call<GroupMembersPage>('listGroupMembers', { groupId: group?.groupId }));
    expect(first.members).toHaveLength(50);
    expect(first.group.grantsProducts).toEqual(['Jira Software']);
    const activeCount = [...(group?.members ?? [])].filter((id) => site.sim.state.users.get(id)?.active).length;
    expect(first.total).toBe(activeCount);
    const withInactive = await ok(
      call<GroupMembersPage>('listGroupMembers', { groupId: group?.groupId, includeInactive: true }),
    );
    expect(withInactive.total).toBe(group?.members.size);
  });

  it('rejects bad input with INVALID_INPUT and changes nothing', async () => {
    site.sim.meter.reset();
    const kvsBefore = site.kvs.keys();
    for (const [key, payload] of [
      ['addGroupMember', { groupId: '../../etc', accountId: 'x' }],
      ['addGroupMember', { groupId: 'abc' }],
      ['listUsers', { filters: { status: 'sleeping' } }],
      ['listUsers', { cursor: 'not-a-cursor' }],
      ['createBulkJob', { operation: 'explode', accountIds: [], groupIds: [] }],
      ['createBulkJob', { operation: 'add-users-to-group', accountIds: 'all', groupIds: [] }],
      ['deleteUser', { accountId: NAMED_USERS.regular.accountId, confirm: 'wrong name' }],
    ] as const) {
      const res = await call(key, payload);
      expect(res).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.any(String) } });
    }
    expect(site.sim.meter.writes()).toEqual([]);
    expect(site.kvs.keys().filter((k) => !k.startsWith('audit:'))).toEqual(
      kvsBefore.filter((k) => !k.startsWith('audit:')),
    );
  });
});
