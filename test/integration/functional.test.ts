import type {
  CreateFunctionalResult,
  Envelope,
  FunctionalAccountView,
  RegistryPage,
  RoleView,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { hasProductAccess } from '../../local/jira-sim/model';
import { SITE_ID } from '../../local/jira-sim/seed';
import { checkNowToEnd } from '../support/health';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;

describe('functional accounts through the resolvers', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}, as: string = ADMIN) =>
    invokeAs<Envelope<T>>(site, as, key, payload);
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  const user = (name: string) => [...site.sim.state.users.values()].find((u) => u.displayName === name);
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 400, groups: 20 } });
  });
  afterAll(() => site.close());

  let role: RoleView;

  it('saves a role with warnings for licence and admin groups, and refuses an empty or unknown one', async () => {
    role = await ok(
      call<RoleView>('saveRole', {
        name: 'CI bots',
        groupIds: [group('team-security')?.groupId, group('jira-software-users')?.groupId],
      }),
    );
    expect(role.groups.map((g) => g.name).sort()).toEqual(['jira-software-users', 'team-security']);
    expect(role.warnings).toEqual(['jira-software-users gives access to Jira Software (uses a licence).']);
    const admin = await ok(
      call<RoleView>('saveRole', { name: 'Admin bots', groupIds: [group('jira-administrators')?.groupId] }),
    );
    expect(admin.warnings.join(' ')).toMatch(/administration rights/);
    expect(await call('saveRole', { name: 'Empty', groupIds: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call('saveRole', { name: 'Ghost', groupIds: ['00000000-dead-4000-a000-000000000000'] })).toMatchObject(
      { ok: false, error: { code: 'NOT_FOUND' } },
    );
    expect((await ok(call<RoleView[]>('listRoles'))).map((r) => r.name).sort()).toEqual(['Admin bots', 'CI bots']);
  });

  it('registers an existing account with owner and owning group, and refuses duplicates and customers', async () => {
    const slack = user('Slack');
    const view = await ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId: slack?.accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-security')?.groupId,
        purpose: 'Posts build results',
        integration: 'Slack',
        roleId: role.roleId,
      }),
    );
    expect(view).toMatchObject({
      displayName: 'Slack',
      owningGroupName: 'team-security',
      credentials: [],
      findings: [],
    });
    expect(
      await call('registerFunctional', {
        accountId: slack?.accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-security')?.groupId,
        purpose: 'x',
        integration: 'y',
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const customer = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    expect(
      await call('registerFunctional', {
        accountId: customer?.accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-security')?.groupId,
        purpose: 'x',
        integration: 'y',
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('records credentials without secrets, and a rotation expires the previous one at that instant', async () => {
    const slack = user('Slack');
    const tooLong = new Date(Date.now() + 400 * DAY).toISOString();
    expect(
      await call('addCredential', {
        accountId: slack?.accountId,
        type: 'api-token',
        label: 'deploy token',
        expiresAt: tooLong,
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/365 days/) } });
    expect(
      await call('addCredential', {
        accountId: slack?.accountId,
        type: 'api-token',
        label: 'ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz0123',
        expiresAt: new Date(Date.now() + 10 * DAY).toISOString(),
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/looks like a secret/) },
    });
    const added = await ok(
      call<FunctionalAccountView>('addCredential', {
        accountId: slack?.accountId,
        type: 'api-token',
        label: 'deploy token',
        expiresAt: new Date(Date.now() + 5 * DAY).toISOString(),
      }),
    );
    const first = added.credentials[0];
    expect(first).toMatchObject({ type: 'api-token', label: 'deploy token', status: 'active' });
    const before = Date.now();
    const rotated = await ok(
      call<FunctionalAccountView>('rotateCredential', {
        accountId: slack?.accountId,
        credentialId: first?.credentialId,
        label: 'deploy token v2',
      }),
    );
    const old = rotated.credentials.find((c) => c.credentialId === first?.credentialId);
    expect(old?.status).toBe('expired');
    expect(Date.parse(old?.expiredAt ?? '')).toBeGreaterThanOrEqual(before - 5);
    const fresh = rotated.credentials.find((c) => c.credentialId !== first?.credentialId);
    expect(fresh).toMatchObject({ status: 'active', label: 'deploy token v2', lastRotatedAt: old?.expiredAt });
    expect(Date.parse(fresh?.expiresAt ?? '') - Date.parse(fresh?.createdAt ?? '')).toBe(365 * DAY);
    // No secret or email in what the app stored.
    for (const key of site.kvs.keys()) expect(JSON.stringify(site.kvs.peek(key))).not.toMatch(/ATATT|@/);
  });

  it('reports Jira’s refusal to create accounts from a Forge app clearly, and registers nothing', async () => {
    const res = await call<CreateFunctionalResult>('createFunctional', {
      name: 'Backup2',
      roleId: role.roleId,
      email: 'backup2.func@example.com',
      ownerAccountId: NAMED_USERS.regular.accountId,
      owningGroupId: group('team-security')?.groupId,
      purpose: 'Nightly backup',
      integration: 'Backup tool',
    });
    expect(res).toEqual({
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: expect.stringContaining(`Create Backup2_Func_${SITE_ID} in admin.atlassian.com`),
      },
    });
    expect([...site.sim.state.users.values()].some((u) => u.email === 'backup2.func@example.com')).toBe(false);
    const registry = await ok(call<RegistryPage>('listFunctional'));
    expect(registry.accounts.map((a) => a.displayName)).toEqual(['Slack']);
  });

  it('finds exactly the expected problems on the health check, keeps their dates, and drops resolved ones', async () => {
    // Register a seeded functional account owned by Jonas, who is then deactivated.
    const backup = user(`Backup_Func_${SITE_ID}`);
    await ok(
      call('registerFunctional', {
        accountId: backup?.accountId,
        ownerAccountId: NAMED_USERS.jiraAdmin.accountId,
        owningGroupId: group('functional-accounts')?.groupId,
        purpose: 'Backups',
        integration: 'Backup tool',
      }),
    );
    group('jira-administrators')?.members.add(backup?.accountId ?? '');
    const jonas = site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId);
    if (jonas) jonas.active = false;

    const run = await checkNowToEnd(site, ADMIN);
    expect(run.accounts).toBe(2);
    const registry = await ok(call<RegistryPage>('listFunctional'));
    const byName = new Map(registry.accounts.map((a) => [a.displayName, a.findings.map((f) => f.kind).sort()]));
    expect(byName.get('Slack')).toEqual(['admin-group', 'naming']); // an app user: in atlassian-addons-admin, not named by the convention
    expect(byName.get(`Backup_Func_${SITE_ID}`)).toEqual(['admin-group', 'owner-inactive']);

    // Fix the owner; the finding disappears on the next check; persisting findings keep their first date.
    if (jonas) jonas.active = true;
    const since = registry.accounts
      .find((a) => a.displayName === 'Slack')
      ?.findings.find((f) => f.kind === 'naming')?.since;
    await checkNowToEnd(site, ADMIN);
    const after = await ok(call<RegistryPage>('listFunctional'));
    expect(after.accounts.find((a) => a.displayName === `Backup_Func_${SITE_ID}`)?.findings.map((f) => f.kind)).toEqual(
      ['admin-group'],
    );
    expect(
      after.accounts.find((a) => a.displayName === 'Slack')?.findings.find((f) => f.kind === 'naming')?.since,
    ).toBe(since);
    const orphaned = await ok(call<RegistryPage>('listFunctional', { finding: 'orphaned' }));
    expect(orphaned.accounts).toEqual([]);
  });

  it('flags credentials expiring within 30, 7 and 1 days and expired ones', async () => {
    const backup = user(`Backup_Func_${SITE_ID}`);
    for (const [label, days] of [
      ['a30', 20],
      ['b7', 5],
      ['c1', 0.5],
    ] as const) {
      await ok(
        call('addCredential', {
          accountId: backup?.accountId,
          type: 'oauth-client',
          label,
          expiresAt: new Date(Date.now() + days * DAY).toISOString(),
        }),
      );
    }
    await ok(
      call('addCredential', {
        accountId: backup?.accountId,
        type: 'other',
        label: 'old',
        createdAt: new Date(Date.now() - 10 * DAY).toISOString(),
        expiresAt: new Date(Date.now() - DAY).toISOString(),
      }),
    );
    await checkNowToEnd(site, ADMIN);
    const expiring = await ok(call<RegistryPage>('listFunctional', { finding: 'expiring' }));
    expect(expiring.accounts.map((a) => a.displayName)).toEqual([`Backup_Func_${SITE_ID}`]);
    expect(expiring.accounts[0]?.findings.map((f) => f.kind).sort()).toEqual([
      'admin-group',
      'credential-expired',
      'credential-expiring-1',
      'credential-expiring-30',
      'credential-expiring-7',
    ]);
  });

  it('runs as the daily scheduled trigger, asApp, with one audit entry naming "scheduled"', async () => {
    site.sim.meter.reset();
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    expect(site.sim.meter.requests.length).toBeGreaterThan(0);
    expect(site.sim.meter.requests.every((r) => r.principal === 'app')).toBe(true);
    const last = (await ok(call<RegistryPage>('listFunctional'))).lastCheck;
    expect(last).toMatchObject({ startedBy: 'scheduled', accounts: 2, failed: 0 });
    const audit = site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; actor?: string; detail?: string })
      .filter((e) => e.action === 'functional.health-check' && e.actor === 'scheduled');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatch(/^2 accounts checked/);
  });

  it('lets a non-admin do none of it, and changes nothing', async () => {
    const before = await ok(call<RegistryPage>('listFunctional'));
    const roles = await ok(call<RoleView[]>('listRoles'));
    const someone = before.accounts[0]?.accountId;
    site.sim.meter.reset();
    for (const [key, payload] of [
      ['listRoles', {}],
      ['deleteRole', { roleId: roles[0]?.roleId }],
      ['unregisterFunctional', { accountId: someone }],
      ['addCredential', { accountId: someone, type: 'other', label: 'x' }],
      ['rotateCredential', { accountId: someone, credentialId: 'x' }],
      [
        'createFunctional',
        {
          name: 'Nope',
          roleId: roles[0]?.roleId,
          email: 'nope.func@example.com',
          ownerAccountId: NAMED_USERS.regular.accountId,
          owningGroupId: group('team-security')?.groupId,
          purpose: 'x',
          integration: 'y',
        },
      ],
      ['listFunctional', {}],
      ['saveRole', { name: 'x', groupIds: [group('team-security')?.groupId] }],
      [
        'registerFunctional',
        {
          accountId: user('Tempo')?.accountId,
          ownerAccountId: NAMED_USERS.regular.accountId,
          owningGroupId: group('team-security')?.groupId,
          purpose: 'x',
          integration: 'y',
        },
      ],
      ['runHealthCheck', {}],
    ] as const) {
      expect(await call(key, payload, NAMED_USERS.regular.accountId)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect(site.sim.meter.writes()).toEqual([]);
    const after = await ok(call<RegistryPage>('listFunctional'));
    expect(after.accounts).toEqual(before.accounts);
    expect(await ok(call<RoleView[]>('listRoles'))).toEqual(roles);
  });
});

describe('creating a functional account where Jira allows it', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  /** createFunctional owned by Rita and team-web unless `fields` say otherwise. */
  const create = (fields: { name: string; roleId: string | undefined; email: string | undefined }) =>
    call<CreateFunctionalResult>('createFunctional', {
      ownerAccountId: NAMED_USERS.regular.accountId,
      owningGroupId: group('team-web')?.groupId,
      purpose: 'x',
      integration: 'y',
      ...fields,
    });
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 200, groups: 20 }, allowForgeUserCreation: true });
  });
  afterAll(() => site.close());

  it('creates the account, puts it in the role’s groups, registers it, and says what Jira named it', async () => {
    const role = await ok(
      call<RoleView>('saveRole', {
        name: 'Sync',
        groupIds: [group('team-data')?.groupId, group('functional-accounts')?.groupId],
      }),
    );
    const res = await ok(
      call<CreateFunctionalResult>('createFunctional', {
        name: 'Sync2',
        roleId: role.roleId,
        email: 'sync2.func@example.com',
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-data')?.groupId,
        purpose: 'Sync',
        integration: 'Sync tool',
      }),
    );
    expect(res.conventionName).toBe(`Sync2_Func_${SITE_ID}`);
    expect(res.groups.map((g) => g.outcome)).toEqual(['done', 'done']);
    expect(res.message).toMatch(/rename it to Sync2_Func_/);
    expect(group('team-data')?.members.has(res.accountId)).toBe(true);
    expect(group('functional-accounts')?.members.has(res.accountId)).toBe(true);
    const registry = await ok(call<RegistryPage>('listFunctional'));
    expect(registry.accounts.map((a) => a.accountId)).toEqual([res.accountId]);
  });

  it('reports a half-done creation exactly', async () => {
    const role = await ok(
      call<RoleView>('saveRole', {
        name: 'Half',
        groupIds: [group('team-web')?.groupId, group('team-legal')?.groupId],
      }),
    );
    // The second group disappears between saving the role and creating the account.
    const qa = group('team-legal');
    if (qa) site.sim.state.groups.delete(qa.groupId);
    const res = await create({ name: 'Half', roleId: role.roleId, email: 'half.func@example.com' });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    // The app read the role's group names moments ago (cached for a few minutes), so it still names the group.
    expect(res.data.groups.map((g) => [g.name, g.outcome])).toEqual([
      ['team-web', 'done'],
      [qa?.name, 'failed'],
    ]);
    expect(res.data.message).toMatch(/not added to/);
  });

  it('refuses an email Jira already has an account for, and creates, adds and registers nothing', async () => {
    const role = (await ok(call<RoleView[]>('listRoles')))[0];
    const before = (await ok(call<RegistryPage>('listFunctional'))).accounts.length;
    site.sim.meter.reset();
    const res = await create({ name: 'Dup', roleId: role?.roleId, email: NAMED_USERS.regular.email });
    expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (res.ok) return;
    // Rita has Jira access, so Jira itself would answer 201 with her own account: the app must not take it.
    expect(res.error.message).toBe(
      'An account already uses this email (Rita Regular). Register that account instead, or use another mailbox.',
    );
    expect(site.sim.meter.writes()).toEqual([]);
    expect((await ok(call<RegistryPage>('listFunctional'))).accounts).toHaveLength(before);
  });

  it('refuses an email that belongs to an inactive account Jira hands back, and changes nothing', async () => {
    const role = (await ok(call<RoleView[]>('listRoles')))[0];
    const inactive = [...site.sim.state.users.values()].find(
      (u) => !u.active && u.accountType === 'atlassian' && hasProductAccess(site.sim.state, u.accountId),
    );
    const before = (await ok(call<RegistryPage>('listFunctional'))).accounts.length;
    site.sim.meter.reset();
    const res = await create({ name: 'Old', roleId: role?.roleId, email: inactive?.email });
    expect(res).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (res.ok) return;
    expect(res.error.message).toContain(`inactive account already uses this email (${inactive?.displayName})`);
    expect(site.sim.meter.writes().filter((w) => w.endpoint !== '/rest/api/3/user')).toEqual([]);
    expect((await ok(call<RegistryPage>('listFunctional'))).accounts).toHaveLength(before);
  });
});
