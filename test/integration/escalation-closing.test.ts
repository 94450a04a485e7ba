import type { FunctionalAccountView, RegistryPage } from '../../src/contract';
import { issueState } from '../../local/jira-sim/issues-model';
import type { LocalSite } from '../../local/local-site';
import { startTestSite } from '../support/site';
import {
  DAY,
  adfWords as words,
  adminCaller,
  appComments,
  chooseReminderProject,
  dailyCheck as runDailyCheck,
  escalationPeople,
  noticesOf as outboxOf,
  registerAccount,
  reminderIssues,
} from '../support/escalation';

const DONE = '10001';
const TODO = '10000';

/**
 * The escalation paths functional-escalation.test.ts leaves out, through the real @forge/* packages against
 * the simulator, with the thresholds configured as [14, 3] days: a credential 13 days out gets the 14-day
 * comment and notice (to owner and backups) and no 30- or 7-day one, once over two daily checks; renewing a
 * credential ("Record rotation" with a later expiry, the app's only way to renew), unregistering an account,
 * and a credential no longer recorded on its account each move the open tracking issue to done with a
 * comment saying why, at once (not at the next daily check), and a daily check afterwards tells nobody again.
 */
describe('escalation: custom thresholds, renewal, unregistering and a removed credential close the issue', () => {
  let site: LocalSite;
  let owner: string;
  let backups: string[];
  let groupId: string;
  type Which = 'soon' | 'renew' | 'gone' | 'removed';
  const accounts: Record<Which, { accountId: string; name: string }> = {
    soon: { accountId: '', name: '' },
    renew: { accountId: '', name: '' },
    gone: { accountId: '', name: '' },
    removed: { accountId: '', name: '' },
  };

  const call = <T>(key: string, payload: unknown = {}) => adminCaller(site)<T>(key, payload);
  const issueOf = (accountName: string) => reminderIssues(site, accountName);
  const noticesOf = (issue: Parameters<typeof outboxOf>[1]) => outboxOf(site, issue);
  const dailyCheck = () => runDailyCheck(site);

  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 200, groups: 10, serviceDesks: 1 },
      // Not a test of the pool: one no test exhausts, wherever in the real-clock hour it runs.
      rateLimits: { pointsPerHour: 1_000_000 },
    });
    const [o, b1, b2, ...rest] = escalationPeople(site);
    if (!o || !b1 || !b2 || rest.length < 4) throw new Error('not enough people in the seed');
    owner = o;
    backups = [b1, b2];
    const g = [...site.sim.state.groups.values()].find((x) => x.name.startsWith('team-'));
    if (!g) throw new Error('no team group');
    groupId = g.groupId;
    expect(await chooseReminderProject(site, [14, 3])).toMatchObject({ configured: true, thresholds: [14, 3] });

    // 13 days out (the 14-day threshold), 2 days out (the 3-day one), 10 and 5 days out (the 14-day one).
    const plan: Array<[Which, number]> = [
      ['soon', 13],
      ['renew', 2],
      ['gone', 10],
      ['removed', 5],
    ];
    for (const [i, [which, days]] of plan.entries()) {
      const accountId = rest[i] as string;
      await registerAccount(site, {
        accountId,
        owner,
        backups,
        owningGroupId: groupId,
        credential: { label: `${which} token`, days },
      });
      accounts[which] = { accountId, name: site.sim.state.users.get(accountId)?.displayName ?? '' };
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

  it('a credential no longer recorded on its account (unregistered, then registered again before the step ran) moves its issue to done, saying so', async () => {
    const issue = issueOf(accounts.removed.name)[0];
    expect(issue?.statusId).toBe(TODO);
    // Hold the queue: the escalation step that unregistering pushes runs only after the account is back,
    // registered anew without the credential.
    site.queue.configure({ maxConcurrency: 0 });
    await call<unknown>('unregisterFunctional', { accountId: accounts.removed.accountId });
    const again = await registerAccount(site, { accountId: accounts.removed.accountId, owner, owningGroupId: groupId });
    expect(again.credentials).toEqual([]);
    site.queue.configure({ maxConcurrency: 8 });
    await site.queue.idle();
    const closed = issueOf(accounts.removed.name);
    expect(closed).toHaveLength(1);
    expect(closed[0]?.statusId).toBe(DONE);
    const last = words(appComments(closed[0]).at(-1)?.body);
    expect(last).toContain(`The credential "removed token" is no longer recorded on ${accounts.removed.name}`);
    expect(last).not.toContain('no longer registered');
    const before = issueState(site.sim.state).outbox.length;
    await dailyCheck();
    expect(issueState(site.sim.state).outbox.length).toBe(before);
    expect(issueOf(accounts.removed.name)).toHaveLength(1);
    expect(appComments(issueOf(accounts.removed.name)[0])).toHaveLength(2);
  });
});
