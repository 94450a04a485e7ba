/**
 * Set-up and readings shared by the escalation suites (functional-escalation, escalation-handover-paths,
 * escalation-closing): the people who may own accounts, the reminder project chosen as an administrator
 * would, an account registered with a credential so many days from expiry, the daily check, and the app's
 * issues, comments and notices in the simulator.
 */
import type {
  Envelope,
  EscalationSettingsView,
  FunctionalAccountView,
  IssueTypeOption,
  ProjectOption,
} from '../../src/contract';
import { issueState, type SimIssue } from '../../local/jira-sim/issues-model';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok } from './site';

export const DAY = 86_400_000;
/** The entity property on the app's reminder issues, and on its hand-over issues. */
export const ESCALATION_PROPERTY = 'jua-escalation';
export const HANDOVER_PROPERTY = 'jua-handover';

/** A resolver call as the site administrator (a failed envelope fails the test). */
export function adminCaller(site: LocalSite): <T>(key: string, payload?: unknown) => Promise<T> {
  return <T>(key: string, payload: unknown = {}) =>
    ok(invokeAs<Envelope<T>>(site, NAMED_USERS.siteAdmin.accountId, key, payload));
}

/** Active people with Jira access (members of jira-software-users), not named test users nor functional. */
export function escalationPeople(site: LocalSite): string[] {
  const jsu = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-software-users');
  return [...site.sim.state.users.values()]
    .filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !u.displayName.includes('_Func_') &&
        jsu?.members.has(u.accountId) &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    )
    .map((u) => u.accountId);
}

/** The named group, its members given Jira access so that Jira mails them about the project's issues. */
export function owningGroup(site: LocalSite, name: string): { groupId: string; members: Set<string> } {
  const groups = [...site.sim.state.groups.values()];
  const g = groups.find((x) => x.name === name);
  if (!g) throw new Error(`no group ${name} in the seed`);
  const jsu = groups.find((x) => x.name === 'jira-software-users');
  for (const m of [...g.members]) jsu?.members.add(m);
  return g;
}

/** Reminders go to project OPS as Tasks, at these thresholds (the settings view's answer). */
export async function chooseReminderProject(site: LocalSite, thresholds: number[]): Promise<EscalationSettingsView> {
  const call = adminCaller(site);
  const projects = await call<ProjectOption[]>('listEscalationProjects', {});
  const ops = projects.find((p) => p.key === 'OPS');
  const types = await call<IssueTypeOption[]>('listEscalationIssueTypes', { projectId: ops?.id });
  return call<EscalationSettingsView>('saveEscalationSettings', {
    projectId: ops?.id,
    issueTypeId: types.find((t) => t.name === 'Task')?.id,
    thresholds,
  });
}

/** Registers `accountId` as functional and, with `credential`, records an API token expiring in `days` days (and an hour). */
export async function registerAccount(
  site: LocalSite,
  a: {
    accountId: string;
    owner: string;
    backups?: string[];
    owningGroupId: string;
    credential?: { label: string; days: number };
  },
): Promise<FunctionalAccountView> {
  const call = adminCaller(site);
  const view = await call<FunctionalAccountView>('registerFunctional', {
    accountId: a.accountId,
    ownerAccountId: a.owner,
    ...(a.backups ? { backupOwnerAccountIds: a.backups } : {}),
    owningGroupId: a.owningGroupId,
    purpose: 'Deploys',
    integration: 'CI',
  });
  if (!a.credential) return view;
  const now = Date.now();
  return call<FunctionalAccountView>('addCredential', {
    accountId: a.accountId,
    type: 'api-token',
    label: a.credential.label,
    createdAt: new Date(now - 300 * DAY).toISOString(),
    expiresAt: new Date(now + a.credential.days * DAY + 3_600_000).toISOString(),
  });
}

/** The daily trigger, then every queued step to its end. */
export async function dailyCheck(site: LocalSite): Promise<void> {
  await site.runScheduledTrigger('daily-functional-health');
  await site.queue.idle();
}

/** The app's reminder issues, those whose summary names `accountName` when given. */
export function reminderIssues(site: LocalSite, accountName?: string): SimIssue[] {
  return [...issueState(site.sim.state).issues.values()].filter(
    (i) => i.properties.has(ESCALATION_PROPERTY) && (accountName === undefined || i.summary.includes(accountName)),
  );
}

/** The notices Jira sent about `issue` (the simulator's outbox). */
export function noticesOf(site: LocalSite, issue: SimIssue | undefined) {
  return issueState(site.sim.state).outbox.filter((n) => n.issueId === issue?.id);
}

/** The comments the app wrote on `issue`. */
export function appComments(issue: SimIssue | undefined) {
  return (issue?.comments ?? []).filter((c) => c.author === NAMED_USERS.app.accountId);
}

/** A comment's words (its ADF text nodes), as people read them. */
export function adfWords(node: unknown): string {
  const n = node as { text?: unknown; content?: unknown[] } | undefined;
  return [typeof n?.text === 'string' ? n.text : '', ...(n?.content ?? []).map(adfWords)].join(' ');
}
