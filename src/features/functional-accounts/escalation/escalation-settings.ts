/**
 * The escalation settings view: which Jira project and issue type reminders go to, and at which
 * thresholds. Saving checks, as the app, that it can work there — browse the project, create issues of
 * that type, comment, transition and assign — and refuses (changing nothing) with what is missing when it
 * cannot create issues. Identity: asApp for every Jira read (what matters is what the app may do).
 */
import type {
  EscalationCheck,
  EscalationSettingsView,
  IssueTypeOption,
  ProjectOption,
  SaveEscalationPayload,
} from '../../../contract';
import { MAX_THRESHOLD_DAYS } from '../../../contract';
import type { JiraClient } from '../../../jira';
import { JiraApiError } from '../../../jira/errors';
import { AppFailure, invalidInput } from '../../../invocation/app-error';
import type { AuditStore } from '../../audit/audit-store';
import { DEFAULT_THRESHOLDS, type EscalationSettings, type EscalationStore } from './escalation-store';

export type SettingsJira = Pick<
  JiraClient,
  'listProjectsPage' | 'listCreatableIssueTypes' | 'getAppProjectPermissions' | 'getUsersBulkPage'
>;

export interface SettingsDeps {
  jira: SettingsJira;
  esc: EscalationStore;
  audit: AuditStore;
  now?: () => Date;
}

/** The project permissions escalation uses, and what to say when one is missing. */
const NEEDED: Record<string, string> = {
  BROWSE_PROJECTS: 'Browse projects: the app cannot see the project.',
  CREATE_ISSUES: 'Create issues: the app cannot create the tracking issues.',
  ADD_COMMENTS: 'Add comments: the app cannot add a comment at each reminder.',
  TRANSITION_ISSUES: 'Transition issues: the app cannot move an issue to Done after a rotation.',
  ASSIGN_ISSUES: 'Assign issues: issues will be created unassigned instead of assigned to the owner.',
};
const FIX =
  'In the project’s settings (Permissions), grant these to the "atlassian-addons-project-access" role, which holds the app.';

export async function listProjects(deps: SettingsDeps, query: string): Promise<ProjectOption[]> {
  const page = await deps.jira.listProjectsPage(0, 50, query.trim().slice(0, 100));
  return page.items;
}

export async function listIssueTypes(deps: SettingsDeps, projectId: string): Promise<IssueTypeOption[]> {
  if (!/^\d{1,18}$/.test(projectId)) throw invalidInput('Choose a project from the list.');
  try {
    return await deps.jira.listCreatableIssueTypes(projectId);
  } catch (err) {
    if (err instanceof JiraApiError && (err.status === 400 || err.status === 404))
      throw new AppFailure('NOT_FOUND', 'The app cannot see that project.');
    throw err;
  }
}

/** What the app may do in the project with that issue type, checked now, as the app. */
export async function checkProject(
  deps: SettingsDeps,
  projectId: string,
  issueTypeId: string,
): Promise<EscalationCheck & { projectName?: string; projectKey?: string; issueTypeName?: string }> {
  const checkedAt = (deps.now?.() ?? new Date()).toISOString();
  const perms = await deps.jira.getAppProjectPermissions(projectId, Object.keys(NEEDED)).catch((err: unknown) => {
    if (err instanceof JiraApiError && err.status === 404) return undefined;
    throw err;
  });
  if (!perms) return { checkedAt, canCreate: false, missing: ['The project does not exist or the app cannot see it.'] };
  const missing = Object.entries(NEEDED)
    .filter(([k]) => !perms[k])
    .map(([, words]) => words);
  const types = perms.BROWSE_PROJECTS && perms.CREATE_ISSUES ? await listIssueTypes(deps, projectId) : [];
  const type = types.find((t) => t.id === issueTypeId);
  if (perms.CREATE_ISSUES && !type)
    missing.push('The chosen issue type cannot be created in this project: choose another.');
  const project = perms.BROWSE_PROJECTS
    ? (await deps.jira.listProjectsPage(0, 50, '')).items.find((p) => p.id === projectId)
    : undefined;
  const canCreate = !!perms.BROWSE_PROJECTS && !!perms.CREATE_ISSUES && !!type;
  return {
    checkedAt,
    canCreate,
    missing: missing.length > 0 ? [...missing, FIX] : [],
    ...(project ? { projectName: project.name, projectKey: project.key } : {}),
    ...(type ? { issueTypeName: type.name } : {}),
  };
}

