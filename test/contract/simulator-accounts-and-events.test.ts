import { readManifest, scopeNames } from '../../local/manifest';
import { RATE_LIMITS_OFF } from '../../local/jira-sim/rate-limit';
import {
  FORGE_INSTALL_HEADER,
  FORGE_PRINCIPAL_HEADER,
  startSimulator,
  type Simulator,
} from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import type { JiraUserEvent, UserEventOrigin } from '../../local/jira-sim/user-events';

/**
 * Issue 17's smaller fidelity items and Jira's user events, called over HTTP: `X-AACCOUNTID` on answers,
 * `applicationrole/{key}`, the deprecated `GET group`, JSM organizations, and `avi:jira:*:user` events
 * emitted (in Forge's payload shape) when accounts are created, changed or deleted.
 */
const basic = (email: string) => `Basic ${Buffer.from(`${email}:local-dev-token`).toString('base64')}`;
const ADMIN = basic(NAMED_USERS.siteAdmin.email);
const REGULAR = basic(NAMED_USERS.regular.email);

describe('simulator accounts, organizations and user events', () => {
  let sim: Simulator;
  const events: Array<{ event: JiraUserEvent; origin: UserEventOrigin }> = [];
  beforeAll(async () => {
    sim = await startSimulator({
      seed: { users: 200, groups: 12 },
      rateLimits: RATE_LIMITS_OFF,
      apps: [{ installToken: 'acc', scopes: scopeNames(readManifest()) }],
    });
    sim.onUserEvent((event, origin) => events.push({ event, origin }));
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    events.length = 0;
  });
  const call = (path: string, init: RequestInit & { auth?: string } = {}) =>
    fetch(sim.url + path, {
      ...init,
      headers: {
        authorization: init.auth ?? ADMIN,
        'content-type': 'application/json',
        'X-ExperimentalApi': 'opt-in',
        ...(init.headers ?? {}),
      },
    });
  /** Waits until the listener has `n` events (listeners run after the answer is written). */
  const eventsSoon = async (n: number) => {
    for (let i = 0; i < 50 && events.length < n; i += 1) await new Promise((r) => setImmediate(r));
    return events.map((e) => e.event);
  };

  it('names the acting account in X-AACCOUNTID: the user, or the app user for asApp', async () => {
    expect((await call('/rest/api/3/myself', { auth: REGULAR })).headers.get('X-AACCOUNTID')).toBe(
      NAMED_USERS.regular.accountId,
    );
    const asApp = await fetch(`${sim.url}/rest/api/3/serverInfo`, {
      headers: { [FORGE_INSTALL_HEADER]: 'acc', [FORGE_PRINCIPAL_HEADER]: 'app' },
    });
    expect(asApp.headers.get('X-AACCOUNTID')).toBe(NAMED_USERS.app.accountId);
    // Refusals name the caller too; anonymous requests carry none.
    expect(
      (await call('/rest/api/3/users/search', { auth: basic(NAMED_USERS.noAccess.email) })).headers.get('X-AACCOUNTID'),
    ).toBe(NAMED_USERS.noAccess.accountId);
    expect((await fetch(`${sim.url}/rest/api/3/serverInfo`)).headers.get('X-AACCOUNTID')).toBeNull();
  });

  it('serves applicationrole/{key} to Jira administrators only', async () => {
    const res = await call('/rest/api/3/applicationrole/jira-software');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { key: string }).key).toBe('jira-software');
    expect((await call('/rest/api/3/applicationrole/jira-software', { auth: REGULAR })).status).toBe(403);
    expect((await call('/rest/api/3/applicationrole/nope')).status).toBe(404);
  });

  it('answers the deprecated GET group as its spec says: users only with expand, at most 50, 400 without a group', async () => {
    const group = [...sim.state.groups.values()].find((g) => g.members.size > 60);
    if (!group) throw new Error('no group of more than 60 in the seed');
    const active = [...group.members].filter((id) => sim.state.users.get(id)?.active).length;
    const plain = (await (await call(`/rest/api/3/group?groupId=${group.groupId}`)).json()) as {
      name: string;
      users: { size: number; items: unknown[] };
    };
    expect([plain.name, plain.users.size, plain.users.items.length]).toEqual([group.name, active, 0]);
    const expanded = (await (await call(`/rest/api/3/group?groupname=${group.name}&expand=users`)).json()) as {
      users: { items: Array<{ accountId: string }>; 'start-index': number; 'end-index': number };
    };
    expect([expanded.users.items.length, expanded.users['start-index'], expanded.users['end-index']]).toEqual([
      50, 0, 49,
    ]);
    const next = (await (await call(`/rest/api/3/group?groupId=${group.groupId}&expand=users[50:99]`)).json()) as {
      users: { items: Array<{ accountId: string }>; 'start-index': number };
    };
    expect(next.users['start-index']).toBe(50);
    expect(next.users.items[0]?.accountId).not.toBe(expanded.users.items[0]?.accountId);
    expect((await call('/rest/api/3/group')).status).toBe(400);
    expect((await call(`/rest/api/3/group?groupId=${group.groupId}&groupname=${group.name}`)).status).toBe(400);
    expect(
      (await call(`/rest/api/3/group?groupId=${group.groupId}`, { auth: basic(NAMED_USERS.noAccess.email) })).status,
    ).toBe(403);
  });

  it('serves JSM organizations: all to agents, a customer’s own to the customer, members to agents only', async () => {
    const all = (await (await call('/rest/servicedeskapi/organization')).json()) as {
      size: number;
      values: Array<{ id: string; name: string }>;
    };
    expect(all.size).toBe(sim.state.organizations.size);
    const org = sim.state.organizations.get('1');
    const member = [...(org?.members ?? [])][0] ?? '';
    const users = (await (await call('/rest/servicedeskapi/organization/1/user?limit=50')).json()) as {
      values: Array<{ accountId: string }>;
    };
    const ids = users.values.map((u) => u.accountId);
    expect(ids).toEqual([...(org?.members ?? [])].sort());
    const filtered = (await (
      await call(`/rest/servicedeskapi/organization?accountId=${encodeURIComponent(member)}`)
    ).json()) as {
      values: Array<{ id: string }>;
    };
    expect(filtered.values.map((o) => o.id)).toEqual(['1']);
    // A non-agent may list (their own) organizations but not filter by account or read members.
    expect(
      (await call(`/rest/servicedeskapi/organization?accountId=${encodeURIComponent(member)}`, { auth: REGULAR }))
        .status,
    ).toBe(403);
    const own = (await (await call('/rest/servicedeskapi/organization', { auth: REGULAR })).json()) as { size: number };
    expect(own.size).toBe(0);
    expect((await call('/rest/servicedeskapi/organization/1/user', { auth: REGULAR })).status).toBe(403);
    expect((await call('/rest/servicedeskapi/organization/99/user')).status).toBe(404);
  });

  it('emits avi:jira:created:user and avi:jira:deleted:user for accounts made and removed over REST', async () => {
    const created = await call('/rest/api/3/user', {
      method: 'POST',
      body: JSON.stringify({ emailAddress: 'evented.person@example.com', products: ['jira-software'] }),
    });
    expect(created.status).toBe(201);
    const { accountId } = (await created.json()) as { accountId: string };
    const customer = await call('/rest/servicedeskapi/customer', {
      method: 'POST',
      body: JSON.stringify({ email: 'evented.customer@clients.example.org', displayName: 'Evented Customer' }),
    });
    expect(customer.status).toBe(201);
    expect(
      (await call(`/rest/api/3/user?accountId=${encodeURIComponent(accountId)}`, { method: 'DELETE' })).status,
    ).toBe(204);
    const got = await eventsSoon(3);
    expect(got.map((e) => e.eventType)).toEqual([
      'avi:jira:created:user',
      'avi:jira:created:user',
      'avi:jira:deleted:user',
    ]);
    const first = got[0];
    if (first?.eventType !== 'avi:jira:created:user') throw new Error('expected a created event');
    expect(first.user).toEqual(
      expect.objectContaining({
        accountId,
        accountType: 'atlassian',
        active: true,
        emailAddress: 'evented.person@example.com',
        groups: expect.objectContaining({ size: 1, items: [expect.objectContaining({ name: 'jira-software-users' })] }),
        applicationRoles: { size: 1, items: [{ key: 'jira-software', name: 'Jira Software' }] },
      }),
    );
    expect(got[2]).toEqual({ eventType: 'avi:jira:deleted:user', user: { accountId } });
    expect(events[0]?.origin.cloudId).toBe(sim.state.cloudId);
  });

  it('emits avi:jira:updated:user for profile and status changes, and for group changes only when asked', async () => {
    const user = [...sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && u.displayName.startsWith('A'),
    );
    if (!user) throw new Error('no user');
    sim.directory.updateUser(user.accountId, { active: false });
    sim.directory.updateUser(user.accountId, { displayName: 'Renamed Person', active: true });
    const got = await eventsSoon(2);
    expect(got.map((e) => [e.eventType, e.eventType === 'avi:jira:deleted:user' ? undefined : e.user.active])).toEqual([
      ['avi:jira:updated:user', false],
      ['avi:jira:updated:user', true],
    ]);
    // Group membership: off by default (Atlassian does not say it fires).
    events.length = 0;
    const group = [...sim.state.groups.values()].find(
      (g) => g.name.startsWith('team-') && !g.members.has(user.accountId),
    );
    const add = await call(`/rest/api/3/group/user?groupId=${group?.groupId}`, {
      method: 'POST',
      body: JSON.stringify({ accountId: user.accountId }),
    });
    expect(add.status).toBe(201);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    sim.userEvents.options.onGroupChange = true;
    try {
      const remove = await call(
        `/rest/api/3/group/user?groupId=${group?.groupId}&accountId=${encodeURIComponent(user.accountId)}`,
        { method: 'DELETE' },
      );
      expect(remove.status).toBe(200);
      const changed = await eventsSoon(1);
      expect(changed.map((e) => e.eventType)).toEqual(['avi:jira:updated:user']);
    } finally {
      sim.userEvents.options.onGroupChange = false;
    }
  });

  it('a refused write emits nothing, and a throwing listener does not stop the others', async () => {
    const seen: string[] = [];
    const offBad = sim.onUserEvent(() => {
      throw new Error('listener failure (expected in this test)');
    });
    const offGood = sim.onUserEvent((e) => seen.push(e.eventType));
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const refused = await call('/rest/api/3/user', {
        method: 'POST',
        auth: REGULAR,
        body: JSON.stringify({ emailAddress: 'nope@example.com', products: ['jira-software'] }),
      });
      expect(refused.status).toBe(403);
      sim.directory.createUser({ email: 'made.in.admin@example.com', displayName: 'Made In Admin' });
      await eventsSoon(1);
      expect(seen).toEqual(['avi:jira:created:user']);
      expect(spy).toHaveBeenCalled();
    } finally {
      offBad();
      offGood();
      spy.mockRestore();
    }
  });
});
