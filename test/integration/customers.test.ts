import type {
  BulkJobView,
  DeskCustomersPage,
  Envelope,
  ProvisionResult,
  ServiceDeskPage,
  AuditPage,
  BulkItemsPage,
  BulkPreview,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('Jira Service Management customers through the resolvers', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}, as: string = ADMIN) =>
    invokeAs<Envelope<T>>(site, as, key, payload);
  const desk = (key: string) => [...site.sim.state.serviceDesks.values()].find((d) => d.projectKey === key);
  /** The job once the queue has nothing left to deliver. */
  const settled = async (job: BulkJobView) => {
    await site.queue.idle();
    return ok(call<BulkJobView>('getBulkJob', { jobId: job.jobId }));
  };
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 600, groups: 12, serviceDesks: 3 } });
  });
  afterAll(() => site.close());

  it('lists desks and pages a desk’s customers with search, never truncating', async () => {
    const desks = await ok(call<ServiceDeskPage>('listServiceDesks'));
    expect(desks.desks.map((d) => d.projectKey)).toEqual(['ITH', 'HRS', 'FAC']);
    const ith = desk('ITH');
    const seen: string[] = [];
    let start = 0;
    for (;;) {
      const page = await ok(call<DeskCustomersPage>('listDeskCustomers', { deskId: ith?.id, start }));
      seen.push(...page.customers.map((c) => c.accountId));
      if (page.isLast) break;
      start += page.customers.length;
    }
    expect(seen.sort()).toEqual([...(ith?.customers ?? [])].sort());
    const some = site.sim.state.users.get(seen[0] as string);
    const found = await ok(
      call<DeskCustomersPage>('listDeskCustomers', { deskId: ith?.id, query: some?.displayName.split(' ')[0] }),
    );
    expect(found.customers.map((c) => c.accountId)).toContain(some?.accountId);
    expect(found.customers[0]?.email).toBeDefined();
  });

  it('creates a customer and provisions them to two desks in one action', async () => {
    const res = await ok(
      call<ProvisionResult>('provisionCustomer', {
        email: 'new.client@clients.example.org',
        displayName: 'New Client',
        deskIds: [desk('ITH')?.id, desk('HRS')?.id],
      }),
    );
    expect(res.created).toBe(true);
    expect(res.desks.map((d) => d.outcome)).toEqual(['done', 'done']);
    const user = site.sim.state.users.get(res.accountId);
    expect(user).toMatchObject({
      accountType: 'customer',
      displayName: 'New Client',
      email: 'new.client@clients.example.org',
    });
    expect(desk('ITH')?.customers.has(res.accountId)).toBe(true);
    expect(desk('HRS')?.customers.has(res.accountId)).toBe(true);
    expect(desk('FAC')?.customers.has(res.accountId)).toBe(false);
  });

  it('links the existing account when the email already has one, and says so', async () => {
    const existing = [...site.sim.state.users.values()].find((u) => u.accountType === 'atlassian' && !u.emailVisible);
    const before = site.sim.state.users.size;
    const res = await ok(
      call<ProvisionResult>('provisionCustomer', {
        email: existing?.email,
        displayName: 'Whoever',
        deskIds: [desk('FAC')?.id],
      }),
    );
    expect(res).toMatchObject({
      accountId: existing?.accountId,
      created: false,
      message: expect.stringMatching(/already had an account/),
    });
    expect(site.sim.state.users.size).toBe(before);
    expect(desk('FAC')?.customers.has(existing?.accountId ?? '')).toBe(true);
    // The audit names the account as Jira does, not as typed in the form ("Whoever").
    const audit = await ok(call<AuditPage>('listAudit', { action: 'customer.link' }));
    const linked = audit.entries.find((e) => e.targetId === existing?.accountId);
    expect(linked?.targetLabel).toBe(existing?.displayName);
    const csv = await ok(call<{ csv: string }>('exportAuditCsv', { action: 'customer.link' }));
    expect(csv.csv).not.toContain('Whoever');
  });

  it('refuses an invalid email or an unknown desk and changes nothing', async () => {
    const users = site.sim.state.users.size;
    site.sim.meter.reset();
    expect(
      await call('provisionCustomer', { email: 'not-an-email', displayName: 'X', deskIds: [desk('ITH')?.id] }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(
      await call('provisionCustomer', { email: 'x@clients.example.org', displayName: 'X', deskIds: ['999'] }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('999') } });
    expect(await call('listDeskCustomers', { deskId: 'abc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(site.sim.state.users.size).toBe(users);
    expect(site.sim.meter.writes()).toEqual([]);
  });

  it('adds and removes customers in bulk with per-item outcomes; removal never deactivates the account', async () => {
    const hrs = desk('HRS');
    const fac = desk('FAC');
    const outsiders = [...site.sim.state.users.values()]
      .filter((u) => u.accountType !== 'app' && !hrs?.customers.has(u.accountId))
      .slice(0, 120);
    const ids = [...outsiders.map((u) => u.accountId), '712020:no-such-account'];
    site.sim.meter.reset();
    let job = await ok(
      call<BulkJobView>('createBulkJob', { operation: 'add-customers-to-desk', accountIds: ids, deskId: hrs?.id }),
    );
    job = await settled(job);
    expect(job.counts).toEqual({ done: 120, already: 0, failed: 1 });
    expect(job.failures[0]).toMatchObject({
      accountId: '712020:no-such-account',
      message: expect.stringMatching(/does not exist/),
    });
    for (const u of outsiders) expect(hrs?.customers.has(u.accountId)).toBe(true);
    // The bulk endpoint carried them, 50 a request: two clean batches, then the batch Jira refused
    // (it holds the unknown account) was split to find the culprit: 20 single adds succeeded.
    const adds = site.sim.meter.requests.filter(
      (r) => r.method === 'POST' && r.endpoint.endsWith('/customer') && r.status === 204,
    );
    expect(adds.length).toBe(2 + 20);

    const leaving = outsiders.slice(0, 10).map((u) => u.accountId);
    job = await ok(
      call<BulkJobView>('createBulkJob', {
        operation: 'remove-customers-from-desk',
        accountIds: leaving,
        deskId: hrs?.id,
      }),
    );
    job = await settled(job);
    expect(job.counts.done).toBe(10);
    for (const id of leaving) {
      expect(hrs?.customers.has(id)).toBe(false);
      expect(site.sim.state.users.get(id)?.active).toBe(true);
    }
    // An open desk does not allow removing customers: each item says why.
    const onFac = [...(fac?.customers ?? [])].slice(0, 2);
    job = await ok(
      call<BulkJobView>('createBulkJob', {
        operation: 'remove-customers-from-desk',
        accountIds: onFac,
        deskId: fac?.id,
      }),
    );
    job = await settled(job);
    expect(job.counts.failed).toBe(2);
    expect(job.failures[0]?.message).toMatch(/closed access/);
    for (const id of onFac) expect(fac?.customers.has(id)).toBe(true);
  });

  it.each([
    // The desk's customer list is read up front (1 page; 6 items allow 1) …
    ['a desk read up front', 'FAC', 5],
    // … or, too large for 2 items (1 page of 50 allowed), each batch searches its people on the desk.
    ['a desk searched person by person', 'HRS', 1],
  ])(
    'bulk add records a person already on the desk as "already so" in preview, result, counts and audit (%s)',
    async (_label, key, fresh) => {
      const target = desk(key);
      if (!target) throw new Error(`no desk ${key}`);
      const people = [...site.sim.state.users.values()].filter((u) => u.accountType !== 'app' && u.active);
      if (fresh === 1) for (const u of people.slice(400, 470)) target.customers.add(u.accountId);
      expect(target.customers.size > 50).toBe(fresh === 1);
      const on = site.sim.state.users.get([...target.customers].at(-1) as string);
      const newcomers = people.filter((u) => !target.customers.has(u.accountId)).slice(-fresh);
      const ids = [on?.accountId as string, ...newcomers.map((u) => u.accountId)];
      const payload = { operation: 'add-customers-to-desk', accountIds: ids, deskId: target.id };

      const preview = await ok(call<BulkPreview>('previewBulkJob', payload));
      expect(preview.alreadySo.map((r) => r.accountId)).toEqual([on?.accountId]);
      expect(preview.willChange).toBe(fresh);

      site.sim.meter.reset();
      const job = await settled(await ok(call<BulkJobView>('createBulkJob', payload)));
      // Read up front: one page of the desk's customers. Searched: that page (not the last), then one
      // search per person. Jira's burst limit on this list (5 a second) may refuse one and the app retries
      // it: the reads counted are the ones Jira answered.
      const reads = site.sim.meter.requests.filter(
        (r) => r.method === 'GET' && r.endpoint.endsWith('/customer') && r.status !== 429,
      );
      expect(reads).toHaveLength(fresh === 1 ? 3 : 1);
      expect(job.counts).toEqual({ done: fresh, already: 1, failed: 0 });
      const already = await ok(call<BulkItemsPage>('listBulkJobItems', { jobId: job.jobId, outcome: 'already' }));
      expect(already.items).toEqual([expect.objectContaining({ accountId: on?.accountId, outcome: 'already' })]);
      for (const u of newcomers) expect(target.customers.has(u.accountId)).toBe(true);

      const audit = await ok(call<AuditPage>('listAudit', { action: 'servicedesk.customer.add', pageSize: 200 }));
      const mine = audit.entries.filter((e) => e.jobId === job.jobId);
      expect(mine).toHaveLength(ids.length);
      expect(mine.find((e) => e.targetId === on?.accountId)).toMatchObject({
        result: 'already',
        detail: 'Already a customer of this desk.',
      });
      expect(mine.filter((e) => e.result === 'done').map((e) => e.targetId)).toEqual(
        expect.arrayContaining(newcomers.map((u) => u.accountId)),
      );
    },
  );

  it('audits every customer change', async () => {
    const audit = await ok(call<AuditPage>('listAudit', { pageSize: 200 }));
    const actions = new Set(audit.entries.map((e) => e.action));
    for (const a of ['customer.create', 'customer.link', 'servicedesk.customer.add', 'servicedesk.customer.remove'])
      expect(actions).toContain(a);
    expect(JSON.stringify(audit)).not.toMatch(/@/);
  });

  it('lets a non-admin neither list nor change customers', async () => {
    for (const [key, payload] of [
      ['listServiceDesks', {}],
      ['listDeskCustomers', { deskId: desk('ITH')?.id }],
      ['provisionCustomer', { email: 'sneaky@clients.example.org', displayName: 'Sneaky', deskIds: [desk('ITH')?.id] }],
      [
        'createBulkJob',
        { operation: 'add-customers-to-desk', accountIds: [NAMED_USERS.regular.accountId], deskId: desk('ITH')?.id },
      ],
    ] as const) {
      expect(await call(key, payload, NAMED_USERS.regular.accountId)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect([...site.sim.state.users.values()].some((u) => u.email === 'sneaky@clients.example.org')).toBe(false);
  });
});
