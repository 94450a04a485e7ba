import type {
  AuditPage,
  BulkJobView,
  Envelope,
  ResolvedIdentifier,
  SiteSummary,
  UserFilters,
  UserPage,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import type { SimUser } from '../../local/jira-sim/model';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * The directory index kept fresh without a crawl (issue 18): bulk adds and removals show in the product
 * filter as soon as the job is done; Jira's user events (delivered twice, late, out of order) patch it with
 * the account's current state; inactive and deleted people are found by name from it; and the next crawl,
 * a reconciliation, corrects exactly what nothing told the index (and says so in the summary and audit).
 */
describe('directory index kept fresh (2,000 users)', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  const userEvent = (eventType: string, user: SimUser | { accountId: string }) =>
    runInvocation({ moduleKey: 'user-events', timeoutMs: 55_000 }, async () => {
      const fn = site.functions.get('apply-user-event') as unknown as (e: unknown, c: unknown) => Promise<unknown>;
      return fn({ eventType, user: { ...user } }, { installContext: `ari:cloud:jira::site/${site.sim.state.cloudId}` });
    });
  /** Every account id a filter lists, page by page. */
  const listAll = async (filters: UserFilters, query?: string): Promise<UserPage['users']> => {
    const out: UserPage['users'] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i += 1) {
      const page = await call<UserPage>('listUsers', { filters, pageSize: 100, cursor, ...(query ? { query } : {}) });
      out.push(...page.users);
      cursor = page.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('more than 100 pages');
  };
  const ids = (rows: UserPage['users']) => new Set(rows.map((u) => u.accountId));
  let deleted: SimUser | undefined;

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 2000, groups: 20, serviceDesks: 3 }, kvsRateLimits: false });
    await buildDirectoryIndex(site);
  }, 300_000);
  afterAll(() => site.close());

  it('bulk adds and removals show in the product filter as soon as the job is done, without a crawl', async () => {
    const groups = [...site.sim.state.groups.values()];
    const jsm = groups.find((g) => g.name === 'jira-servicemanagement-users');
    const role = site.sim.state.applicationRoles.find((r) => r.key === 'jira-servicedesk');
    if (!jsm || !role) throw new Error('seed has no JSM group');
    const otherJsm = groups.filter((g) => g !== jsm && role.groups.includes(g.name));
    const people = [...site.sim.state.users.values()].filter((u) => u.accountType === 'atlassian' && u.active);
    const toAdd = people.filter((u) => !jsm.members.has(u.accountId)).slice(0, 150);
    const toRemove = people
      .filter((u) => jsm.members.has(u.accountId) && !otherJsm.some((g) => g.members.has(u.accountId)))
      .filter((u) => u.accountId !== ADMIN)
      .slice(0, 150);
    expect(toAdd.length).toBe(150);
    expect(toRemove.length).toBeGreaterThan(50);
    const crawlBefore = site.kvs.peek('dir:crawl') as { gen: number };

    const add = await call<BulkJobView>('createBulkJob', {
      operation: 'add-users-to-group',
      accountIds: toAdd.map((u) => u.accountId),
      groupIds: [jsm.groupId],
      confirmLicence: true,
    });
    const remove = await call<BulkJobView>('createBulkJob', {
      operation: 'remove-users-from-group',
      accountIds: toRemove.map((u) => u.accountId),
      groupIds: [jsm.groupId],
    });
    await site.queue.idle();
    expect((await call<BulkJobView>('getBulkJob', { jobId: add.jobId })).counts.done).toBe(150);
    expect((await call<BulkJobView>('getBulkJob', { jobId: remove.jobId })).counts.done).toBe(toRemove.length);

    const listed = ids(await listAll({ product: 'jira-servicedesk' }));
    for (const u of toAdd) expect(listed.has(u.accountId)).toBe(true);
    for (const u of toRemove) expect(listed.has(u.accountId)).toBe(false);
    // Exactly Jira's product holders, each once, with no crawl in between.
    const holders = new Set(groups.filter((g) => role.groups.includes(g.name)).flatMap((g) => [...g.members]));
    expect([...listed].sort()).toEqual([...holders].sort());
    expect((site.kvs.peek('dir:crawl') as { gen: number }).gen).toBe(crawlBefore.gen);
  }, 300_000);

  it('a person deactivated in Jira shows as inactive through the user-event trigger: twice, late, out of order', async () => {
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN && /^[A-Z]/.test(u.displayName),
    ) as SimUser;
    const stale = { ...person }; // the payload of an earlier "updated" event (still active)
    person.active = false;
    const fresh = { ...person };
    // The newer event twice at once, then the older one late: the final state is Jira's.
    await Promise.all([userEvent('avi:jira:updated:user', fresh), userEvent('avi:jira:updated:user', fresh)]);
    await userEvent('avi:jira:updated:user', stale);
    await userEvent('avi:jira:created:user', stale);
    expect(ids(await listAll({ status: 'inactive' })).has(person.accountId)).toBe(true);
    expect(ids(await listAll({ status: 'active' })).has(person.accountId)).toBe(false);

    // Found by name although Jira's user search returns active people only.
    const byName = await listAll({}, person.displayName);
    expect(byName.find((u) => u.accountId === person.accountId)).toMatchObject({ active: false });
    // And by email.
    const byEmail = await listAll({}, person.email);
    expect(byEmail.map((u) => u.accountId)).toContain(person.accountId);
  });

  it('a new account appears, and a deleted one stays deleted (found by name) whatever arrives late', async () => {
    const created: SimUser = {
      accountId: '712020:0f5d3c1e-0000-4000-8000-00000000abcd',
      accountType: 'customer',
      displayName: 'Quetzal Newcomer',
      email: 'quetzal.newcomer@example.com',
      emailVisible: false,
      active: true,
      timeZone: 'Etc/UTC',
      locale: 'en_US',
      legacyUsername: 'qnewcomer',
      legacyKey: 'JIRAUSER999001',
    };
    site.sim.state.users.set(created.accountId, created);
    await userEvent('avi:jira:created:user', created);
    expect(ids(await listAll({ accountType: 'customer' })).has(created.accountId)).toBe(true);
    const resolved = await call<ResolvedIdentifier[]>('resolveIdentifiers', { text: created.email });
    expect(resolved[0]?.accountId).toBe(created.accountId);

    const gone = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN && u.displayName.includes(' '),
    ) as SimUser;
    const before = { ...gone };
    deleted = gone;
    site.sim.state.users.delete(gone.accountId);
    for (const g of site.sim.state.groups.values()) g.members.delete(gone.accountId);
    await userEvent('avi:jira:deleted:user', { accountId: gone.accountId });
    await userEvent('avi:jira:updated:user', before); // late, from before the deletion
    await userEvent('avi:jira:deleted:user', { accountId: gone.accountId }); // again
    expect(ids(await listAll({ status: 'active' })).has(gone.accountId)).toBe(false);
    expect(ids(await listAll({ accountType: 'atlassian' })).has(gone.accountId)).toBe(false);
    const byName = await listAll({ status: 'inactive' }, gone.displayName);
    expect(byName.find((u) => u.accountId === gone.accountId)).toMatchObject({ deleted: true, active: false });
  });

  it('the next crawl is a reconciliation: it corrects only what nothing told the index, and says so', async () => {
    // A rename in Jira that no event reported (nothing else is stale: events and the app patched the rest).
    const renamed = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN,
    ) as SimUser;
    renamed.displayName = `${renamed.displayName} Renamed`;
    const summary: SiteSummary = await buildDirectoryIndex(site);
    expect(summary.snapshot.reconciled).toEqual({ corrected: 1, added: 0, removed: 0, changed: 1 });
    expect(summary.snapshot.changesSince).toBe(0);
    const audit = await call<AuditPage>('listAudit', { action: 'directory.reconcile' });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]?.detail).toContain('1 entry corrected');
    // The deleted person is still found by name in the new generation (patches folded into it).
    const byName = await listAll({}, deleted?.displayName);
    expect(byName.find((u) => u.accountId === deleted?.accountId)).toMatchObject({ deleted: true });
  }, 300_000);
});
