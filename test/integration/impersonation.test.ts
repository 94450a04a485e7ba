import api, { route, ProxyRequestError, NeedsAuthenticationError, type RequestInit } from '@forge/api';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { LocalSite } from '../../local/local-site';
import { impersonationScopes, readManifest } from '../../local/manifest';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * Forge offline user impersonation, emulated: in an invocation without a user (a queue consumer, a
 * scheduled trigger), `asUser(accountId)` acts as that user with their own Jira permissions, only when the
 * manifest declares impersonation scopes, and never for deactivated, unknown, app or customer accounts.
 */
const offline = <T>(fn: () => Promise<T>) => runInvocation({ moduleKey: 'consumer', timeoutMs: 10_000 }, fn);

async function status(accountId: string, path: ReturnType<typeof route>, init: RequestInit = {}): Promise<number> {
  const res = await offline(() => api.asUser(accountId).requestJira(path, init));
  return res.status;
}

async function administers(accountId: string): Promise<boolean> {
  const res = await offline(() =>
    api.asUser(accountId).requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`),
  );
  const body = (await res.json()) as { permissions: { ADMINISTER: { havePermission: boolean } } };
  return body.permissions.ADMINISTER.havePermission;
}

describe('offline user impersonation', () => {
  it('manifest.yml declares the scopes the bulk consumers use with allowImpersonation', () => {
    expect(impersonationScopes(readManifest()).sort()).toEqual([
      'manage:jira-configuration',
      'manage:servicedesk-customer',
      'read:jira-user',
      'read:jira-work',
      'read:servicedesk-request',
    ]);
  });

  describe('with the manifest’s scope map', () => {
    let site: LocalSite;
    beforeAll(async () => {
      site = await startTestSite({ seed: { users: 60, groups: 10 } });
    });
    afterAll(() => site.close());

    it('acts as the given user with that user’s own permissions', async () => {
      expect(await administers(NAMED_USERS.siteAdmin.accountId)).toBe(true);
      expect(await administers(NAMED_USERS.jiraAdmin.accountId)).toBe(true);
      expect(await administers(NAMED_USERS.regular.accountId)).toBe(false);
      const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
      const someone = [...site.sim.state.users.values()].find(
        (u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId),
      );
      if (!group || !someone) throw new Error('seed has no team group or candidate');
      const add = (as: string) =>
        status(as, route`/rest/api/3/group/user?groupId=${group.groupId}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ accountId: someone.accountId }),
        });
      // A Jira admin who is not a site admin may not change membership, impersonated or not.
      expect(await add(NAMED_USERS.jiraAdmin.accountId)).toBe(403);
      expect(group.members.has(someone.accountId)).toBe(false);
      expect(await add(NAMED_USERS.siteAdmin.accountId)).toBe(201);
      expect(group.members.has(someone.accountId)).toBe(true);
      // The simulator saw the impersonated user as the principal.
      const last = site.sim.meter.requests[site.sim.meter.requests.length - 1];
      expect(last?.principal).toBe(`user:${NAMED_USERS.siteAdmin.accountId}`);
    });

    it('refuses deactivated, unknown, app and customer accounts', async () => {
      const users = [...site.sim.state.users.values()];
      const inactive = users.find((u) => u.accountType === 'atlassian' && !u.active);
      const customer = users.find((u) => u.accountType === 'customer');
      if (!inactive || !customer) throw new Error('seed lacks an inactive or customer account');
      for (const id of [
        inactive.accountId,
        customer.accountId,
        NAMED_USERS.app.accountId,
        '712020:ffffffff-ffff-4fff-afff-ffffffffffff',
      ]) {
        const before = site.sim.meter.requests.length;
        await expect(administers(id)).rejects.toBeInstanceOf(ProxyRequestError);
        // Refused by Forge before any request reaches Jira.
        expect(site.sim.meter.requests.length).toBe(before);
      }
    });

    it('still gives asUser() without an account no credentials where no user invoked', async () => {
      await expect(offline(() => api.asUser().requestJira(route`/rest/api/3/myself`))).rejects.toBeInstanceOf(
        NeedsAuthenticationError,
      );
    });
  });

  describe('without allowImpersonation', () => {
    it('refuses every impersonated request when no scope allows impersonation', async () => {
      const site = await startTestSite({ seed: { users: 30 }, impersonationScopes: [] });
      try {
        await expect(administers(NAMED_USERS.siteAdmin.accountId)).rejects.toBeInstanceOf(ProxyRequestError);
      } finally {
        await site.close();
      }
    });

    it('lets an impersonated request use only the scopes that allow impersonation', async () => {
      const site = await startTestSite({ seed: { users: 30, groups: 5 }, impersonationScopes: ['read:jira-work'] });
      try {
        const group = [...site.sim.state.groups.values()][0];
        if (!group) throw new Error('no group');
        expect(await administers(NAMED_USERS.siteAdmin.accountId)).toBe(true);
        // Adding needs manage:jira-configuration, which (here) does not allow impersonation: Jira answers 401.
        expect(
          await status(NAMED_USERS.siteAdmin.accountId, route`/rest/api/3/group/user?groupId=${group.groupId}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ accountId: NAMED_USERS.regular.accountId }),
          }),
        ).toBe(401);
      } finally {
        await site.close();
      }
    });
  });
});
