import {
  RESOLVER_KEYS,
  type AuditEntryView,
  type BulkJobView,
  type ChangeResult,
  type CreateFunctionalResult,
  type Envelope,
  type ProvisionResult,
  type RegistryPage,
  type RoleView,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import type { LostResponseRule } from '../../local/jira-sim/faults';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

/**
 * Lost responses: Jira applies each write, then the connection drops before its answer arrives (the
 * simulator's `lostResponses` fault). The app must read Jira back and report and audit what actually
 * happened — never "already", NOT_FOUND, "linked" or CONFLICT for a change it made itself.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('writes whose answer is lost', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  const usersWithEmail = (email: string) =>
    [...site.sim.state.users.values()].filter((u) => u.email.toLowerCase() === email.toLowerCase());
  /** Audit entries written since `before` (KVS keys), newest first. */
  const auditSince = (before: Set<string>) =>
    site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:') && !before.has(k))
      .map((k) => site.kvs.peek(k) as AuditEntryView);
  const auditKeys = () => new Set(site.kvs.keys().filter((k) => k.startsWith('audit:')));
  /** Loses the answer of the first matching write, and checks after `run` that exactly that happened. */
  async function losing<T>(rule: LostResponseRule, run: () => Promise<T>): Promise<T> {
    site.sim.faults.configure({ lostResponses: [{ rate: 1, times: 1, ...rule }] });
    try {
      const out = await run();
      expect(site.sim.faults.lost).toHaveLength(1);
      return out;
    } finally {
      site.sim.faults.configure({});
    }
  }

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 200, groups: 20, serviceDesks: 2 }, allowForgeUserCreation: true });
  });
  afterAll(() => site.close());

  it('group add: reported and audited as done (not "already"), applied once', async () => {
    const g = group('team-web');
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !g?.members.has(u.accountId),
    );
    const before = auditKeys();
    const res = await losing({ method: 'POST', path: '/rest/api/3/group/user' }, () =>
      ok(
        call<ChangeResult>('addGroupMember', {
          groupId: g?.groupId,
          accountId: person?.accountId,
          confirmLicence: true,
        }),
      ),
    );
    expect(res.outcome).toBe('done');
    expect(res.message).toMatch(/answer was lost; reading Jira back confirmed/);
    expect(g?.members.has(person?.accountId ?? '')).toBe(true);
    expect(auditSince(before)).toEqual([
      expect.objectContaining({ action: 'group.member.add', targetId: person?.accountId, result: 'done' }),
    ]);
    const posts = site.sim.meter.requests.filter((r) => r.method === 'POST' && r.endpoint === '/rest/api/3/group/user');
    expect(posts.at(-1)).toMatchObject({ status: 201, lost: true }); // not repeated after the read-back
  });

  it('group remove: reported and audited as done (not "already not a member")', async () => {
    const g = group('team-web');
    const member = [...(g?.members ?? [])][0] as string;
    const before = auditKeys();
    const res = await losing({ method: 'DELETE', path: '/rest/api/3/group/user' }, () =>
      ok(call<ChangeResult>('removeGroupMember', { groupId: g?.groupId, accountId: member })),
    );
    expect(res.outcome).toBe('done');
    expect(g?.members.has(member)).toBe(false);
    expect(auditSince(before)).toEqual([
      expect.objectContaining({ action: 'group.member.remove', targetId: member, result: 'done' }),
    ]);
  });

  it('deleteUser: reported and audited as deleted (not NOT_FOUND / failed)', async () => {
    const victim = [...site.sim.state.users.values()].find(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
    const before = auditKeys();
    const res = await losing({ method: 'DELETE', path: '/rest/api/3/user' }, () =>
      call<ChangeResult>('deleteUser', { accountId: victim?.accountId, confirm: victim?.displayName }),
    );
    expect(res).toMatchObject({ ok: true, data: { outcome: 'done' } });
    expect(site.sim.state.users.has(victim?.accountId ?? '')).toBe(false);
    expect(auditSince(before)).toEqual([
      expect.objectContaining({ action: 'user.delete', targetId: victim?.accountId, result: 'done' }),
    ]);
  });

  it('provisionCustomer: reported and audited as created (not "already had an account: linked"), one account', async () => {
    const desks = [...site.sim.state.serviceDesks.values()];
    const email = 'lost.answer@clients.example.org';
    const before = auditKeys();
    const res = await losing({ method: 'POST', path: '/rest/servicedeskapi/customer' }, () =>
      ok(
        call<ProvisionResult>('provisionCustomer', {
          email,
          displayName: 'Lost Answer',
          deskIds: desks.map((d) => d.id),
        }),
      ),
    );
    expect(res).toMatchObject({ created: true, message: 'Created customer Lost Answer.' });
    expect(usersWithEmail(email).map((u) => u.accountId)).toEqual([res.accountId]);
    expect(res.desks.map((d) => d.outcome)).toEqual(desks.map(() => 'done'));
    const entries = auditSince(before);
    expect(entries.filter((e) => e.action === 'customer.create')).toEqual([
      expect.objectContaining({
        targetId: res.accountId,
        result: 'done',
        detail: expect.stringMatching(/answer was lost/),
      }),
    ]);
    expect(entries.some((e) => e.action === 'customer.link')).toBe(false);
  });

  it('provisionCustomer: a lost desk add (idempotent) is repeated and reported done', async () => {
    const desk = [...site.sim.state.serviceDesks.values()][0];
    const res = await losing({ method: 'POST', path: `/rest/servicedeskapi/servicedesk/${desk?.id}/customer` }, () =>
      ok(
        call<ProvisionResult>('provisionCustomer', {
          email: 'desk.lost@clients.example.org',
          displayName: 'Desk Lost',
          deskIds: [desk?.id],
        }),
      ),
    );
    expect(res.desks).toEqual([expect.objectContaining({ outcome: 'done' })]);
    expect(desk?.customers.has(res.accountId)).toBe(true);
  });

  it('resetUserColumns: a lost answer (idempotent) is repeated and reported done', async () => {
    const res = await losing({ method: 'DELETE', path: '/rest/api/3/user/columns' }, () =>
      call<ChangeResult>('resetUserColumns', { accountId: NAMED_USERS.regular.accountId }),
    );
    expect(res).toMatchObject({ ok: true, data: { outcome: 'done' } });
  });

  it.each([
    ['add-users-to-group', 'POST'],
    ['remove-users-from-group', 'DELETE'],
  ] as const)('bulk %s: every lost answer is read back and counted done, none "already"', async (operation, method) => {
    const g = group('team-security');
    const adding = operation === 'add-users-to-group';
    const targets = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && g?.members.has(u.accountId) !== adding)
      .slice(0, 6)
      .map((u) => u.accountId);
    const job = await ok(
      call<BulkJobView>('createBulkJob', {
        operation,
        accountIds: targets,
        groupIds: [g?.groupId],
        confirmLicence: true,
      }),
    );
    site.sim.faults.configure({ lostResponses: [{ method, path: '/rest/api/3/group/user' }] });
    let view = job;
    try {
      // Slices are driven by runBulkJob while the contract has it; otherwise the queue runs the job.
      for (let i = 0; i < 50 && view.status !== 'done'; i += 1) {
        await site.queue.idle();
        view = await ok(
          call<BulkJobView>(RESOLVER_KEYS.includes('runBulkJob' as never) ? 'runBulkJob' : 'getBulkJob', {
            jobId: job.jobId,
          }),
        );
      }
    } finally {
      site.sim.faults.configure({});
    }
    expect(view).toMatchObject({ status: 'done', counts: { done: targets.length, already: 0, failed: 0 } });
    for (const id of targets) expect(g?.members.has(id)).toBe(adding);
    const writes = site.sim.meter.requests.filter(
      (r) => r.method === method && r.endpoint === '/rest/api/3/group/user',
    );
    expect(writes.filter((r) => r.lost).length).toBeGreaterThanOrEqual(targets.length);
  });

  describe('createFunctional', () => {
    let role: RoleView;
    const create = (name: string, email: string) =>
      call<CreateFunctionalResult>('createFunctional', {
        name,
        roleId: role.roleId,
        email,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-data')?.groupId,
        purpose: 'Nightly sync',
        integration: 'Sync tool',
      });
    beforeAll(async () => {
      role = await ok(
        call<RoleView>('saveRole', {
          name: 'Sync',
          groupIds: [group('team-data')?.groupId, group('team-security')?.groupId],
        }),
      );
    });

    it('a lost create is read back: the account is put in its groups and registered, as one account', async () => {
      const email = 'lost.create@example.com';
      const res = await losing({ method: 'POST', path: '/rest/api/3/user' }, () => ok(create('LostCreate', email)));
      const [account] = usersWithEmail(email);
      expect(usersWithEmail(email)).toHaveLength(1);
      expect(res.accountId).toBe(account?.accountId);
      expect(res.groups.map((g) => g.outcome)).toEqual(['done', 'done']);
      const registry = await ok(call<RegistryPage>('listFunctional'));
      expect(registry.accounts.map((a) => a.accountId)).toContain(res.accountId);
      expect(site.kvs.keys().filter((k) => k.startsWith('fa-create:'))).toEqual([]);
    });

    it('when the account cannot be read back yet, trying again finishes the creation instead of CONFLICT', async () => {
      const email = 'resume.create@example.com';
      const before = auditKeys();
      // The create lands and its answer is lost; then user search is unreachable, so it cannot be read back.
      site.sim.faults.configure({ lostResponses: [{ method: 'POST', path: '/rest/api/3/user', times: 1 }] });
      const drop = site.sim.faults.dropAfterApply.bind(site.sim.faults);
      site.sim.faults.dropAfterApply = (method, path, status) => {
        const dropped = drop(method, path, status);
        if (dropped) site.sim.faults.configure({ resetRate: 1, paths: ['/rest/api/3/user/search'] });
        return dropped;
      };
      let first: Envelope<CreateFunctionalResult>;
      try {
        first = await create('Resume', email);
      } finally {
        site.sim.faults.dropAfterApply = drop;
        site.sim.faults.configure({});
      }
      expect(first).toMatchObject({
        ok: false,
        error: { code: 'JIRA_ERROR', message: expect.stringMatching(/Try again/) },
      });
      expect(usersWithEmail(email)).toHaveLength(1); // Jira did create it
      expect(site.kvs.keys().filter((k) => k.startsWith('fa-create:'))).toHaveLength(1);

      const second = await ok(create('Resume', email));
      const [account] = usersWithEmail(email);
      expect(usersWithEmail(email)).toHaveLength(1);
      expect(second.accountId).toBe(account?.accountId);
      expect(second.groups.map((g) => g.outcome)).toEqual(['done', 'done']);
      expect(group('team-data')?.members.has(second.accountId)).toBe(true);
      expect((await ok(call<RegistryPage>('listFunctional'))).accounts.map((a) => a.accountId)).toContain(
        second.accountId,
      );
      expect(site.kvs.keys().filter((k) => k.startsWith('fa-create:'))).toEqual([]);
      const created = auditSince(before)
        .filter((e) => e.action === 'functional.create')
        .map((e) => e.result);
      expect(created).toEqual(['done', 'failed']); // newest first: the lost attempt, then the finished one
      // A third attempt is an ordinary conflict: the account is registered now.
      expect(await create('Resume', email)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    });

    it('a person’s existing account is still refused (no creation intent for it)', async () => {
      expect(await create('Taken', NAMED_USERS.noAccess.email)).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT' },
      });
    });
  });
});
