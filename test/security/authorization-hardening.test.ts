import type { Envelope, RoleView } from '../../src/contract';
import { createAuthorizer } from '../../src/invocation/authorization';
import { saveRole, type FunctionalDeps } from '../../src/features/functional-accounts/functional-accounts';
import { JiraApiError } from '../../src/jira/errors';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';
import { IDENTITIES, invokeAsIdentity, kvsDiff, kvsSnapshot, type Identity } from '../support/security';

const SITE_ADMIN = IDENTITIES.find((i) => i.name === 'site admin') as Identity;
const JIRA_ADMIN = IDENTITIES.find((i) => i.name === 'Jira admin only') as Identity;

describe('the authorization cache', () => {
  it('is keyed by installation and account: an admin answer on site A does not let the caller through on site B', async () => {
    const asked: string[] = [];
    const authorize = createAuthorizer({
      hasAdminister: async ({ installation }) => {
        asked.push(installation);
        return installation === 'site-A';
      },
    });
    await authorize({ accountId: 'u1', installation: 'site-A' }, 'cached');
    await expect(authorize({ accountId: 'u1', installation: 'site-B' }, 'cached')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await authorize({ accountId: 'u1', installation: 'site-A' }, 'cached');
    expect(asked).toEqual(['site-A', 'site-B']);
  });

  it('answers reads from the cache for at most 60 s and asks Jira on every write', async () => {
    let clock = 0;
    let admin = true;
    let asked = 0;
    const authorize = createAuthorizer({
      now: () => clock,
      ttlMs: 10 * 60_000, // asked for more than 60 s: still capped at 60 s
      hasAdminister: async () => {
        asked += 1;
        return admin;
      },
    });
    const caller = { accountId: 'u1', installation: 'site-A' };
    await authorize(caller, 'cached');
    admin = false;
    await authorize(caller, 'cached'); // cached allow, still within 60 s
    await expect(authorize(caller, 'live')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    admin = true;
    clock = 59_000;
    await expect(authorize(caller, 'cached')).rejects.toMatchObject({ code: 'FORBIDDEN' }); // the live answer refreshed it
    clock = 120_001;
    await authorize(caller, 'cached');
    expect(asked).toBe(3);
  });

  it('refuses a caller without a valid account or installation before asking Jira', async () => {
    let asked = 0;
    const authorize = createAuthorizer({
      hasAdminister: async () => {
        asked += 1;
        return true;
      },
    });
    for (const caller of [
      { accountId: undefined, installation: 'site-A' },
      { accountId: '', installation: 'site-A' },
      { accountId: { $ne: null }, installation: 'site-A' },
      { accountId: 'u1', installation: undefined },
      { accountId: 'u1', installation: 42 },
      { accountId: 'u1\nsite-B', installation: 'site-A' },
    ]) {
      await expect(authorize(caller, 'cached')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(asked).toBe(0);
  });

  it('stays bounded in a long-lived warm function', async () => {
    let asked = 0;
    const authorize = createAuthorizer({
      maxEntries: 3,
      hasAdminister: async () => {
        asked += 1;
        return true;
      },
    });
    for (const id of ['a', 'b', 'c', 'd']) await authorize({ accountId: id, installation: 'S' }, 'cached');
    await authorize({ accountId: 'd', installation: 'S' }, 'cached'); // kept
    await authorize({ accountId: 'a', installation: 'S' }, 'cached'); // dropped as the oldest: asked again
    expect(asked).toBe(5);
  });
});

describe('saveRole writes nothing when a check fails after authorization', () => {
  it('asks Jira everything it needs before saving the role or its audit entry', async () => {
    const writes: string[] = [];
    const group = { groupId: 'g1', name: 'team-a' };
    const deps = {
      jira: {
        getGroupsById: async () => [group],
        listApplicationRoles: async () => {
          throw new JiraApiError(403, { errorMessages: ['Administrator privileges are required.'] }, undefined, 'x');
        },
      },
      store: {
        role: async () => undefined,
        putRole: async () => void writes.push('role'),
      },
      audit: { record: async () => void writes.push('audit') },
    } as unknown as FunctionalDeps;
    await expect(saveRole(deps, 'actor', { name: 'Bots', groupIds: ['g1'] })).rejects.toBeInstanceOf(JiraApiError);
    expect(writes).toEqual([]);
  });
});

describe('authorization through the resolver function', () => {
  let site: LocalSite;
  const jonas = NAMED_USERS.jiraAdmin.accountId;
  const admins = () => [...site.sim.state.groups.values()].find((g) => g.name === 'jira-administrators');
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 120, groups: 10, serviceDesks: 1 } });
  });
  afterAll(() => site.close());
  afterEach(() => void admins()?.members.add(jonas));

  it('asks again on another installation, and refuses a demoted admin every write at once', async () => {
    // Jonas is an admin on this installation: the answer is cached.
    expect(await invokeAsIdentity<Envelope<unknown>>(site, JIRA_ADMIN, 'listRoles', {})).toMatchObject({ ok: true });
    admins()?.members.delete(jonas); // demoted
    site.sim.meter.reset();
    // Another installation in the same warm function: not answered from this site's cache.
    const elsewhere = await invokeAsIdentity<Envelope<unknown>>(
      site,
      JIRA_ADMIN,
      'listRoles',
      {},
      {
        runtime: { principal: { accountId: jonas }, installContext: 'ari:cloud:jira::site/another-site' },
      },
    );
    expect(elsewhere).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(site.sim.meter.count({ endpoint: '/rest/api/3/mypermissions' })).toBe(1);

    // A write on the first installation: asked live, refused, nothing saved or audited.
    const team = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    const before = kvsSnapshot(site);
    site.sim.meter.reset();
    const res = await invokeAs<Envelope<RoleView>>(site, jonas, 'saveRole', {
      name: 'Bots',
      groupIds: [team?.groupId],
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(site.sim.meter.requests.map((r) => r.endpoint)).toEqual(['/rest/api/3/mypermissions']);
    expect(kvsDiff(before, kvsSnapshot(site))).toEqual([]);
  });

  it('lets a re-promoted admin write again without waiting for the cache', async () => {
    admins()?.members.delete(jonas);
    expect(await invokeAs<Envelope<unknown>>(site, jonas, 'listRoles')).toMatchObject({ ok: false });
    admins()?.members.add(jonas);
    const team = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    const saved = await invokeAs<Envelope<RoleView>>(site, jonas, 'saveRole', {
      name: 'Bots',
      groupIds: [team?.groupId],
    });
    expect(saved).toMatchObject({ ok: true, data: { name: 'Bots' } });
  });

  describe('unknown function keys', () => {
    const KEYS = [
      'constructor',
      'hasOwnProperty',
      'valueOf',
      '__proto__',
      'toString',
      'toLocaleString',
      'isPrototypeOf',
      'propertyIsEnumerable',
      '__defineGetter__',
      'noSuchResolver',
      '',
    ];
    it.each(KEYS)('%p gets a clean typed error that echoes nothing, for a user and without one', async (key) => {
      const marker = 'payload-marker-7f3a';
      for (const identity of [SITE_ADMIN, IDENTITIES.find((i) => i.name === 'missing context') as Identity]) {
        site.sim.meter.reset();
        const before = kvsSnapshot(site);
        const res = await invokeAsIdentity<Envelope<unknown>>(site, identity, key, { marker, nested: { marker } });
        expect(res).toEqual({
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'User Admin has no function by that name.' },
        });
        const text = JSON.stringify(res);
        for (const leak of [marker, site.sim.state.cloudId, NAMED_USERS.siteAdmin.accountId])
          expect(text).not.toContain(leak);
        expect(site.sim.meter.requests).toEqual([]);
        expect(kvsDiff(before, kvsSnapshot(site))).toEqual([]);
      }
    });

    it('handles an event without a call or with a non-string key the same way', async () => {
      const { appHandler } = await import('../support/security');
      for (const event of [
        undefined,
        null,
        {},
        { call: null },
        { call: { functionKey: 7 } },
        { call: { functionKey: ['listRoles'] } },
      ]) {
        expect(await appHandler()(event as never, {})).toEqual({
          ok: false,
          error: { code: 'INVALID_INPUT', message: 'User Admin has no function by that name.' },
        });
      }
    });
  });
});
