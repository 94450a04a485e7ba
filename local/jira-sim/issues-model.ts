/**
 * The simulated site's projects and issues: projects with issue types, a simplified workflow, a
 * permission scheme, issues with comments and entity properties, the mail queue that
 * `POST /issue/{key}/notify` feeds (the notification outbox tests read), and Jira's per-issue write
 * limits. Kept beside `SiteState` (one `IssueState` per site, created on first use) so the seed and
 * the user/group model stay untouched. Pure data; no HTTP here.
 */
import type { SiteState, SimUser } from './model';
import { groupByName, hasGlobalPermission } from './model';

export interface SimStatus {
  id: string;
  name: string;
  /** Jira's three status categories: `new` (To Do), `indeterminate` (In Progress), `done` (Done). */
  category: 'new' | 'indeterminate' | 'done';
}

export interface SimIssueType {
  id: string;
  name: string;
  description: string;
}

export interface SimProject {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'software' | 'business' | 'service_desk';
  issueTypes: SimIssueType[];
  /**
   * Groups granted Browse projects, Create issues, Assignable user and the other everyday project
   * permissions by the project's permission scheme. Jira administrators always get Administer projects.
   */
  userGroups: string[];
  /**
   * Whether the project's `atlassian-addons-project-access` role still holds the app user: Jira grants
   * that role every project permission in every project by default, and a project admin can remove it
   * (which is how an app loses Create issues in one project).
   */
  appAccess: boolean;
}

export interface SimComment {
  id: string;
  author: string;
  body: unknown;
  created: string;
}

export interface SimIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: unknown;
  statusId: string;
  assignee: string | null;
  reporter: string;
  created: string;
  updated: string;
  resolutiondate: string | null;
  labels: string[];
  comments: SimComment[];
  properties: Map<string, unknown>;
  /** Milliseconds since the epoch from which the issue is visible to JQL search (index lag). */
  searchableFrom: number;
}

/** One queued notification email: who asked, who receives it (groups expanded), about which issue. */
export interface OutboxEntry {
  at: string;
  issueId: string;
  issueKey: string;
  /** The caller's account id (the app user for asApp). */
  sentBy: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  /** Account ids that receive the email: named users and members of named groups, active only, de-duplicated. */
  recipients: string[];
  /** What the request named, before expansion. */
  requested: { users: string[]; groups: string[]; assignee: boolean; reporter: boolean; watchers: boolean };
}

export interface IssueState {
  projects: SimProject[];
  statuses: SimStatus[];
  issues: Map<string, SimIssue>;
  nextIssueId: number;
  nextCommentId: number;
  issueCounters: Map<string, number>;
  outbox: OutboxEntry[];
  /** Milliseconds a new issue stays invisible to JQL search ("recent updates might not be immediately visible"); 0 by default. */
  searchLagMs: number;
  /** Jira's per-issue write limits: writes per window. Set `enabled = false` to switch them off. */
  perIssueWrites: { enabled: boolean; windows: Array<{ limit: number; ms: number }>; hits: Map<string, number[]> };
}

export const STATUS = {
  todo: { id: '10000', name: 'To Do', category: 'new' },
  inProgress: { id: '3', name: 'In Progress', category: 'indeterminate' },
  done: { id: '10001', name: 'Done', category: 'done' },
} as const satisfies Record<string, SimStatus>;

/**
 * The simplified workflow every seeded project uses: global transitions to each status (as Jira's
 * team-managed and "simplified" workflows have), named after the status they lead to.
 */
export const TRANSITIONS = [
  { id: '11', name: 'To Do', to: STATUS.todo },
  { id: '21', name: 'In Progress', to: STATUS.inProgress },
  { id: '31', name: 'Done', to: STATUS.done },
] as const;

const TASK: SimIssueType = { id: '10001', name: 'Task', description: 'A small, distinct piece of work.' };
const BUG: SimIssueType = { id: '10004', name: 'Bug', description: 'A problem or error.' };
const IDEA: SimIssueType = { id: '10010', name: 'Idea', description: 'An idea to discover and deliver.' };
const SERVICE_REQUEST: SimIssueType = {
  id: '10020',
  name: 'Service Request',
  description: 'Request help from an internal or customer service team.',
};

/** The seeded projects beside the service-desk projects. */
export const SEEDED_PROJECTS = {
  /** Software project with Task and a done transition; every product user and the app can work in it. */
  ops: { id: '10100', key: 'OPS', name: 'IT Operations' },
  /** Business project whose app role was removed and whose scheme admits only Jira administrators. */
  people: { id: '10101', key: 'PEOP', name: 'People Operations' },
  /** A business project with no Task type (ideas only). */
  ideas: { id: '10102', key: 'IDEA', name: 'Ideas' },
} as const;

const states = new WeakMap<SiteState, IssueState>();

/** The site's issue state, seeded on first use. */
export function issueState(state: SiteState): IssueState {
  let s = states.get(state);
  if (!s) {
    s = seedIssueState(state);
    states.set(state, s);
  }
  return s;
}

