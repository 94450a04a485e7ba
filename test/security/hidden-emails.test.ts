import type {
  AuditEntryView,
  DeskCustomersPage,
  Envelope,
  GroupMembersPage,
  ResolvedIdentifier,
  SettingsView,
  UserDetails,
  UserPage,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NOT_VISIBLE_EMAIL } from '../../src/features/people/email-policy';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const SITE_ADMIN = NAMED_USERS.siteAdmin.accountId;
const JIRA_ADMIN = NAMED_USERS.jiraAdmin.accountId;
const EMAIL_LOOKUP = /^\/rest\/api\/3\/user\/email/;

/**
 * Issue 19, item 7: emails that profile visibility hides are shown to site administrators only, unless a
 * site administrator widens it (audited) to every Jira administrator; a Jira administrator who may not
 * see them can neither read one nor confirm a guessed one.
 */
describe('hidden emails: who sees what', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 300, groups: 20, serviceDesks: 1 } });
  });
  afterAll(() => site.close());

  const call = <T>(as: string, key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, as, key, payload);
  const people = (visible: boolean) =>
    [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        u.emailVisible === visible &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
  const hiddenEmails = () =>
    new Set([...site.sim.state.users.values()].filter((u) => !u.emailVisible).map((u) => u.email.toLowerCase()));
  const audited = () =>
    site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:'))
      .map((k) => site.kvs.peek(k) as AuditEntryView)
      .filter((e) => e.action === 'settings.update');
  const emailLookups = () => site.sim.meter.requests.filter((r) => EMAIL_LOOKUP.test(r.endpoint));

  /** Every email a listing, details and group members show this caller. */
  async function emailsShownTo(as: string) {
    const hiddenPerson = people(false)[0] as { accountId: string };
    const group = [...site.sim.state.groups.values()].find((g) =>
      [...g.members].some((m) => !site.sim.state.users.get(m)?.emailVisible),
    );
    const page = await ok(call<UserPage>(as, 'listUsers', { pageSize: 100 }));
    const details = await ok(call<UserDetails>(as, 'getUserDetails', { accountId: hiddenPerson.accountId }));
    const members = await ok(call<GroupMembersPage>(as, 'listGroupMembers', { groupId: group?.groupId }));
    const rows = [...page.users, details, ...members.members];
    return {
      rows,
      hiddenRows: rows.filter((r) => r.accountType !== 'app' && !site.sim.state.users.get(r.accountId)?.emailVisible),
      shown: rows.map((r) => r.email?.toLowerCase()).filter((e): e is string => !!e),
    };
  }

  it('by default a site administrator sees hidden emails and a Jira administrator does not (nor are they fetched for them)', async () => {
    const admin = await emailsShownTo(SITE_ADMIN);
    expect(admin.hiddenRows.length).toBeGreaterThan(2);
    expect(admin.hiddenRows.every((r) => !!r.email && !r.emailHidden)).toBe(true);

    site.sim.meter.reset();
    const jira = await emailsShownTo(JIRA_ADMIN);
    expect(jira.hiddenRows.length).toBe(admin.hiddenRows.length);
    expect(jira.hiddenRows.map((r) => [r.email, r.emailHidden])).toEqual(jira.hiddenRows.map(() => [undefined, true]));
    expect(jira.shown.filter((e) => hiddenEmails().has(e))).toEqual([]);
    // Visible emails are still shown, and the asApp email lookup was never made for this caller.
    expect(jira.shown.length).toBeGreaterThan(10);
    expect(emailLookups()).toEqual([]);
  });

  it('a Jira administrator cannot confirm a guessed hidden email: it answers exactly what an unknown email answers', async () => {
    const hidden = people(false)[1] as { email: string; accountId: string };
    const visible = people(true)[0] as { email: string; accountId: string };
    const unknown = 'nobody.at.all@nowhere.example';
    const text = [hidden.email, visible.email, unknown].join('\n');

    const asJira = await ok(call<ResolvedIdentifier[]>(JIRA_ADMIN, 'resolveIdentifiers', { text }));
    expect(asJira[1]).toMatchObject({ accountId: visible.accountId, how: 'email' });
    const strip = (r: ResolvedIdentifier | undefined) => ({ ...r, input: undefined });
    expect(asJira[0]).toEqual({ input: hidden.email, problem: NOT_VISIBLE_EMAIL });
    expect(strip(asJira[0])).toEqual(strip(asJira[2]));
    // Searching for it by email lists nobody either.
    const search = await ok(call<UserPage>(JIRA_ADMIN, 'listUsers', { query: hidden.email }));
    expect(search.users.map((u) => u.accountId)).not.toContain(hidden.accountId);

    const asSite = await ok(call<ResolvedIdentifier[]>(SITE_ADMIN, 'resolveIdentifiers', { text }));
    expect(asSite[0]).toMatchObject({ accountId: hidden.accountId, how: 'email' });
    expect(asSite[2]?.problem).toBeTruthy();
  });

  it('the same holds once the directory index resolves pasted emails', async () => {
    await buildDirectoryIndex(site);
    const hidden = people(false)[2] as { email: string; accountId: string };
    const unknown = 'still.nobody@nowhere.example';
    const asJira = await ok(
      call<ResolvedIdentifier[]>(JIRA_ADMIN, 'resolveIdentifiers', { text: `${hidden.email}\n${unknown}` }),
    );
    expect(asJira.map((r) => r.problem)).toEqual([NOT_VISIBLE_EMAIL, NOT_VISIBLE_EMAIL]);
    expect(asJira.every((r) => r.accountId === undefined)).toBe(true);
    const asSite = await ok(call<ResolvedIdentifier[]>(SITE_ADMIN, 'resolveIdentifiers', { text: hidden.email }));
    expect(asSite[0]?.accountId).toBe(hidden.accountId);
  });

  it('searching the index for an inactive person by a hidden email lists nobody for a Jira administrator', async () => {
    const inactive = (visible: boolean) =>
      [...site.sim.state.users.values()].find(
        (u) => u.accountType === 'atlassian' && !u.active && u.emailVisible === visible,
      ) as { email: string; accountId: string };
    const ids = async (as: string, email: string) =>
      (await ok(call<UserPage>(as, 'listUsers', { query: email }))).users.map((u) => u.accountId);
    // Inactive people are found by email only in the index (Jira's user search lists active ones).
    expect(await ids(SITE_ADMIN, inactive(false).email)).toContain(inactive(false).accountId);
    expect(await ids(JIRA_ADMIN, inactive(false).email)).toEqual([]);
    // An email its owner shows is no secret: found for both.
    expect(await ids(JIRA_ADMIN, inactive(true).email)).toContain(inactive(true).accountId);
  });

  it('a desk customer whose email is hidden is not found by that email for a Jira administrator', async () => {
    const desk = [...site.sim.state.serviceDesks.values()][0] as { id: string; customers: Set<string> };
    const customer = site.sim.state.users.get([...desk.customers][0] as string) as {
      accountId: string;
      email: string;
      emailVisible: boolean;
    };
    customer.emailVisible = false;
    const ids = async (as: string) =>
      (
        await ok(call<DeskCustomersPage>(as, 'listDeskCustomers', { deskId: desk.id, query: customer.email }))
      ).customers.map((c) => c.accountId);
    expect(await ids(SITE_ADMIN)).toContain(customer.accountId);
    expect(await ids(JIRA_ADMIN)).toEqual([]);
  });

  it('only a site administrator can widen it, audited; then Jira administrators see hidden emails, until narrowed again', async () => {
    const refused = await call<SettingsView>(JIRA_ADMIN, 'saveSettings', { hiddenEmails: 'jira-admins' });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('SITE_ADMIN_REQUIRED');
    expect(audited()).toEqual([]);
    expect(await ok(call<SettingsView>(JIRA_ADMIN, 'getSettings'))).toMatchObject({
      hiddenEmails: 'site-admins',
      callerSeesHiddenEmails: false,
      callerMayChange: false,
    });

    const widened = await ok(call<SettingsView>(SITE_ADMIN, 'saveSettings', { hiddenEmails: 'jira-admins' }));
    expect(widened).toMatchObject({ hiddenEmails: 'jira-admins', updatedBy: SITE_ADMIN });
    expect(audited()).toEqual([
      expect.objectContaining({
        actor: SITE_ADMIN,
        result: 'done',
        detail: 'Changed: hidden emails shown to all Jira administrators (was site administrators).',
      }),
    ]);
    const jira = await emailsShownTo(JIRA_ADMIN);
    expect(jira.hiddenRows.every((r) => !!r.email && !r.emailHidden)).toBe(true);
    const hidden = people(false)[1] as { email: string; accountId: string };
    const resolved = await ok(call<ResolvedIdentifier[]>(JIRA_ADMIN, 'resolveIdentifiers', { text: hidden.email }));
    expect(resolved[0]?.accountId).toBe(hidden.accountId);

    await ok(call<SettingsView>(SITE_ADMIN, 'saveSettings', { hiddenEmails: 'site-admins' }));
    expect(audited()).toHaveLength(2);
    const after = await emailsShownTo(JIRA_ADMIN);
    expect(after.shown.filter((e) => hiddenEmails().has(e))).toEqual([]);
  });
});
