import type {
  Envelope,
  EscalationSettingsView,
  FunctionalAccountView,
  IssueTypeOption,
  ProjectOption,
  RegistryPage,
} from '../../src/contract';
import { issueState, type SimIssue } from '../../local/jira-sim/issues-model';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;
const PROPERTY = 'jua-escalation';
const DONE = '10001';
const TODO = '10000';

/**
 * The escalation paths functional-escalation.test.ts leaves out, through the real @forge/* packages against
 * the simulator, with the thresholds configured as [14, 3] days: a credential 13 days out gets the 14-day
 * comment and notice (to owner and backups) and no 30- or 7-day one, once over two daily checks; renewing a
 * credential ("Record rotation" with a later expiry, the app's only way to renew) and unregistering an
 * account each move the open tracking issue to done with a comment saying why, at once (not at the next
 * daily check), and a daily check afterwards tells nobody again.
 */
describe('escalation: custom thresholds, renewal and unregistering close the issue', () => {
  let site: LocalSite;
  let owner: string;
  let backups: string[];
  let groupId: string;
  const accounts: Record<'soon' | 'renew' | 'gone', { accountId: string; name: string }> = {
    soon: { accountId: '', name: '' },
    renew: { accountId: '', name: '' },
    gone: { accountId: '', name: '' },
  };

  const call = <T>(key: string, payload: unknown = {}) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  const issueOf = (accountName: string): SimIssue[] =>
    [...issueState(site.sim.state).issues.values()].filter(
      (i) => i.properties.has(PROPERTY) && i.summary.includes(accountName),
    );
  const noticesOf = (issue: SimIssue | undefined) =>
    issueState(site.sim.state).outbox.filter((n) => n.issueId === issue?.id);
  const appComments = (issue: SimIssue | undefined) =>
    (issue?.comments ?? []).filter((c) => c.author === NAMED_USERS.app.accountId);
  /** A comment's words (its ADF text nodes), as people read them. */
  const words = (node: unknown): string => {
    const n = node as { text?: unknown; content?: unknown[] } | undefined;
    return [typeof n?.text === 'string' ? n.text : '', ...(n?.content ?? []).map(words)].join(' ');
  };
  async function dailyCheck(): Promise<void> {
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
  }

  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 200, groups: 10, serviceDesks: 1 },
      // Not a test of the pool: one no test exhausts, wherever in the real-clock hour it runs.
      rateLimits: { pointsPerHour: 1_000_000 },
    });
    const jsu = [...site.sim.state.groups.values()].find((x) => x.name === 'jira-software-users');
    const people = [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !u.displayName.includes('_Func_') &&
        jsu?.members.has(u.accountId) &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
    const [o, b1, b2, ...rest] = people;
    if (!o || !b1 || !b2 || rest.length < 3) throw new Error('not enough people in the seed');
    owner = o.accountId;
    backups = [b1.accountId, b2.accountId];
    const g = [...site.sim.state.groups.values()].find((x) => x.name.startsWith('team-'));
    if (!g) throw new Error('no team group');
    groupId = g.groupId;

    const projects = await call<ProjectOption[]>('listEscalationProjects', {});
    const ops = projects.find((p) => p.key === 'OPS');
    const types = await call<IssueTypeOption[]>('listEscalationIssueTypes', { projectId: ops?.id });
    const saved = await call<EscalationSettingsView>('saveEscalationSettings', {
      projectId: ops?.id,
      issueTypeId: types.find((t) => t.name === 'Task')?.id,
      thresholds: [14, 3],
    });
    expect(saved).toMatchObject({ configured: true, thresholds: [14, 3] });

    // 13 days out (the 14-day threshold), 2 days out (the 3-day one), 10 days out (the 14-day one).
    const plan: Array<['soon' | 'renew' | 'gone', number]> = [
      ['soon', 13],
      ['renew', 2],
      ['gone', 10],
    ];
    for (const [i, [which, days]] of plan.entries()) {
      const acc = rest[i];
      if (!acc) throw new Error('not enough people');
      await call<FunctionalAccountView>('registerFunctional', {
        accountId: acc.accountId,
        ownerAccountId: owner,
        backupOwnerAccountIds: backups,
        owningGroupId: groupId,
        purpose: 'Deploys',
        integration: 'CI',
      });
      const now = Date.now();
      await call<FunctionalAccountView>('addCredential', {
        accountId: acc.accountId,
        type: 'api-token',
        label: `${which} token`,
        createdAt: new Date(now - 300 * DAY).toISOString(),
        expiresAt: new Date(now + days * DAY + 3_600_000).toISOString(),
      });
      accounts[which] = { accountId: acc.accountId, name: acc.displayName };
    }
    await dailyCheck();
    await dailyCheck();
  }, 120_000);
  afterAll(() => site.close());

  it('with thresholds [14, 3], a credential 13 days out gets one 14-day comment and notice, to owner and backups, over two daily checks', () => {
    const mine = issueOf(accounts.soon.name);
    expect(mine).toHaveLength(1);
    const issue = mine[0];
    expect(issue?.assignee).toBe(owner);
    const notices = noticesOf(issue);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toContain('within 14 days');
    expect(notices[0]?.recipients).toEqual(expect.arrayContaining([owner, ...backups]));
    // 14 days out is before the one-day mark: the owning group is not told yet.
    expect(notices[0]?.requested.groups).toEqual([]);
    const comments = appComments(issue);
    expect(comments).toHaveLength(1);
    expect(words(comments[0]?.body)).toContain('Reminder 14 days before expiry.');
    // No default threshold leaks through: nothing anywhere speaks of 30 or 7 days.
    const everything = JSON.stringify([
      issueState(site.sim.state).outbox,
      [...issueState(site.sim.state).issues.values()].map((i) => i.comments),
    ]);
    expect(everything).not.toMatch(/within (30|7) days|(30|7) days before expiry/);
    // The 2-days-out credential is at the 3-day threshold.
    const renewNotices = noticesOf(issueOf(accounts.renew.name)[0]);
    expect(renewNotices.map((n) => n.subject)).toEqual([expect.stringContaining('within 3 days')]);
  });

  it('renewing a credential ("Record rotation" with a later expiry) moves its issue to done with a comment, at once', async () => {
    const issue = issueOf(accounts.renew.name)[0];
    expect(issue?.statusId).toBe(TODO);
    const view = (await call<RegistryPage>('listFunctional', {})).accounts.find(
      (x) => x.accountId === accounts.renew.accountId,
    );
    const cred = view?.credentials.find((c) => c.status === 'active');
    const later = new Date(Date.now() + 200 * DAY).toISOString().slice(0, 10);
    const renewed = await call<FunctionalAccountView>('rotateCredential', {
      accountId: accounts.renew.accountId,
      credentialId: cred?.credentialId,
      expiresAt: later,
    });
    expect(renewed.credentials.find((c) => c.status === 'active')?.expiresAt?.slice(0, 10)).toBe(later);
    await site.queue.idle();
    const after = issueOf(accounts.renew.name);
    expect(after).toHaveLength(1);
    expect(after[0]?.statusId).toBe(DONE);
    const last = appComments(after[0]).at(-1);
    expect(words(last?.body)).toContain(`"renew token" of ${accounts.renew.name} was rotated`);
    // The renewed credential is 200 days out: a daily check tells nobody and files nothing new.
    const before = issueState(site.sim.state).outbox.length;
    await dailyCheck();
    expect(issueState(site.sim.state).outbox.length).toBe(before);
    expect(issueOf(accounts.renew.name)).toHaveLength(1);
    expect(appComments(issueOf(accounts.renew.name)[0])).toHaveLength(2);
  });

  it('unregistering the account moves its open issue to done with a comment, at once; the others stay open', async () => {
    const issue = issueOf(accounts.gone.name)[0];
    expect(issue?.statusId).toBe(TODO);
    await call<unknown>('unregisterFunctional', { accountId: accounts.gone.accountId });
    await site.queue.idle();
    const closed = issueOf(accounts.gone.name);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.statusId).toBe(DONE);
    const last = appComments(closed[0]).at(-1);
    expect(words(last?.body)).toContain(`${accounts.gone.name} is no longer registered as a functional account`);
    const before = issueState(site.sim.state).outbox.length;
    await dailyCheck();
    expect(issueState(site.sim.state).outbox.length).toBe(before);
    expect(appComments(issueOf(accounts.gone.name)[0])).toHaveLength(2);
    expect(issueOf(accounts.soon.name)[0]?.statusId).toBe(TODO);
  });
});