function seedIssueState(state: SiteState): IssueState {
  const projects: SimProject[] = [
    {
      ...SEEDED_PROJECTS.ops,
      projectTypeKey: 'software',
      issueTypes: [TASK, BUG],
      userGroups: ['jira-software-users', 'jira-administrators'],
      appAccess: true,
    },
    {
      ...SEEDED_PROJECTS.people,
      projectTypeKey: 'business',
      issueTypes: [TASK],
      userGroups: ['jira-administrators'],
      appAccess: false,
    },
    {
      ...SEEDED_PROJECTS.ideas,
      projectTypeKey: 'business',
      issueTypes: [IDEA],
      userGroups: ['jira-product-discovery-users', 'jira-administrators'],
      appAccess: true,
    },
  ];
  for (const desk of state.serviceDesks.values()) {
    projects.push({
      id: desk.projectId,
      key: desk.projectKey,
      name: desk.projectName,
      projectTypeKey: 'service_desk',
      issueTypes: [SERVICE_REQUEST, TASK],
      userGroups: ['jira-servicemanagement-users', 'jira-administrators'],
      appAccess: true,
    });
  }
  projects.sort((a, b) => a.name.localeCompare(b.name));
  return {
    projects,
    statuses: Object.values(STATUS),
    issues: new Map(),
    nextIssueId: 20000,
    nextCommentId: 30000,
    issueCounters: new Map(),
    outbox: [],
    searchLagMs: 0,
    perIssueWrites: {
      enabled: true,
      // "Writes to one issue: 20 per 2 seconds and 100 per 30 seconds" (Jira Cloud rate limiting).
      windows: [
        { limit: 20, ms: 2_000 },
        { limit: 100, ms: 30_000 },
      ],
      hits: new Map(),
    },
  };
}

export function findProject(s: IssueState, idOrKey: string): SimProject | undefined {
  return s.projects.find((p) => p.id === idOrKey || p.key.toLowerCase() === idOrKey.toLowerCase());
}

export function findIssue(s: IssueState, idOrKey: string): SimIssue | undefined {
  const byId = s.issues.get(idOrKey);
  if (byId) return byId;
  const upper = idOrKey.toUpperCase();
  for (const issue of s.issues.values()) if (issue.key === upper) return issue;
  return undefined;
}

export function projectOf(s: IssueState, issue: SimIssue): SimProject {
  const p = s.projects.find((x) => x.id === issue.projectId);
  if (!p) throw new Error(`issue ${issue.key} has no project`);
  return p;
}

export function statusOf(s: IssueState, issue: SimIssue): SimStatus {
  return s.statuses.find((x) => x.id === issue.statusId) ?? STATUS.todo;
}

/** Project permissions the scheme admits, by key; anything else is held by the project's user groups. */
const ADMIN_ONLY = new Set(['ADMINISTER_PROJECTS', 'EDIT_WORKFLOW', 'EDIT_ISSUE_LAYOUT']);

/**
 * Whether `accountId` (a user, or the app user) holds project permission `key` in `project`: the app user
 * through the add-ons role when the project keeps it; users through the scheme's groups (active only);
 * Jira administrators administer every project.
 */
export function holdsProjectPermission(
  state: SiteState,
  project: SimProject,
  accountId: string | undefined,
  key: string,
): boolean {
  if (!accountId) return false;
  // App users hold the add-ons role's permissions but are never offered as assignees.
  if (accountId === state.appAccountId) return project.appAccess && key !== 'ASSIGNABLE_USER';
  const user = state.users.get(accountId);
  if (!user || !user.active) return false;
  if (ADMIN_ONLY.has(key)) return hasGlobalPermission(state, accountId, 'ADMINISTER');
  if (key === 'ASSIGNABLE_USER' && user.accountType !== 'atlassian') return false;
  return project.userGroups.some((g) => groupByName(state, g)?.members.has(accountId));
}

/** Active users who would receive mail about the issue from the named users and groups. */
export function expandRecipients(state: SiteState, users: string[], groups: string[]): string[] {
  const out = new Set<string>();
  const add = (u: SimUser | undefined) => {
    if (u && u.active && u.accountType !== 'app') out.add(u.accountId);
  };
  for (const id of users) add(state.users.get(id));
  for (const name of groups) {
    const g = groupByName(state, name) ?? state.groups.get(name);
    for (const id of g?.members ?? []) add(state.users.get(id));
  }
  return [...out];
}

/**
 * Records one write to `issueId` against Jira's per-issue limits; when a window is full, answers the
 * seconds to wait instead (and records nothing).
 */
export function admitIssueWrite(s: IssueState, issueId: string, now = Date.now()): { retryAfter: number } | undefined {
  const w = s.perIssueWrites;
  if (!w.enabled) return undefined;
  const longest = Math.max(...w.windows.map((x) => x.ms));
  const hits = (w.hits.get(issueId) ?? []).filter((t) => now - t < longest);
  for (const win of w.windows) {
    const inWindow = hits.filter((t) => now - t < win.ms);
    if (inWindow.length >= win.limit) {
      const oldest = inWindow[inWindow.length - win.limit] ?? now;
      w.hits.set(issueId, hits);
      return { retryAfter: Math.max(1, Math.ceil((oldest + win.ms - now) / 1000)) };
    }
  }
  hits.push(now);
  w.hits.set(issueId, hits);
  return undefined;
}
