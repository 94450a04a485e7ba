import type { AuditPage, Envelope, ProvisionResult, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import type { SimUser } from '../../local/jira-sim/model';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Issue 20 item 1: a departed (deactivated) person is found by name or email with "Any status" (no status
 * filter) once the directory index is built, although Jira's `user/search` returns active people only;
 * until then the page says it lists active people only.
 */
describe('finding a deactivated person by name or email', () => {
  let site: LocalSite;
  let gone: SimUser[];
  const search = (query: string, cursor?: string) =>
    ok(invokeAs<Envelope<UserPage>>(site, ADMIN, 'listUsers', { query, filters: {}, pageSize: 10, cursor }));
  /** Every page of a search with Any status, as Next would show them. */
  const everyPage = async (query: string) => {
    const rows: UserPage['users'] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i += 1) {
      const page = await search(query, cursor);
      rows.push(...page.users);
      cursor = page.nextCursor;
      if (!cursor) return rows;
    }
    throw new Error('more than 50 pages');
  };
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 300, groups: 8, serviceDesks: 1 } });
    gone = [...site.sim.state.users.values()].filter((u) => !u.active && u.accountType === 'atlassian');
  });
  afterAll(() => site.close());

  it('before the index is built, says the search finds active people only', async () => {
    const person = gone[0] as SimUser;
    const page = await search(person.displayName);
    expect(page.users.map((u) => u.accountId)).not.toContain(person.accountId);
    expect(page.notice).toMatch(/^Active people only/);
    // The flag the app's person pickers read to say so under the field.
    expect(page.activeOnly).toBe(true);
    const byEmail = await search(person.email);
    expect(byEmail.users).toEqual([]);
    expect(byEmail.notice).toMatch(/^Active people only/);
  });

  it('once it is built, finds them by full name, last name and email (shown or hidden), with Any status', async () => {
    await buildDirectoryIndex(site);
    const visible = gone.find((u) => u.emailVisible) as SimUser;
    const hidden = gone.find((u) => !u.emailVisible) as SimUser;
    expect(visible && hidden).toBeTruthy();
    for (const person of [visible, hidden]) {
      const byName = await search(person.displayName);
      expect(byName.notice).toBeUndefined();
      expect(byName.activeOnly).toBeUndefined();
      expect(byName.users.find((u) => u.accountId === person.accountId)).toMatchObject({ active: false });
      const lastName = person.displayName.split(' ').at(-1) as string;
      expect((await everyPage(lastName)).map((u) => u.accountId)).toContain(person.accountId);
      for (const email of [person.email, person.email.toUpperCase()])
        expect((await search(email)).users.map((u) => u.accountId)).toEqual([person.accountId]);
    }
  });

  // Issue 20 item 3, the case Jira's user search cannot see: an inactive account's email.
  it('a customer created with an inactive account’s email links it, and the audit names it as Jira does', async () => {
    const person = gone.find((u) => u.emailVisible && u.displayName !== 'Typed Name') as SimUser;
    const deskId = [...site.sim.state.serviceDesks.values()][0]?.id;
    const res = await ok(
      invokeAs<Envelope<ProvisionResult>>(site, ADMIN, 'provisionCustomer', {
        email: person.email,
        displayName: 'Typed Name',
        deskIds: [deskId],
      }),
    );
    expect(res).toMatchObject({ accountId: person.accountId, created: false });
    const audit = await ok(invokeAs<Envelope<AuditPage>>(site, ADMIN, 'listAudit', { pageSize: 50 }));
    const mine = audit.entries.filter((e) => e.targetId === person.accountId);
    expect(mine.map((e) => e.action).sort()).toEqual(['customer.link', 'servicedesk.customer.add']);
    for (const e of mine) expect(e.targetLabel).toBe(person.displayName);
    const csv = await ok(invokeAs<Envelope<{ csv: string }>>(site, ADMIN, 'exportAuditCsv', {}));
    expect(csv.csv).toContain(person.displayName);
    expect(csv.csv).not.toContain('Typed Name');
  });
});
