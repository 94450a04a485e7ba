import type {
  AuditPage,
  Envelope,
  FunctionalAccountView,
  OwnerCheck,
  RegistryPage,
  UnregisteredFunctional,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { checkNowToEnd } from '../support/health';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

/**
 * Maintaining the registry after registration: accounts named `_Func_` but not registered are offered;
 * an owner who is another functional account, inactive or not a person is warned about; editing an
 * account changes its owner (clearing a stale owner finding) and is audited by name; a non-admin can do
 * none of it.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('functional account maintenance', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}, as: string = ADMIN) =>
    invokeAs<Envelope<T>>(site, as, key, payload);
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  const funcAccounts = () => [...site.sim.state.users.values()].filter((u) => u.displayName.includes('_Func_'));
  const person = (n: number) =>
    [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.displayName) &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    )[n];
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 1000, groups: 20 } });
  });
  afterAll(() => site.close());

  it('offers every seeded _Func_ account that is not registered, and drops one once registered', async () => {
    const seeded = funcAccounts();
    expect(seeded.length).toBeGreaterThanOrEqual(5);
    const offered = await ok(call<UnregisteredFunctional[]>('listUnregisteredFunctional'));
    expect(offered.map((o) => o.accountId).sort()).toEqual(seeded.map((u) => u.accountId).sort());
    expect(JSON.stringify(offered)).not.toMatch(/@/);
    const first = seeded[0];
    await ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId: first?.accountId,
        ownerAccountId: person(0)?.accountId,
        owningGroupId: group('team-security')?.groupId,
        purpose: 'Nightly sync',
        integration: 'Backup',
      }),
    );
    const after = await ok(call<UnregisteredFunctional[]>('listUnregisteredFunctional'));
    expect(after.map((o) => o.accountId)).not.toContain(first?.accountId);
    expect(after).toHaveLength(seeded.length - 1);
  });

  it('warns about an owner who is a functional account, inactive, or not a person', async () => {
    const func = funcAccounts()[1];
    const asFunc = await ok(call<OwnerCheck>('checkFunctionalOwner', { accountId: func?.accountId }));
    expect(asFunc.warnings.join(' ')).toMatch(/itself a functional account/);
    const inactive = [...site.sim.state.users.values()].find((u) => u.accountType === 'atlassian' && !u.active);
    const asInactive = await ok(call<OwnerCheck>('checkFunctionalOwner', { accountId: inactive?.accountId }));
    expect(asInactive.warnings.join(' ')).toMatch(/inactive/);
    const app = [...site.sim.state.users.values()].find((u) => u.accountType === 'app');
    const asApp = await ok(call<OwnerCheck>('checkFunctionalOwner', { accountId: app?.accountId }));
    expect(asApp.warnings.join(' ')).toMatch(/not a person/);
    const fine = await ok(call<OwnerCheck>('checkFunctionalOwner', { accountId: person(1)?.accountId }));
    expect(fine).toEqual({ accountId: person(1)?.accountId, displayName: person(1)?.displayName, warnings: [] });
    expect(await call('checkFunctionalOwner', { accountId: 'not an id!' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('edits an account: a new active owner clears the owner-inactive finding, audited by name', async () => {
    const account = funcAccounts()[0];
    const oldOwner = site.sim.state.users.get(person(0)?.accountId as string);
    if (!account || !oldOwner) throw new Error('no account or owner');
    oldOwner.active = false;
    await checkNowToEnd(site, ADMIN);
    const before = (await ok(call<RegistryPage>('listFunctional'))).accounts.find(
      (a) => a.accountId === account.accountId,
    );
    expect(before?.findings.map((f) => f.kind)).toContain('owner-inactive');

    const newOwner = person(2);
    const view = await ok(
      call<FunctionalAccountView>('updateFunctional', {
        accountId: account.accountId,
        ownerAccountId: newOwner?.accountId,
        owningGroupId: group('team-web')?.groupId,
        purpose: 'Nightly sync of backups',
        integration: 'Backup',
      }),
    );
    expect(view.ownerName).toBe(newOwner?.displayName);
    expect(view.owningGroupName).toBe('team-web');
    expect(view.findings.map((f) => f.kind)).not.toContain('owner-inactive');
    const audit = await ok(call<AuditPage>('listAudit', { action: 'functional.update' }));
    expect(audit.entries[0]?.detail).toBe(`Changed owner ${newOwner?.displayName}, owning group team-web, purpose.`);
    expect(audit.entries[0]?.targetLabel).toBe(account.displayName);

    expect(
      await call('updateFunctional', {
        accountId: account.accountId,
        ownerAccountId: account.accountId,
        owningGroupId: group('team-web')?.groupId,
        purpose: 'x',
        integration: 'y',
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(
      await call('updateFunctional', {
        accountId: funcAccounts()[3]?.accountId,
        ownerAccountId: newOwner?.accountId,
        owningGroupId: group('team-web')?.groupId,
        purpose: 'x',
        integration: 'y',
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('lets a non-admin do none of it, and changes nothing', async () => {
    const before = await ok(call<RegistryPage>('listFunctional'));
    const account = before.accounts[0];
    site.sim.meter.reset();
    for (const [key, payload] of [
      ['listUnregisteredFunctional', {}],
      ['checkFunctionalOwner', { accountId: ADMIN }],
      [
        'updateFunctional',
        {
          accountId: account?.accountId,
          ownerAccountId: ADMIN,
          owningGroupId: group('team-security')?.groupId,
          purpose: 'x',
          integration: 'y',
        },
      ],
    ] as const)
      expect(await call(key, payload, NAMED_USERS.regular.accountId)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    expect(site.sim.meter.writes()).toEqual([]);
    expect((await ok(call<RegistryPage>('listFunctional'))).accounts).toEqual(before.accounts);
  });
});
