import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import { explain, responseValidator, schemaValidator } from '../support/openapi';

/**
 * Every endpoint the simulator serves answers in the shape the official OpenAPI specs define, for
 * successes and for Jira's error bodies.
 */
describe('simulator responses validate against the official OpenAPI schemas', () => {
  let sim: Simulator;
  const basic = (email: string) => `Basic ${Buffer.from(`${email}:local-dev-token`).toString('base64')}`;
  const ADMIN = basic(NAMED_USERS.siteAdmin.email);
  const REGULAR = basic(NAMED_USERS.regular.email);
  const APP_TOKEN = 'contract-app';
  beforeAll(async () => {
    sim = await startSimulator({
      seed: { users: 400, groups: 20 },
      apps: [{ installToken: APP_TOKEN, scopes: ['read:email-address:jira', 'read:jira-user'] }],
    });
  });
  afterAll(() => sim.close());

  async function call(method: string, path: string, opts: { auth?: string; app?: boolean; body?: unknown } = {}) {
    const headers: Record<string, string> = { 'X-ExperimentalApi': 'opt-in' };
    if (opts.app) Object.assign(headers, { 'x-forge-sim-install': APP_TOKEN, 'x-forge-sim-principal': 'app' });
    else headers.authorization = opts.auth ?? ADMIN;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(sim.url + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  const aUser = (): { accountId: string } =>
    [...sim.state.users.values()].find((u) => u.accountType === 'atlassian' && u.active && !u.emailVisible) ??
    NAMED_USERS.regular;
  const teamGroup = (): { groupId: string } | undefined =>
    [...sim.state.groups.values()].find((g) => g.name.startsWith('team-'));

  const cases: Array<
    [string, string, () => string, 'platform' | 'jsm', { app?: boolean; body?: () => unknown; auth?: string }?]
  > = [
    [
      'GET',
      '/rest/api/3/user',
      () => `/rest/api/3/user?accountId=${encodeURIComponent(aUser().accountId)}&expand=groups,applicationRoles`,
      'platform',
    ],
    ['GET', '/rest/api/3/user/search', () => '/rest/api/3/user/search?query=a&maxResults=20', 'platform'],
    ['GET', '/rest/api/3/users/search', () => '/rest/api/3/users/search?maxResults=100', 'platform'],
    [
      'GET',
      '/rest/api/3/user/bulk',
      () =>
        `/rest/api/3/user/bulk?accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}&accountId=${encodeURIComponent(aUser().accountId)}`,
      'platform',
    ],
    [
      'GET',
      '/rest/api/3/user/bulk/migration',
      () => '/rest/api/3/user/bulk/migration?username=ada.admin&username=rita.regular',
      'platform',
    ],
    [
      'GET',
      '/rest/api/3/user/groups',
      () => `/rest/api/3/user/groups?accountId=${encodeURIComponent(NAMED_USERS.siteAdmin.accountId)}`,
      'platform',
    ],
    [
      'GET',
      '/rest/api/3/user/email',
      () => `/rest/api/3/user/email?accountId=${encodeURIComponent(aUser().accountId)}`,
      'platform',
      { app: true },
    ],
    [
      'GET',
      '/rest/api/3/user/columns',
      () => `/rest/api/3/user/columns?accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`,
      'platform',
    ],
    ['GET', '/rest/api/3/group/bulk', () => '/rest/api/3/group/bulk?maxResults=10', 'platform'],
    [
      'GET',
      '/rest/api/3/group/member',
      () => `/rest/api/3/group/member?groupId=${teamGroup()?.groupId}&includeInactiveUsers=true`,
      'platform',
    ],
    ['GET', '/rest/api/3/groups/picker', () => '/rest/api/3/groups/picker?query=team', 'platform'],
    [
      'GET',
      '/rest/api/3/mypermissions',
      () => '/rest/api/3/mypermissions?permissions=ADMINISTER,USER_PICKER',
      'platform',
    ],
    ['GET', '/rest/api/3/applicationrole', () => '/rest/api/3/applicationrole', 'platform'],
    ['GET', '/rest/api/3/applicationrole/{key}', () => '/rest/api/3/applicationrole/jira-software', 'platform'],
    ['GET', '/rest/api/3/group', () => `/rest/api/3/group?groupId=${teamGroup()?.groupId}&expand=users`, 'platform'],
    ['GET', '/rest/api/3/group', () => '/rest/api/3/group?groupname=site-admins', 'platform'],
    ['GET', '/rest/api/3/myself', () => '/rest/api/3/myself?expand=groups', 'platform'],
    ['GET', '/rest/api/3/serverInfo', () => '/rest/api/3/serverInfo', 'platform'],
    [
      'POST',
      '/rest/api/3/group',
      () => '/rest/api/3/group',
      'platform',
      { body: () => ({ name: 'contract-test-group' }) },
    ],
    [
      'POST',
      '/rest/api/3/group/user',
      () => '/rest/api/3/group/user?groupname=contract-test-group',
      'platform',
      { body: () => ({ accountId: NAMED_USERS.regular.accountId }) },
    ],
    [
      'POST',
      '/rest/api/3/user',
      () => '/rest/api/3/user',
      'platform',
      {
        body: () => ({
          emailAddress: 'new.person@example.com',
          displayName: 'New Person',
          products: ['jira-software'],
        }),
      },
    ],
    ['GET', '/rest/servicedeskapi/servicedesk', () => '/rest/servicedeskapi/servicedesk?limit=2', 'jsm'],
    ['GET', '/rest/servicedeskapi/organization', () => '/rest/servicedeskapi/organization?limit=2', 'jsm'],
    [
      'GET',
      '/rest/servicedeskapi/organization/{organizationId}/user',
      () => '/rest/servicedeskapi/organization/1/user?limit=5',
      'jsm',
    ],
    [
      'GET',
      '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
      () => '/rest/servicedeskapi/servicedesk/1/customer?limit=5',
      'jsm',
    ],
    [
      'POST',
      '/rest/servicedeskapi/customer',
      () => '/rest/servicedeskapi/customer',
      'jsm',
      { body: () => ({ email: 'new.customer@clients.example.org', displayName: 'New Customer' }) },
    ],
  ];

  it.each(cases)('%s %s (success)', async (method, template, path, kind, opts = {}) => {
    const res = await call(method, path(), { app: opts.app, auth: opts.auth, body: opts.body?.() });
    expect(res.status).toBeLessThan(300);
    const validate = responseValidator(kind, method, template, res.status);
    expect(validate(res.body) ? 'valid' : explain(validate)).toBe('valid');
  });

  it('GET /rest/api/3/user/email/bulk answers an array of UnrestrictedUserEmail (the spec types one object)', async () => {
    const res = await call(
      'GET',
      `/rest/api/3/user/email/bulk?accountId=${encodeURIComponent(aUser().accountId)}&accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`,
      { app: true },
    );
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const validate = schemaValidator('platform', 'UnrestrictedUserEmail');
    for (const row of res.body as unknown[]) expect(validate(row) ? 'valid' : explain(validate)).toBe('valid');
  });

  const writes: ReadonlyArray<readonly [string, string, () => string, number, () => unknown]> = [
    [
      'PUT',
      '/rest/api/3/user/columns',
      () => `/rest/api/3/user/columns?accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`,
      200,
      () => ({ columns: ['summary', 'status'] }),
    ],
    [
      'DELETE',
      '/rest/api/3/user/columns',
      () => `/rest/api/3/user/columns?accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`,
      204,
      () => undefined,
    ],
    [
      'DELETE',
      '/rest/api/3/group/user',
      () =>
        `/rest/api/3/group/user?groupname=contract-test-group&accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`,
      200,
      () => undefined,
    ],
    ['DELETE', '/rest/api/3/group', () => '/rest/api/3/group?groupname=contract-test-group', 200, () => undefined],
    [
      'POST',
      '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
      () => '/rest/servicedeskapi/servicedesk/1/customer',
      204,
      () => ({
        accountIds: [[...sim.state.users.values()].find((u) => u.accountType === 'customer')?.accountId],
      }),
    ],
    [
      'DELETE',
      '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
      () => '/rest/servicedeskapi/servicedesk/1/customer',
      204,
      () => ({
        accountIds: [[...sim.state.users.values()].find((u) => u.accountType === 'customer')?.accountId],
      }),
    ],
  ];
  it.each(writes)('%s %s answers the documented %s', async (method, template, path, status, body) => {
    const res = await call(method, path(), { body: body() });
    expect(res.status).toBe(status);
    if (status === 204) expect(res.body).toBeUndefined();
    else {
      const validate = responseValidator('platform', method, template, status);
      expect(res.body === undefined || validate(res.body) ? 'valid' : explain(validate)).toBe('valid');
    }
  });

  it('DELETE /rest/api/3/user removes the account (site admin only)', async () => {
    const victim = [...sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.displayName.startsWith('Zoe'),
    );
    const asRegular = await call(
      'DELETE',
      `/rest/api/3/user?accountId=${encodeURIComponent(victim?.accountId ?? '')}`,
      { auth: REGULAR },
    );
    expect(asRegular.status).toBe(403);
    const res = await call('DELETE', `/rest/api/3/user?accountId=${encodeURIComponent(victim?.accountId ?? '')}`);
    expect(res.status).toBe(204);
    expect(sim.state.users.has(victim?.accountId ?? '')).toBe(false);
  });

  it.each([
    ['GET', '/rest/api/3/user', '/rest/api/3/user?accountId=nobody', 404, 'platform'],
    ['GET', '/rest/api/3/group/member', '/rest/api/3/group/member?groupname=no-such-group', 404, 'platform'],
    ['POST', '/rest/api/3/group/user', '/rest/api/3/group/user?groupname=site-admins', 400, 'platform'],
    ['GET', '/rest/api/3/users/search', '/rest/api/3/users/search', 403, 'platform'],
    [
      'GET',
      '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer',
      '/rest/servicedeskapi/servicedesk/999/customer',
      404,
      'jsm',
    ],
    ['POST', '/rest/servicedeskapi/customer', '/rest/servicedeskapi/customer', 400, 'jsm'],
    ['GET', '/rest/api/3/applicationrole/{key}', '/rest/api/3/applicationrole/no-such-role', 404, 'platform'],
    ['GET', '/rest/api/3/group', '/rest/api/3/group?groupname=no-such-group', 404, 'platform'],
    [
      'GET',
      '/rest/servicedeskapi/organization/{organizationId}/user',
      '/rest/servicedeskapi/organization/999/user',
      404,
      'jsm',
    ],
  ] as const)('%s %s error %s is Jira-shaped', async (method, template, path, status, kind) => {
    const auth = status === 403 ? basic(NAMED_USERS.noAccess.email) : ADMIN;
    const body =
      method === 'POST'
        ? kind === 'jsm'
          ? { email: 'not-an-email', displayName: 'x' }
          : { accountId: NAMED_USERS.siteAdmin.accountId }
        : undefined;
    const res = await call(method, path, { auth, body });
    expect(res.status).toBe(status);
    const validate = responseValidator(kind, method, template, status);
    expect(validate(res.body) ? 'valid' : explain(validate)).toBe('valid');
  });

  it('answers "already a member" as Jira does', async () => {
    const res = await call('POST', '/rest/api/3/group/user?groupname=site-admins', {
      body: { accountId: NAMED_USERS.siteAdmin.accountId },
    });
    expect(res).toEqual({
      status: 400,
      body: { errorMessages: ["Cannot add user. User is already a member of 'site-admins'"], errors: {} },
    });
  });

  it('requires X-ExperimentalApi: opt-in on experimental JSM methods', async () => {
    const res = await fetch(`${sim.url}/rest/servicedeskapi/servicedesk/1/customer`, {
      headers: { authorization: ADMIN },
    });
    expect(res.status).toBe(412);
  });
});
