import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';
import { SEEDED_PROJECTS, issueState } from '../../local/jira-sim/issues-model';
import { explain, responseValidator } from '../support/openapi';

/**
 * The simulator's projects and issues: every answer validates against the official OpenAPI schema; the
 * app needs `write:jira-work` to write and `read:jira-work` to read; Browse/Create project permissions and
 * Assignable user are checked; notices land in the outbox with groups expanded; search finds issues by an
 * entity property; writes to one issue are held to 20 per 2 s.
 */
describe('simulator: projects and issues', () => {
  let sim: Simulator;
  const basic = (email: string) => `Basic ${Buffer.from(`${email}:local-dev-token`).toString('base64')}`;
  const ADMIN = basic(NAMED_USERS.siteAdmin.email);
  const REGULAR = basic(NAMED_USERS.regular.email);
  const APP = 'issues-app';
  const READ_ONLY_APP = 'issues-read-only';
  beforeAll(async () => {
    sim = await startSimulator({
      seed: { users: 300, groups: 12 },
      apps: [
        { installToken: APP, scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user'] },
        { installToken: READ_ONLY_APP, scopes: ['read:jira-work', 'read:jira-user'] },
      ],
    });
  });
  afterAll(() => sim.close());

  async function call(
    method: string,
    path: string,
    opts: { auth?: string; app?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (opts.app) Object.assign(headers, { 'x-forge-sim-install': opts.app, 'x-forge-sim-principal': 'app' });
    else headers.authorization = opts.auth ?? ADMIN;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(sim.url + path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
  }
  function valid(method: string, template: string, res: { status: number; body: unknown }): string {
    const validate = responseValidator('platform', method, template, res.status);
    return validate(res.body) ? 'valid' : explain(validate);
  }
  const doc = (text: string) => ({
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
  });
  const assignable = () =>
    [...sim.state.users.values()].find(
      (u) =>
        u.active &&
        u.accountType === 'atlassian' &&
        [...sim.state.groups.values()].some((g) => g.name === 'jira-software-users' && g.members.has(u.accountId)) &&
        u.accountId !== NAMED_USERS.siteAdmin.accountId,
    );

  async function createAsApp(extra: Record<string, unknown> = {}, properties?: unknown[]) {
    return call('POST', '/rest/api/3/issue', {
      app: APP,
      body: {
        fields: {
          project: { key: SEEDED_PROJECTS.ops.key },
          issuetype: { name: 'Task' },
          summary: 'Credential of Deploy_Func_A1B2C3D4 expires in 29 days',
          ...extra,
        },
        ...(properties ? { properties } : {}),
      },
    });
  }

  it('lists projects the caller can browse, and the app only those that keep its role', async () => {
    const admin = await call('GET', '/rest/api/3/project/search?maxResults=50&expand=issueTypes');
    expect(admin.status).toBe(200);
    expect(valid('GET', '/rest/api/3/project/search', admin)).toBe('valid');
    const keys = (r: { body: unknown }) => (r.body as { values: Array<{ key: string }> }).values.map((p) => p.key);
    expect(keys(admin)).toEqual(expect.arrayContaining(['OPS', 'PEOP', 'IDEA', 'ITH']));
    const app = await call('GET', '/rest/api/3/project/search', { app: APP });
    expect(keys(app)).toContain('OPS');
    expect(keys(app)).not.toContain('PEOP');
    const regular = await call('GET', '/rest/api/3/project/search', { auth: REGULAR });
    expect(keys(regular)).toEqual(['OPS']);
  });

  it('createmeta offers the issue types only where the caller may create, and mypermissions says why', async () => {
    const ops = await call('GET', '/rest/api/3/issue/createmeta/OPS/issuetypes', { app: APP });
    expect(ops.status).toBe(200);
    expect(valid('GET', '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', ops)).toBe('valid');
    expect((ops.body as { issueTypes: Array<{ name: string }> }).issueTypes.map((t) => t.name)).toEqual([
      'Task',
      'Bug',
    ]);
    const peop = await call('GET', '/rest/api/3/issue/createmeta/PEOP/issuetypes', { app: APP });
    expect(peop.status).toBe(400);
    const perms = await call(
      'GET',
      '/rest/api/3/mypermissions?projectKey=PEOP&permissions=BROWSE_PROJECTS,CREATE_ISSUES',
      { app: APP },
    );
    expect(perms.status).toBe(200);
    expect(valid('GET', '/rest/api/3/mypermissions', perms)).toBe('valid');
    const held = (perms.body as { permissions: Record<string, { havePermission: boolean }> }).permissions;
    expect([held.BROWSE_PROJECTS?.havePermission, held.CREATE_ISSUES?.havePermission]).toEqual([false, false]);
    const opsPerms = await call(
      'GET',
      '/rest/api/3/mypermissions?projectKey=OPS&permissions=BROWSE_PROJECTS,CREATE_ISSUES',
      { app: APP },
    );
    const opsHeld = (opsPerms.body as { permissions: Record<string, { havePermission: boolean }> }).permissions;
    expect([opsHeld.BROWSE_PROJECTS?.havePermission, opsHeld.CREATE_ISSUES?.havePermission]).toEqual([true, true]);
    const unknown = await call('GET', '/rest/api/3/mypermissions?projectKey=NOPE&permissions=CREATE_ISSUES');
    expect(unknown.status).toBe(404);
  });

  it('creates an issue as the app with an entity property, assigned to an assignable user; get returns it', async () => {
    const owner = assignable();
    const created = await createAsApp({ assignee: { accountId: owner?.accountId } }, [
      { key: 'jua-escalation', value: { cycle: 'acc-1:cred-1:2026-12-30', kind: 'expiry' } },
    ]);
    expect(created.status).toBe(201);
    expect(valid('POST', '/rest/api/3/issue', created)).toBe('valid');
    const { key } = created.body as { key: string };
    expect(key).toMatch(/^OPS-\d+$/);
    const got = await call('GET', `/rest/api/3/issue/${key}?properties=jua-escalation`, { app: APP });
    expect(got.status).toBe(200);
    expect(valid('GET', '/rest/api/3/issue/{issueIdOrKey}', got)).toBe('valid');
    const issue = got.body as {
      fields: { assignee: { accountId: string }; status: { name: string }; reporter: { accountId: string } };
      properties: Record<string, unknown>;
    };
    expect(issue.fields.assignee.accountId).toBe(owner?.accountId);
    expect(issue.fields.reporter.accountId).toBe(NAMED_USERS.app.accountId);
    expect(issue.fields.status.name).toBe('To Do');
    expect(issue.properties['jua-escalation']).toEqual({ cycle: 'acc-1:cred-1:2026-12-30', kind: 'expiry' });
    const prop = await call('GET', `/rest/api/3/issue/${key}/properties/jua-escalation`, { app: APP });
    expect(valid('GET', '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', prop)).toBe('valid');
  });

  it('refuses what Jira refuses: no write scope, no create permission, an unassignable assignee, a bad body', async () => {
    const readOnly = await call('POST', '/rest/api/3/issue', {
      app: READ_ONLY_APP,
      body: { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'x' } },
    });
    expect(readOnly.status).toBe(401);
    const peop = await call('POST', '/rest/api/3/issue', {
      app: APP,
      body: { fields: { project: { key: 'PEOP' }, issuetype: { name: 'Task' }, summary: 'x' } },
    });
    expect(peop.status).toBe(400);
    expect((peop.body as { errors: Record<string, string> }).errors.project).toBeDefined();
    const regularPeop = await call('POST', '/rest/api/3/issue', {
      auth: basic(NAMED_USERS.jiraAdmin.email),
      body: { fields: { project: { key: 'IDEA' }, issuetype: { name: 'Task' }, summary: 'x' } },
    });
    expect(regularPeop.status).toBe(400);
    expect((regularPeop.body as { errors: Record<string, string> }).errors.issuetype).toBeDefined();
    const appUser = await createAsApp({ assignee: { accountId: NAMED_USERS.app.accountId } });
    expect(appUser.status).toBe(400);
    expect(valid('POST', '/rest/api/3/issue', appUser)).toBe('valid');
    expect((appUser.body as { errors: Record<string, string> }).errors.assignee).toContain('cannot be assigned');
    const noSummary = await createAsApp({ summary: '  ' });
    expect(noSummary.status).toBe(400);
    const before = issueState(sim.state).issues.size;
    const unknownField = await createAsApp({ customfield_1: 'x' });
    expect(unknownField.status).toBe(400);
    expect(issueState(sim.state).issues.size).toBe(before);
  });

  it('comments, transitions to done with a comment, and lists transitions', async () => {
    const { key } = (await createAsApp()).body as { key: string };
    const comment = await call('POST', `/rest/api/3/issue/${key}/comment`, {
      app: APP,
      body: { body: doc('7 days left') },
    });
    expect(comment.status).toBe(201);
    expect(valid('POST', '/rest/api/3/issue/{issueIdOrKey}/comment', comment)).toBe('valid');
    const empty = await call('POST', `/rest/api/3/issue/${key}/comment`, { app: APP, body: { body: doc(' ') } });
    expect(empty.status).toBe(400);
    const list = await call('GET', `/rest/api/3/issue/${key}/transitions`, { app: APP });
    expect(valid('GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', list)).toBe('valid');
    const done = (
      list.body as { transitions: Array<{ id: string; to: { statusCategory: { key: string } } }> }
    ).transitions.find((t) => t.to.statusCategory.key === 'done');
    expect(done).toBeDefined();
    const moved = await call('POST', `/rest/api/3/issue/${key}/transitions`, {
      app: APP,
      body: { transition: { id: done?.id }, update: { comment: [{ add: { body: doc('Rotated') } }] } },
    });
    expect(moved.status).toBe(204);
    const again = await call('POST', `/rest/api/3/issue/${key}/transitions`, {
      app: APP,
      body: { transition: { id: done?.id } },
    });
    expect(again.status).toBe(400);
    const got = await call('GET', `/rest/api/3/issue/${key}?fields=status,comment,resolutiondate`, { app: APP });
    const f = (got.body as { fields: { status: { name: string }; comment: { total: number }; resolutiondate: string } })
      .fields;
    expect([f.status.name, f.comment.total, typeof f.resolutiondate]).toEqual(['Done', 2, 'string']);
    const comments = await call('GET', `/rest/api/3/issue/${key}/comment`, { app: APP });
    expect(valid('GET', '/rest/api/3/issue/{issueIdOrKey}/comment', comments)).toBe('valid');
  });

  it('notify queues one email per call to the named users and the active members of named groups', async () => {
    const owner = assignable();
    const { key, id } = (await createAsApp({ assignee: { accountId: owner?.accountId } })).body as {
      key: string;
      id: string;
    };
    const outbox = issueState(sim.state).outbox;
    const before = outbox.length;
    const res = await call('POST', `/rest/api/3/issue/${key}/notify`, {
      app: APP,
      body: {
        subject: 'Credential expires in 7 days',
        textBody: 'Rotate it',
        to: { users: [{ accountId: owner?.accountId }], groups: [{ name: 'jira-administrators' }] },
      },
    });
    expect(res.status).toBe(204);
    expect(outbox.length).toBe(before + 1);
    const entry = outbox[outbox.length - 1];
    expect(entry?.issueId).toBe(id);
    expect(entry?.subject).toBe('Credential expires in 7 days');
    expect(entry?.sentBy).toBe(NAMED_USERS.app.accountId);
    expect(entry?.recipients).toEqual(
      expect.arrayContaining([owner?.accountId, NAMED_USERS.siteAdmin.accountId, NAMED_USERS.jiraAdmin.accountId]),
    );
    expect(entry?.requested.groups).toEqual(['jira-administrators']);
    const unknownGroup = await call('POST', `/rest/api/3/issue/${key}/notify`, {
      app: APP,
      body: { to: { groups: [{ name: 'no-such-group' }] } },
    });
    expect(unknownGroup.status).toBe(400);
    expect(valid('POST', '/rest/api/3/issue/{issueIdOrKey}/notify', unknownGroup)).toBe('valid');
    expect(outbox.length).toBe(before + 1);
    const missing = await call('POST', '/rest/api/3/issue/OPS-99999/notify', { app: APP, body: { to: {} } });
    expect(missing.status).toBe(404);
  });

  it('search/jql finds the app’s issues by entity property (GET and POST), paged by token', async () => {
    for (let i = 0; i < 3; i += 1)
      await createAsApp({}, [{ key: 'jua-search', value: { cycle: `c-${i}`, app: 'jua' } }]);
    const post = await call('POST', '/rest/api/3/search/jql', {
      app: APP,
      body: {
        jql: 'project = OPS AND issue.property[jua-search].cycle = "c-1"',
        fields: ['summary', 'status'],
        properties: ['jua-search'],
      },
    });
    expect(post.status).toBe(200);
    expect(valid('POST', '/rest/api/3/search/jql', post)).toBe('valid');
    const issues = (post.body as { issues: Array<{ properties: Record<string, { cycle: string }> }> }).issues;
    expect(issues.map((i) => i.properties['jua-search']?.cycle)).toEqual(['c-1']);
    const paged = await call(
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('issue.property[jua-search].app = jua ORDER BY created ASC')}&maxResults=2`,
      { app: APP },
    );
    expect(valid('GET', '/rest/api/3/search/jql', paged)).toBe('valid');
    const first = paged.body as { issues: unknown[]; isLast: boolean; nextPageToken: string };
    expect([first.issues.length, first.isLast]).toEqual([2, false]);
    const second = await call(
      'GET',
      `/rest/api/3/search/jql?jql=${encodeURIComponent('issue.property[jua-search].app = jua ORDER BY created ASC')}&maxResults=2&nextPageToken=${first.nextPageToken}`,
      { app: APP },
    );
    expect((second.body as { issues: unknown[]; isLast: boolean }).issues.length).toBe(1);
    const unbounded = await call('GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('order by key')}`, {
      app: APP,
    });
    expect(unbounded.status).toBe(400);
    const unknownField = await call('POST', '/rest/api/3/search/jql', { app: APP, body: { jql: 'nosuch = 1' } });
    expect(unknownField.status).toBe(400);
  });

  it('search honours index lag unless the issue is reconciled', async () => {
    const s = issueState(sim.state);
    s.searchLagMs = 60_000;
    try {
      const { id } = (await createAsApp({}, [{ key: 'jua-lag', value: { cycle: 'lagged' } }])).body as { id: string };
      const jql = 'issue.property[jua-lag].cycle = lagged';
      const hidden = await call('POST', '/rest/api/3/search/jql', { app: APP, body: { jql } });
      expect((hidden.body as { issues: unknown[] }).issues).toHaveLength(0);
      const reconciled = await call('POST', '/rest/api/3/search/jql', {
        app: APP,
        body: { jql, reconcileIssues: [Number(id)] },
      });
      expect((reconciled.body as { issues: unknown[] }).issues).toHaveLength(1);
    } finally {
      s.searchLagMs = 0;
    }
  });

  it('holds writes to one issue to 20 per 2 s (429, jira-per-issue-on-write) without touching other issues', async () => {
    const { key } = (await createAsApp()).body as { key: string };
    const { key: other } = (await createAsApp()).body as { key: string };
    const statuses: number[] = [];
    let refusal: Headers | undefined;
    for (let i = 0; i < 21; i += 1) {
      const res = await call('PUT', `/rest/api/3/issue/${key}/properties/counter`, { app: APP, body: { n: i } });
      statuses.push(res.status);
      if (res.status === 429) refusal = res.headers;
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses[20]).toBe(429);
    expect(refusal?.get('RateLimit-Reason')).toBe('jira-per-issue-on-write');
    expect(Number(refusal?.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    const otherIssue = await call('PUT', `/rest/api/3/issue/${other}/properties/counter`, { app: APP, body: { n: 0 } });
    expect(otherIssue.status).toBe(201);
    const prop = await call('GET', `/rest/api/3/issue/${key}/properties/counter`, { app: APP });
    expect((prop.body as { value: { n: number } }).value.n).toBe(19);
  });

  it('hides issues from callers who cannot browse the project (404, never "forbidden")', async () => {
    const { key } = (await createAsApp()).body as { key: string };
    const res = await call('GET', `/rest/api/3/issue/${key}`, { auth: basic(NAMED_USERS.noAccess.email) });
    expect(res.status).toBe(404);
    expect(valid('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toBe('valid');
  });
});
