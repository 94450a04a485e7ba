import { RATE_LIMITS_OFF } from '../../local/jira-sim/rate-limit';
import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import { explain, responseValidator } from '../support/openapi';

/**
 * Where the simulator used to answer differently from the official specs (issue 11, item 7), it now
 * answers as they document: parameter validation, status codes and bodies, endpoint by endpoint. Each
 * test names the operation and the spec text it follows; local/jira-sim/FIDELITY.md lists them all.
 */
describe('simulator fidelity to the documented behaviour', () => {
  let sim: Simulator;
  const basic = (email: string) => `Basic ${Buffer.from(`${email}:local-dev-token`).toString('base64')}`;
  const ADMIN = basic(NAMED_USERS.siteAdmin.email);
  const REGULAR = basic(NAMED_USERS.regular.email);
  const NO_ACCESS = basic(NAMED_USERS.noAccess.email);
  const APP_TOKEN = 'fidelity-app';
  beforeAll(async () => {
    sim = await startSimulator({
      seed: { users: 300, groups: 20 },
      // Shapes and statuses, not limits (simulator-limits.test.ts): the 5/s customer-list burst would bite.
      rateLimits: RATE_LIMITS_OFF,
      apps: [
        { installToken: APP_TOKEN, scopes: ['read:email-address:jira', 'read:jira-user', 'read:servicedesk-request'] },
      ],
    });
  });
  afterAll(() => sim.close());

  interface Call {
    auth?: string | null;
    asUser?: string;
    body?: unknown;
    raw?: { type: string; text: string };
  }
  async function call(method: string, path: string, opts: Call = {}) {
    const headers: Record<string, string> = { 'X-ExperimentalApi': 'opt-in' };
    if (opts.asUser)
      Object.assign(headers, { 'x-forge-sim-install': APP_TOKEN, 'x-forge-sim-principal': `user:${opts.asUser}` });
    else if (opts.auth !== null) headers.authorization = opts.auth ?? ADMIN;
    let body: string | undefined;
    if (opts.raw) {
      headers['content-type'] = opts.raw.type;
      body = opts.raw.text;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(sim.url + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  /** The answer has a status the spec documents for the operation, in the documented shape. */
  function expectDocumented(
    res: { status: number; body: unknown },
    kind: 'platform' | 'jsm',
    method: string,
    template: string,
  ) {
    const validate = responseValidator(kind, method, template, res.status);
    expect(res.body === undefined || validate(res.body) ? 'valid' : explain(validate)).toBe('valid');
  }
  const enc = encodeURIComponent;

  describe('authentication', () => {
    it('refuses a Bearer token it did not issue with 401 instead of serving it anonymously', async () => {
      const res = await call('GET', '/rest/api/3/serverInfo', { auth: 'Bearer not-a-real-token' });
      expect(res.status).toBe(401);
      expectDocumented(res, 'platform', 'GET', '/rest/api/3/serverInfo');
      expect((await call('GET', '/rest/api/3/mypermissions?permissions=ADMINISTER', { auth: 'Token x' })).status).toBe(
        401,
      );
    });

    it('still serves a request with no credentials at all anonymously', async () => {
      const res = await call('GET', '/rest/api/3/serverInfo', { auth: null });
      expect(res.status).toBe(200);
    });
  });

  describe('GET /rest/api/3/user/search', () => {
    it('answers 400 when both query and accountId are given (spec: "`query` and `accountId` are provided")', async () => {
      const res = await call(
        'GET',
        `/rest/api/3/user/search?query=rita&accountId=${enc(NAMED_USERS.regular.accountId)}`,
      );
      expect(res.status).toBe(400);
      expectDocumented(res, 'platform', 'GET', '/rest/api/3/user/search');
    });

    it('answers 400 for a property that is not `key.path=value`, and matches nobody for a valid one', async () => {
      expect((await call('GET', '/rest/api/3/user/search?property=nokeyvalue')).status).toBe(400);
      expect((await call('GET', '/rest/api/3/user/search?property=%3D1')).status).toBe(400);
      const valid = await call('GET', '/rest/api/3/user/search?property=prefs.theme%3Ddark');
      expect(valid).toEqual({ status: 200, body: [] });
    });

    it('refuses a negative startAt or maxResults; maxResults=0 is an empty list', async () => {
      expect((await call('GET', '/rest/api/3/user/search?query=a&startAt=-1')).status).toBe(400);
      expect((await call('GET', '/rest/api/3/user/search?query=a&maxResults=-5')).status).toBe(400);
      expect(await call('GET', '/rest/api/3/user/search?query=a&maxResults=0')).toEqual({ status: 200, body: [] });
    });
  });

  describe('GET /rest/api/3/mypermissions', () => {
    it('answers 400 (not 404) for an unknown permission key, prototype names included', async () => {
      for (const key of ['NOT_A_PERMISSION', 'constructor', 'BROWSE']) {
        const res = await call('GET', `/rest/api/3/mypermissions?permissions=ADMINISTER,${key}`);
        expect(res.status).toBe(400);
        expectDocumented(res, 'platform', 'GET', '/rest/api/3/mypermissions');
      }
    });

    it('answers a project permission such as BROWSE_PROJECTS with type PROJECT (the spec’s own example)', async () => {
      const url = '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS,EDIT_ISSUES,ADMINISTER_PROJECTS,BULK_CHANGE';
      const regular = await call('GET', url, { auth: REGULAR });
      expect(regular.status).toBe(200);
      expectDocumented(regular, 'platform', 'GET', '/rest/api/3/mypermissions');
      const perms = (regular.body as { permissions: Record<string, { type: string; havePermission: boolean }> })
        .permissions;
      expect(perms.BROWSE_PROJECTS).toMatchObject({ key: 'BROWSE_PROJECTS', type: 'PROJECT', havePermission: true });
      expect(perms.EDIT_ISSUES).toMatchObject({ type: 'PROJECT', havePermission: true });
      expect(perms.ADMINISTER_PROJECTS).toMatchObject({ type: 'PROJECT', havePermission: false });
      expect(perms.BULK_CHANGE).toMatchObject({ type: 'GLOBAL', havePermission: true });
      const noAccess = await call('GET', url, { auth: NO_ACCESS });
      const none = (noAccess.body as { permissions: Record<string, { havePermission: boolean }> }).permissions;
      expect(Object.values(none).map((p) => p.havePermission)).toEqual([false, false, false, false]);
      const admin = await call('GET', url);
      expect(
        (admin.body as { permissions: Record<string, { havePermission: boolean }> }).permissions.ADMINISTER_PROJECTS,
      ).toMatchObject({ havePermission: true });
    });

    it('answers 404 for an unknown project and 400 for commentId with another key than BROWSE_PROJECTS', async () => {
      expect((await call('GET', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=ITH')).status).toBe(
        200,
      );
      const unknown = await call('GET', '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=NOPE');
      expect(unknown.status).toBe(404);
      expectDocumented(unknown, 'platform', 'GET', '/rest/api/3/mypermissions');
      const comment = await call('GET', '/rest/api/3/mypermissions?permissions=EDIT_ISSUES&commentId=10000');
      expect(comment.status).toBe(400);
    });
  });

  describe('Jira Service Management', () => {
    const customerOf = (deskId: string) =>
      [...(sim.state.serviceDesks.get(deskId)?.customers ?? [])].find((id) => sim.state.users.get(id)?.active);
    const freshCustomer = (deskId: string) =>
      [...sim.state.users.values()].find(
        (u) =>
          u.accountType === 'customer' && u.active && !sim.state.serviceDesks.get(deskId)?.customers.has(u.accountId),
      )?.accountId as string;

    it('adds the valid customers and answers 400 when one account among them does not exist', async () => {
      const valid = freshCustomer('1');
      const res = await call('POST', '/rest/servicedeskapi/servicedesk/1/customer', {
        body: { accountIds: [valid, 'qm:no-such-account'] },
      });
      expect(res.status).toBe(400);
      expectDocumented(res, 'jsm', 'POST', '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer');
      expect(sim.state.serviceDesks.get('1')?.customers.has(valid)).toBe(true);
    });

    it('removes customers with 204 even when an account id names no account (not associated: no change)', async () => {
      const present = customerOf('2') as string;
      const res = await call('DELETE', '/rest/servicedeskapi/servicedesk/2/customer', {
        body: { accountIds: [present, 'qm:no-such-account'] },
      });
      expect(res.status).toBe(204);
      expect(sim.state.serviceDesks.get('2')?.customers.has(present)).toBe(false);
    });

    it('lists to a regular user the desks they can access (a filtered list, not 403)', async () => {
      const res = await call('GET', '/rest/servicedeskapi/servicedesk', { auth: REGULAR });
      expect(res.status).toBe(200);
      expectDocumented(res, 'jsm', 'GET', '/rest/servicedeskapi/servicedesk');
      expect((res.body as { values: Array<{ projectKey: string }> }).values.map((d) => d.projectKey)).toEqual(['FAC']);
      const customer = customerOf('1') as string;
      const own = await call('GET', '/rest/servicedeskapi/servicedesk', { asUser: customer });
      const keys = (own.body as { values: Array<{ projectKey: string }> }).values.map((d) => d.projectKey);
      expect(keys).toContain('ITH');
      expect(keys).toContain('FAC');
      const all = await call('GET', '/rest/servicedeskapi/servicedesk');
      expect((all.body as { size: number }).size).toBe(3);
    });

    it('reads strictConflictStatusCode as a boolean in any letter case (409 for an email already in use)', async () => {
      const body = { email: NAMED_USERS.regular.email, displayName: 'Again' };
      expect((await call('POST', '/rest/servicedeskapi/customer?strictConflictStatusCode=TRUE', { body })).status).toBe(
        409,
      );
      expect((await call('POST', '/rest/servicedeskapi/customer', { body })).status).toBe(400);
    });

    it('answers 403 for a desk the caller cannot access, and finds a desk by its project key or id', async () => {
      const closed = await call('GET', '/rest/servicedeskapi/servicedesk/1', { auth: REGULAR });
      expect(closed.status).toBe(403);
      expectDocumented(closed, 'jsm', 'GET', '/rest/servicedeskapi/servicedesk/{serviceDeskId}');
      const byKey = await call('GET', '/rest/servicedeskapi/servicedesk/ITH');
      expect(byKey.status).toBe(200);
      expect(byKey.body).toMatchObject({ id: '1', projectKey: 'ITH' });
      expect((await call('GET', '/rest/servicedeskapi/servicedesk/10001')).body).toMatchObject({ id: '2' });
      expect((await call('GET', '/rest/servicedeskapi/servicedesk/HRS/customer?limit=1')).status).toBe(200);
    });
  });

  describe('GET /rest/api/3/group/bulk', () => {
    it.each(['', 'owner', 'SITE-ADMIN'])(
      'answers 400 for accessType=%p (valid: site-admin, admin, user)',
      async (v) => {
        const res = await call('GET', `/rest/api/3/group/bulk?accessType=${v}`);
        expect(res.status).toBe(400);
        expectDocumented(res, 'platform', 'GET', '/rest/api/3/group/bulk');
      },
    );

    it('filters by a valid accessType, and answers an empty page for a documented product the site lacks', async () => {
      const admin = await call('GET', '/rest/api/3/group/bulk?accessType=site-admin');
      expect((admin.body as { values: Array<{ name: string }> }).values.map((g) => g.name)).toEqual(['site-admins']);
      const core = await call('GET', '/rest/api/3/group/bulk?applicationKey=jira-core');
      expect(core.status).toBe(200);
      expect((core.body as { values: unknown[] }).values).toEqual([]);
      expect((await call('GET', '/rest/api/3/group/bulk?applicationKey=confluence')).status).toBe(400);
    });
  });

  describe('paging never loops', () => {
    const regularId = enc(NAMED_USERS.regular.accountId);
    const jswGroup = () => [...sim.state.groups.values()].find((g) => g.name === 'jira-software-users')?.groupId;
    it.each([
      ['/rest/api/3/group/bulk?startAt=-1', 'platform'],
      ['/rest/api/3/group/bulk?maxResults=0', 'platform'],
      ['/rest/api/3/group/bulk?maxResults=-3', 'platform'],
      [`/rest/api/3/user/bulk?accountId=${regularId}&maxResults=0`, 'platform'],
      [`/rest/api/3/user/bulk?accountId=${regularId}&startAt=-10`, 'platform'],
      ['/rest/api/3/users/search?startAt=-1', 'platform'],
      ['/rest/api/3/user/bulk/migration?username=rita.regular&startAt=-1', 'platform'],
      ['/rest/servicedeskapi/servicedesk?limit=0', 'jsm'],
      ['/rest/servicedeskapi/servicedesk?start=-1', 'jsm'],
      ['/rest/servicedeskapi/servicedesk/1/customer?limit=-1', 'jsm'],
    ] as const)('%s answers 400', async (path, kind) => {
      const res = await call('GET', path);
      expect(res.status).toBe(400);
      if (kind === 'jsm') expect(res.body).toMatchObject({ errorMessage: expect.any(String) });
      else expect(res.body).toMatchObject({ errorMessages: [expect.any(String)] });
    });

    it.each(['1e3', '0x10', '2.0', ' 5'])('reads maxResults=%p as Java does: not an integer, 400', async (v) => {
      expect((await call('GET', `/rest/api/3/group/bulk?maxResults=${enc(v)}`)).status).toBe(400);
    });

    it('reads booleans in any letter case (includeInactiveUsers=TRUE)', async () => {
      const group = [...sim.state.groups.values()].find((g) =>
        [...g.members].some((id) => sim.state.users.get(id)?.active === false),
      );
      const total = async (flag: string) =>
        (
          (await call('GET', `/rest/api/3/group/member?groupId=${group?.groupId}&includeInactiveUsers=${flag}`))
            .body as {
            total: number;
          }
        ).total;
      expect(await total('TRUE')).toBe(await total('true'));
      expect(await total('TRUE')).toBeGreaterThan(await total('false'));
    });

    it('group/member refuses startAt=-1 and maxResults=0, and its nextPage links reach the last page', async () => {
      expect((await call('GET', `/rest/api/3/group/member?groupId=${jswGroup()}&startAt=-1`)).status).toBe(400);
      expect((await call('GET', `/rest/api/3/group/member?groupId=${jswGroup()}&maxResults=0`)).status).toBe(400);
      let next: string | undefined = `/rest/api/3/group/member?groupId=${jswGroup()}&maxResults=50`;
      let pages = 0;
      let seen = 0;
      let total = 0;
      while (next && pages < 100) {
        const page = await call('GET', next);
        const body = page.body as { values: unknown[]; nextPage?: string; total: number; isLast: boolean };
        pages += 1;
        seen += body.values.length;
        total = body.total;
        next = body.nextPage?.replace(sim.url, '');
        expect(body.isLast).toBe(next === undefined);
      }
      expect(seen).toBe(total);
      expect(pages).toBe(Math.ceil(total / 50));
    });
  });

  describe('page links continue the same list', () => {
    it('group/bulk nextPage keeps the caller’s filters', async () => {
      const full = await call('GET', '/rest/api/3/group/bulk?accessType=user&maxResults=1000');
      const expected = (full.body as { values: Array<{ name: string }> }).values.map((g) => g.name);
      expect(expected.length).toBeGreaterThan(1);
      const seen: string[] = [];
      let next: string | undefined = '/rest/api/3/group/bulk?accessType=user&maxResults=1';
      while (next && seen.length <= expected.length) {
        const body = (await call('GET', next)).body as { values: Array<{ name: string }>; nextPage?: string };
        seen.push(...body.values.map((g) => g.name));
        next = body.nextPage?.replace(sim.url, '');
      }
      expect(seen).toEqual(expected);
    });

    it('JSM next links keep `query`, and _links.base is the servicedeskapi base URL', async () => {
      const full = await call('GET', '/rest/servicedeskapi/servicedesk/1/customer?query=customer&limit=50');
      const expected = (full.body as { values: Array<{ accountId: string }> }).values.map((u) => u.accountId);
      const seen: string[] = [];
      let next: string | undefined = '/rest/servicedeskapi/servicedesk/1/customer?query=customer&limit=3';
      while (next && seen.length <= expected.length) {
        const res = await call('GET', next);
        expectDocumented(res, 'jsm', 'GET', '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer');
        const body = res.body as { values: Array<{ accountId: string }>; _links: { next?: string; base: string } };
        expect(body._links.base).toBe(`${sim.url}/rest/servicedeskapi`);
        seen.push(...body.values.map((u) => u.accountId));
        next = body._links.next?.replace(sim.url, '');
      }
      expect(seen).toEqual(expected);
    });
  });

  it('answers 405 with Allow for a known resource called with a method it does not take', async () => {
    const res = await fetch(`${sim.url}/rest/api/3/group`, { method: 'PUT', headers: { authorization: ADMIN } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, DELETE'); // GET is the deprecated getGroup (issue 17);
    expect((await call('GET', '/rest/api/3/no-such-resource')).status).toBe(404);
  });

  describe('GET /rest/api/3/users (Get all users default)', () => {
    it('exists, needs Browse users and groups, and answers the same list as users/search', async () => {
      const res = await call('GET', '/rest/api/3/users?maxResults=20');
      expect(res.status).toBe(200);
      expectDocumented(res, 'platform', 'GET', '/rest/api/3/users');
      expect(res.body).toEqual((await call('GET', '/rest/api/3/users/search?maxResults=20')).body);
      const denied = await call('GET', '/rest/api/3/users', { auth: NO_ACCESS });
      expect(denied.status).toBe(403);
      expectDocumented(denied, 'platform', 'GET', '/rest/api/3/users');
    });
  });

  describe('GET /rest/api/3/user/email and user/email/bulk', () => {
    it('answer 401 to a user (spec: "for example if a user is trying to access this API")', async () => {
      const one = await call('GET', `/rest/api/3/user/email?accountId=${enc(NAMED_USERS.regular.accountId)}`);
      expect(one.status).toBe(401);
      expectDocumented(one, 'platform', 'GET', '/rest/api/3/user/email');
      const bulk = await call('GET', `/rest/api/3/user/email/bulk?accountId=${enc(NAMED_USERS.regular.accountId)}`);
      expect(bulk.status).toBe(401);
    });
  });

  describe('/rest/api/3/user/columns', () => {
    const path = `/rest/api/3/user/columns?accountId=${enc(NAMED_USERS.regular.accountId)}`;
    const columns = async () => ((await call('GET', path)).body as Array<{ value: string }>).map((c) => c.value);

    it('takes the documented form data (urlencoded and multipart)', async () => {
      const form = await call('PUT', path, {
        raw: { type: 'application/x-www-form-urlencoded', text: 'columns=summary&columns=description' },
      });
      expect(form.status).toBe(200);
      expect(await columns()).toEqual(['summary', 'description']);
      const boundary = 'xYzZY';
      const text = `--${boundary}\r\nContent-Disposition: form-data; name="columns"\r\n\r\nstatus\r\n--${boundary}--\r\n`;
      const multi = await call('PUT', path, { raw: { type: `multipart/form-data; boundary=${boundary}`, text } });
      expect(multi.status).toBe(200);
      expect(await columns()).toEqual(['status']);
    });

    it('removes all columns when none are sent, and answers 500 for an invalid column id', async () => {
      expect((await call('PUT', path, { body: { columns: [] } })).status).toBe(200);
      expect(await columns()).toEqual([]);
      const invalid = await call('PUT', path, { body: { columns: ['summary', 'no-such-column'] } });
      expect(invalid.status).toBe(500);
      expectDocumented(invalid, 'platform', 'PUT', '/rest/api/3/user/columns');
      expect(await columns()).toEqual([]);
      expect((await call('PUT', path, { body: { columns: ['customfield_10010'] } })).status).toBe(200);
    });

    it('needs permission to access Jira even for the caller’s own columns', async () => {
      const res = await call('GET', '/rest/api/3/user/columns', { auth: NO_ACCESS });
      expect(res.status).toBe(403);
      expect((await call('GET', '/rest/api/3/user/columns', { auth: REGULAR })).status).toBe(200);
    });
  });

  describe('POST /rest/api/3/user', () => {
    it('answers 400 when a requested product has no seat left ("the number of licensed users is exceeded")', async () => {
      const role = sim.state.applicationRoles.find((r) => r.key === 'jira-product-discovery');
      const seats = role?.numberOfSeats ?? 0;
      if (role) role.numberOfSeats = 0;
      try {
        const res = await call('POST', '/rest/api/3/user', {
          body: { emailAddress: 'no.seat@example.com', products: ['jira-product-discovery'] },
        });
        expect(res.status).toBe(400);
        expectDocumented(res, 'platform', 'POST', '/rest/api/3/user');
        expect([...sim.state.users.values()].some((u) => u.email === 'no.seat@example.com')).toBe(false);
      } finally {
        if (role) role.numberOfSeats = seats;
      }
    });
  });

  describe('DELETE /rest/api/3/user', () => {
    it('answers 400 for an app account ("the user cannot be removed") and keeps it', async () => {
      const res = await call('DELETE', `/rest/api/3/user?accountId=${enc(NAMED_USERS.app.accountId)}`);
      expect(res.status).toBe(400);
      expectDocumented(res, 'platform', 'DELETE', '/rest/api/3/user');
      expect(sim.state.users.has(NAMED_USERS.app.accountId)).toBe(true);
    });
  });

  describe('GET /rest/api/3/groups/picker', () => {
    const names = (body: unknown) => (body as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
    it('returns nothing to anonymous callers or callers without Browse projects', async () => {
      const anon = await call('GET', '/rest/api/3/groups/picker?query=site-admins', { auth: null });
      expect(anon.status).toBe(200);
      expect(anon.body).toMatchObject({ total: 0, groups: [] });
      expectDocumented(anon, 'platform', 'GET', '/rest/api/3/groups/picker');
      expect(
        names((await call('GET', '/rest/api/3/groups/picker?query=site-admins', { auth: NO_ACCESS })).body),
      ).toEqual([]);
    });

    it('matches case-sensitively unless caseInsensitive=true, and honours excludeId', async () => {
      expect(names((await call('GET', '/rest/api/3/groups/picker?query=SITE')).body)).toEqual([]);
      expect(names((await call('GET', '/rest/api/3/groups/picker?query=SITE&caseInsensitive=true')).body)).toEqual([
        'site-admins',
      ]);
      const siteAdmins = [...sim.state.groups.values()].find((g) => g.name === 'site-admins')?.groupId as string;
      expect(names((await call('GET', `/rest/api/3/groups/picker?query=site&excludeId=${siteAdmins}`)).body)).toEqual(
        [],
      );
    });
  });

  describe('DELETE /rest/api/3/group', () => {
    it('refuses swapGroup together with swapGroupId, and an unknown swap group, without deleting', async () => {
      await call('POST', '/rest/api/3/group', { body: { name: 'fidelity-doomed' } });
      const both = await call('DELETE', '/rest/api/3/group?groupname=fidelity-doomed&swapGroup=a&swapGroupId=b');
      expect(both.status).toBe(400);
      expectDocumented(both, 'platform', 'DELETE', '/rest/api/3/group');
      const unknown = await call('DELETE', '/rest/api/3/group?groupname=fidelity-doomed&swapGroup=no-such-group');
      expect(unknown.status).toBe(404);
      expect([...sim.state.groups.values()].some((g) => g.name === 'fidelity-doomed')).toBe(true);
      expect((await call('DELETE', '/rest/api/3/group?groupname=fidelity-doomed&swapGroup=site-admins')).status).toBe(
        200,
      );
    });
  });
});