export function validThresholds(raw: unknown): number[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 6)
    throw invalidInput('Give between one and six reminder days.');
  const days = raw.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_THRESHOLD_DAYS)
      throw invalidInput(`Reminder days are whole numbers from 0 (on expiry) to ${MAX_THRESHOLD_DAYS}.`);
    return d;
  });
  return [...new Set(days)].sort((a, b) => b - a);
}

async function nameOf(deps: SettingsDeps, accountId: string | undefined): Promise<string | undefined> {
  if (!accountId) return undefined;
  return (await deps.jira.getUsersBulkPage([accountId], 0, 'app')).items[0]?.displayName;
}

export async function getEscalationSettings(deps: SettingsDeps): Promise<EscalationSettingsView> {
  const s = await deps.esc.settings();
  return view(s, await nameOf(deps, s.updatedBy));
}

function view(s: EscalationSettings, updatedByName?: string, check?: EscalationCheck): EscalationSettingsView {
  return {
    configured: !!s.projectId && !!s.issueTypeId,
    ...(s.projectId ? { projectId: s.projectId, projectKey: s.projectKey, projectName: s.projectName } : {}),
    ...(s.issueTypeId ? { issueTypeId: s.issueTypeId, issueTypeName: s.issueTypeName } : {}),
    thresholds: s.thresholds.length > 0 ? s.thresholds : [...DEFAULT_THRESHOLDS],
    ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
    ...(updatedByName ? { updatedByName } : {}),
    ...(check ? { check } : {}),
  };
}

/** Checks the saved project again (the settings view's "Check again"). */
export async function recheckEscalation(deps: SettingsDeps): Promise<EscalationSettingsView> {
  const s = await deps.esc.settings();
  if (!s.projectId || !s.issueTypeId) return view(s, await nameOf(deps, s.updatedBy));
  const check = await checkProject(deps, s.projectId, s.issueTypeId);
  return view(s, await nameOf(deps, s.updatedBy), {
    checkedAt: check.checkedAt,
    canCreate: check.canCreate,
    missing: check.missing,
  });
}

export async function saveEscalationSettings(
  deps: SettingsDeps,
  actor: string,
  p: SaveEscalationPayload,
): Promise<EscalationSettingsView> {
  const thresholds = validThresholds(p.thresholds);
  const now = (deps.now?.() ?? new Date()).toISOString();
  // No lock (issue 19, item 5): a save replaces every field from its own payload (nothing of `before` is
  // carried over), so two saves at once end as the later one, each audited; `before` only names what was.
  const before = await deps.esc.settings();
  if (!p.projectId) {
    if (p.issueTypeId) throw invalidInput('Choose a project for the issue type.');
    const off: EscalationSettings = { thresholds, updatedAt: now, updatedBy: actor };
    await deps.esc.putSettings(off);
    await deps.audit.record({
      actor,
      action: 'functional.escalation.settings',
      targetType: 'settings',
      targetId: 'escalation',
      targetLabel: 'Expiry reminders',
      result: 'done',
      detail: `No project: nobody is told; reminders show on the page only (${thresholds.join(', ')} days).${before.projectName ? ` Was ${before.projectName}.` : ''}`,
    });
    return view(off, await nameOf(deps, actor));
  }
  if (!/^\d{1,18}$/.test(p.projectId)) throw invalidInput('Choose a project from the list.');
  if (!p.issueTypeId || !/^\d{1,18}$/.test(p.issueTypeId)) throw invalidInput('Choose an issue type.');
  const check = await checkProject(deps, p.projectId, p.issueTypeId);
  if (!check.canCreate)
    throw new AppFailure('FORBIDDEN', `The app cannot create issues there. ${check.missing.join(' ')}`);
  const saved: EscalationSettings = {
    projectId: p.projectId,
    projectKey: check.projectKey,
    projectName: check.projectName,
    issueTypeId: p.issueTypeId,
    issueTypeName: check.issueTypeName,
    thresholds,
    updatedAt: now,
    updatedBy: actor,
  };
  await deps.esc.putSettings(saved);
  await deps.audit.record({
    actor,
    action: 'functional.escalation.settings',
    targetType: 'settings',
    targetId: 'escalation',
    targetLabel: 'Expiry reminders',
    objectType: 'project',
    objectId: p.projectId,
    objectLabel: check.projectName,
    result: 'done',
    detail: `Reminders as ${check.issueTypeName ?? 'issues'} in ${check.projectName ?? 'the project'} at ${thresholds.join(', ')} days before expiry.`,
  });
  return view(saved, await nameOf(deps, actor), {
    checkedAt: check.checkedAt,
    canCreate: true,
    missing: check.missing,
  });
}
