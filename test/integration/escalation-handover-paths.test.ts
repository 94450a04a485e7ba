import type { HandOverView, RegistryPage } from '../../src/contract';
import { issueState, type SimIssue } from '../../local/jira-sim/issues-model';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, startTestSite } from '../support/site';
import {
  HANDOVER_PROPERTY,
  adminCaller,
  chooseReminderProject,
  escalationPeople,
  owningGroup,
  registerAccount,
} from '../support/escalation';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * The hand-over paths functional-escalation.test.ts leaves out, through the real @forge/* packages against
 * the simulator: an owner deactivated and another deleted in Jira (site.sim.directory, so Jira's user event
 * reaches the `user-events` trigger) → their accounts go to their first backup, audited as
 * functional.handover, and the hand-over issue's notice goes to the owning group too; and "Hand over" of
 * more than 25 accounts (the queued job): every account moves, each audited.
 */
describe('hand-over: user events and the queued job', () => {
  let site: LocalSite;
  let team: { groupId: string };
  let pool: string[];
  const call = <T>(key: string, payload: unknown = {}) => adminCaller(site)<T>(key, payload);
  const audits = (action: string) =>
    site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; actor?: string; targetId?: string })
      .filter((e) => e && e.action === action);
  const take = (n: number): string[] => pool.splice(0, n);
  const register = (accountId: string, owner: string, backups: string[]) =>
    registerAccount(site, { accountId, owner, backups, owningGroupId: team.groupId });
  const ownerOf = async (ids: string[]) => {
    const page = await call<RegistryPage>('listFunctional', {});
    return ids.map((id) => page.accounts.find((a) => a.accountId === id)?.ownerAccountId);
  };
  async function settle(): Promise<void> {
    // The simulator hands its user events to listeners on the next macrotask (jira-sim/user-events.ts).
    await new Promise((resolve) => setImmediate(resolve));
    await site.productEvents.idle();
    await site.queue.idle();
  }

  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 300, groups: 20, serviceDesks: 1 },
      // Not a test of the pool: one no test exhausts, wherever in the real-clock hour it runs.
      rateLimits: { pointsPerHour: 1_000_000 },
    });
    pool = escalationPeople(site);
    team = owningGroup(site, 'team-data');
    await chooseReminderProject(site, [30, 7, 1, 0]);
  }, 120_000);
  afterAll(() => site.close());

  it('an owner deactivated, and one deleted, in Jira: the user event hands their accounts to the first backup, audited; the notice reaches the owning group', async () => {
    const [left, gone, b1, b2] = take(4) as [string, string, string, string];
    const leftAccounts = take(2);
    const goneAccounts = take(1);
    for (const a of leftAccounts) await register(a, left, [b1, b2]);
    for (const a of goneAccounts) await register(a, gone, [b2]);
    expect(await ownerOf([...leftAccounts, ...goneAccounts])).toEqual([left, left, gone]);

    // Jira delivers at least once: every user event twice, and again late.
    site.productEvents.configure({ duplicateRate: 1, lateRate: 1, lateWithinMs: 300 });
    site.sim.directory.updateUser(left, { active: false });
    site.sim.directory.deleteUser(gone);
    await settle();

    const kinds = site.productEvents.deliveries.map((d) => d.kind);
    expect(kinds).toEqual(expect.arrayContaining(['first', 'duplicate', 'late']));
    expect(await ownerOf([...leftAccounts, ...goneAccounts])).toEqual([b1, b1, b2]);
    const byEvent = audits('functional.handover').filter((e) => e.actor === 'jira-user-event');
    expect(byEvent.map((e) => e.targetId).sort()).toEqual([...leftAccounts, ...goneAccounts].sort());
    const page = await call<RegistryPage>('listFunctional', {});
    for (const a of [...leftAccounts, ...goneAccounts])
      expect(page.accounts.find((x) => x.accountId === a)?.handoverMark).toBeDefined();

    // One hand-over issue per departed person, each with one notice to the new owner, backups and owning group.
    const handovers = [...issueState(site.sim.state).issues.values()].filter((i) =>
      i.properties.has(HANDOVER_PROPERTY),
    );
    expect(handovers).toHaveLength(2);
    const outbox = issueState(site.sim.state).outbox;
    for (const h of handovers as SimIssue[]) {
      const notices = outbox.filter((n) => n.issueId === h.id);
      expect(notices).toHaveLength(1);
      expect(notices[0]?.requested.groups).toEqual([team.groupId]);
      // Jira expands the group: its members (who may browse the project) are told.
      const member = [...(site.sim.state.groups.get(team.groupId)?.members ?? [])][0];
      expect(notices[0]?.recipients).toContain(member);
    }
    expect(handovers.map((h) => h.assignee).sort()).toEqual([b1, b2].sort());
  });

  it('"Hand over" of 26 accounts goes to the queue: every account moves to the new owner, each audited', async () => {
    const [from, to] = take(2) as [string, string];
    const many = take(26);
    expect(many).toHaveLength(26);
    for (const a of many) await register(a, from, []);
    const res = await call<HandOverView>('handOverAccounts', { fromAccountId: from, toAccountId: to });
    expect(res.queued?.accounts).toBe(26);
    await site.queue.idle();
    expect(await ownerOf(many)).toEqual(many.map(() => to));
    const byAdmin = audits('functional.handover').filter((e) => e.actor === ADMIN);
    expect(byAdmin.map((e) => e.targetId).sort()).toEqual([...many].sort());
  });
});
