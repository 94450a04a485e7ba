import type {
  Envelope,
  EscalationSettingsView,
  FunctionalAccountView,
  HandOverView,
  ProjectOption,
  RegistryPage,
} from '../../src/contract';
import { issueState, type SimIssue } from '../../local/jira-sim/issues-model';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';
import {
  DAY,
  adminCaller,
  chooseReminderProject,
  dailyCheck as runDailyCheck,
  escalationPeople,
  owningGroup,
  registerAccount,
  reminderIssues,
} from '../support/escalation';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Credential expiry escalation and ownership hand-over through the real @forge/* packages against the
 * simulator: accounts whose credentials expire in 29, 6 and 0 days; the daily check run twice with every
 * event delivered twice (half at once) and consumers killed, and the first create, comment and notice of
 * the run losing their answers: one issue per account and credential cycle, assigned to the owner; one
 * notice per threshold, to the owner and the backups (and the owning group from one day on); rotating one
 * moves its issue to done. Then an owner deactivated in Jira: one hand-over issue to the backups, the
 * accounts go to the first backup; "Hand over" moves all of one person's accounts and audits each.
 */
describe('credential expiry escalation and hand-over', () => {
  let site: LocalSite;
  let owner: string;
  let backups: string[];
  let team: { groupId: string; members: Set<string> };
  const accounts: Array<{ accountId: string; name: string; days: number }> = [];

  const call = <T>(key: string, payload: unknown = {}) => adminCaller(site)<T>(key, payload);
  const issues = (): SimIssue[] => reminderIssues(site);
  const issueOf = (accountName: string) => reminderIssues(site, accountName);
  const dailyCheck = () => runDailyCheck(site);

  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 300, groups: 20, serviceDesks: 3 },
      // Not a test of the pool: one no test exhausts, wherever in the real-clock hour it runs.
      rateLimits: { pointsPerHour: 1_000_000 },
    });
    const [o, b1, b2, , , ...rest] = escalationPeople(site);
    owner = o ?? '';
    backups = [b1 ?? '', b2 ?? ''];
    // The owning group's members may see the project (so Jira mails them).
    team = owningGroup(site, 'team-data');
    const saved = await chooseReminderProject(site, [30, 7, 1, 0]);
    expect(saved).toMatchObject({ configured: true, projectName: 'IT Operations', issueTypeName: 'Task' });
    const funcs = rest.slice(0, 3);
    for (const [i, days] of [29, 6, 0].entries()) {
      const accountId = funcs[i];
      if (!accountId) throw new Error('not enough people');
      await registerAccount(site, {
        accountId,
        owner,
        backups,
        owningGroupId: team.groupId,
        credential: { label: `deploy token ${i + 1}`, days },
      });
      accounts.push({ accountId, name: site.sim.state.users.get(accountId)?.displayName ?? '', days });
    }
    site.queue.configure({
      duplicateRate: 1,
      concurrentDuplicateRate: 0.5,
      killRate: 0.4,
      killWithinMs: 40,
      timeScale: 0.1,
      seed: 11,
    });
    site.kvs.latencyMs = 5;
    site.sim.faults.configure({
      lostResponses: [
        { method: 'POST', path: '/rest/api/3/issue', times: 1 },
        { method: 'POST', path: /\/comment$/, times: 1 },
        { method: 'POST', path: /\/notify$/, times: 1 },
      ],
    });
    await dailyCheck();
    await dailyCheck();
    site.kvs.latencyMs = 0;
    // Real time again: a lease a killed duplicate left behind expires in real seconds (KVS TTL), so the
    // queue's retry delays must be real too.
    site.queue.configure({ duplicateRate: 0, killRate: 0, timeScale: 1 });
  }, 300_000);
  afterAll(() => site.close());

  it('was really delivered twice, killed, and lost answers along the way', () => {
    const esc = site.queue.deliveries.filter((d) => d.queue === 'functional-escalation');
    expect(esc.filter((d) => d.duplicate).length).toBeGreaterThan(0);
    expect(esc.filter((d) => d.outcome === 'killed').length).toBeGreaterThan(0);
    expect(site.sim.faults.lost.map((l) => l.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('creates one issue per account and credential cycle, as the app, assigned to the owner', () => {
    for (const a of accounts) {
      const mine = issueOf(a.name);
      expect(mine).toHaveLength(1);
      const issue = mine[0] as SimIssue;
      expect(issue.reporter).toBe(NAMED_USERS.app.accountId);
      expect(issue.assignee).toBe(owner);
      expect(issue.summary).toContain(`deploy token ${accounts.indexOf(a) + 1}`);
      expect(issue.summary).not.toMatch(/@/);
    }
    expect(issues()).toHaveLength(3);
  });

  it('tells owner and backups once per threshold (and the owning group from one day on), with one comment each', () => {
    const outbox = issueState(site.sim.state).outbox;
    for (const a of accounts) {
      const issue = issueOf(a.name)[0] as SimIssue;
      const notices = outbox.filter((n) => n.issueId === issue.id);
      expect(notices).toHaveLength(1);
      const n = notices[0];
      expect(n?.recipients).toEqual(expect.arrayContaining([owner, ...backups]));
      expect(n?.requested.groups).toEqual(a.days <= 1 ? [team.groupId] : []);
      expect(issue.comments.filter((c) => c.author === NAMED_USERS.app.accountId)).toHaveLength(1);
    }
    const subjects = accounts.map((a) => outbox.find((n) => n.issueId === issueOf(a.name)[0]?.id)?.subject);
    expect(subjects[0]).toContain('within 30 days');
    expect(subjects[1]).toContain('within 7 days');
    expect(subjects[2]).toContain('within a day');
  });

  it('moves the issue to done with a comment when the credential is rotated', async () => {
    const a = accounts[1] as (typeof accounts)[number];
    const view = (await call<RegistryPage>('listFunctional', {})).accounts.find((x) => x.accountId === a.accountId);
    const cred = view?.credentials.find((c) => c.status === 'active');
    await call<FunctionalAccountView>('rotateCredential', { accountId: a.accountId, credentialId: cred?.credentialId });
    await site.queue.idle();
    const issue = issueOf(a.name)[0] as SimIssue;
    expect(issue.statusId).toBe('10001');
    expect(issue.comments[issue.comments.length - 1]?.body).toMatchObject({ type: 'doc' });
    expect(JSON.stringify(issue.comments.at(-1)?.body)).toContain('rotated');
    // The others stay open; a further daily check changes nothing.
    const before = issueState(site.sim.state).outbox.length;
    await dailyCheck();
    expect(issueState(site.sim.state).outbox.length).toBe(before);
    expect(issueOf((accounts[0] as (typeof accounts)[number]).name)[0]?.statusId).toBe('10000');
  });

  it('hands an inactive owner’s accounts to the first backup, with one hand-over issue to the backups', async () => {
    const user = site.sim.state.users.get(owner);
    if (user) user.active = false;
    await dailyCheck();
    await dailyCheck();
    const handovers = [...issueState(site.sim.state).issues.values()].filter((i) => i.properties.has('jua-handover'));
    expect(handovers).toHaveLength(1);
    const h = handovers[0] as SimIssue;
    expect(h.assignee).toBe(backups[0]);
    for (const a of accounts) expect(JSON.stringify(h.description)).toContain(a.name);
    const notices = issueState(site.sim.state).outbox.filter((n) => n.issueId === h.id);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.recipients).toEqual(expect.arrayContaining(backups));
    const page = await call<RegistryPage>('listFunctional', {});
    for (const a of accounts) {
      const v = page.accounts.find((x) => x.accountId === a.accountId);
      expect(v?.ownerAccountId).toBe(backups[0]);
      expect(v?.handoverMark?.toName).toBeDefined();
    }
  });

  it('"Hand over" moves every account of one person to a new owner, auditing each', async () => {
    const [newOwner] = escalationPeople(site).slice(-1);
    const res = await call<HandOverView>('handOverAccounts', {
      fromAccountId: backups[0],
      toAccountId: newOwner,
    });
    expect(res.moved).toBe(3);
    const page = await call<RegistryPage>('listFunctional', { ownerAccountId: newOwner });
    expect(page.accounts.map((a) => a.accountId).sort()).toEqual(accounts.map((a) => a.accountId).sort());
    const audit = site.kvs
      .keys()
      .map((k) => site.kvs.peek(k) as { action?: string; actor?: string; targetId?: string })
      .filter((e) => e.action === 'functional.handover' && e.actor === ADMIN);
    expect(audit.map((e) => e.targetId).sort()).toEqual(accounts.map((a) => a.accountId).sort());
  });
});

/**
 * The settings view: the app checks, as itself, that it can create issues in the chosen project and says
 * what is missing (changing nothing); without a project the registry says plainly that nobody is told, and
 * the daily check creates no issue.
 */
describe('expiry reminder settings', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  beforeAll(async () => {
    site = await startTestSite({
      seed: { users: 200, groups: 10, serviceDesks: 1 },
      rateLimits: { pointsPerHour: 1_000_000 },
    });
  }, 120_000);
  afterAll(() => site.close());

  it('lists only projects the app can see, and refuses one where it cannot create issues, saying what is missing', async () => {
    const projects = await ok(call<ProjectOption[]>('listEscalationProjects', {}));
    expect(projects.map((p) => p.key)).toContain('OPS');
    expect(projects.map((p) => p.key)).not.toContain('PEOP');
    const before = await ok(call<EscalationSettingsView>('getEscalationSettings', {}));
    const refused = await call<EscalationSettingsView>('saveEscalationSettings', {
      projectId: '10101',
      issueTypeId: '10001',
      thresholds: [30, 7, 1, 0],
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('FORBIDDEN');
      expect(refused.error.message).toContain('Create issues');
      expect(refused.error.message).toContain('atlassian-addons-project-access');
    }
    expect(await ok(call<EscalationSettingsView>('getEscalationSettings', {}))).toEqual(before);
    const noTask = await call<EscalationSettingsView>('saveEscalationSettings', {
      projectId: '10102',
      issueTypeId: '10001',
      thresholds: [30],
    });
    expect(noTask.ok ? 'saved' : noTask.error.message).toContain('issue type cannot be created');
    const badDays = await call<EscalationSettingsView>('saveEscalationSettings', { thresholds: [400] });
    expect(badDays.ok ? 'saved' : badDays.error.code).toBe('INVALID_INPUT');
  });

  it('without a project, the registry says nobody is being told and the daily check files no issue', async () => {
    const [person, account] = [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
    const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    await ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId: account?.accountId,
        ownerAccountId: person?.accountId,
        backupOwnerAccountIds: [person?.accountId, NAMED_USERS.app.accountId],
        owningGroupId: group?.groupId,
        purpose: 'Sync',
        integration: 'CRM',
      }),
    );
    await ok(
      call<FunctionalAccountView>('addCredential', {
        accountId: account?.accountId,
        type: 'api-token',
        label: 'crm token',
        createdAt: new Date(Date.now() - 300 * DAY).toISOString(),
        expiresAt: new Date(Date.now() + 3 * DAY).toISOString(),
      }),
    );
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    const page = await ok(call<RegistryPage>('listFunctional', {}));
    expect(page.reminders?.told).toBe(false);
    expect(page.reminders?.message).toContain('Nobody is being told');
    const view = page.accounts.find((a) => a.accountId === account?.accountId);
    expect(view?.findings.map((f) => f.kind)).toContain('credential-expiring-7');
    // Backups are shown by name, with the warnings the issue asks for.
    expect(view?.backupOwners.map((b) => b.warnings.join(' '))).toEqual([
      expect.stringContaining('is the owner already'),
      expect.stringContaining('not a person'),
    ]);
    expect(issueState(site.sim.state).issues.size).toBe(0);
    const byBackup = await ok(call<RegistryPage>('listFunctional', { backupAccountId: NAMED_USERS.app.accountId }));
    expect(byBackup.accounts.map((a) => a.accountId)).toEqual([account?.accountId]);
    const byOther = await ok(call<RegistryPage>('listFunctional', { ownerAccountId: NAMED_USERS.regular.accountId }));
    expect(byOther.accounts).toEqual([]);
  });
});
