/**
 * Projects and issues (`project/search`, `issue/createmeta`, `mypermissions` in a project, `issue`,
 * `issue/{key}/comment`, `issue/{key}/transitions`, `issue/{key}/notify`, `search/jql`), for credential
 * escalation and ownership hand-over.
 * Identity: asApp throughout. The tracking issues are the app's own ("created as the app"), the work runs
 * in queue consumers that have no user, and the settings check asks what the app itself may do.
 * Scopes: read:jira-work (reads) and write:jira-work (create, comment, transition, notify, properties).
 */
import api, { route } from '@forge/api';
import { ACCEPT_JSON, JSON_HEADERS, execute } from './transport/executor';
import { fromPageBean, type Page } from './transport/pagination';

export interface JiraProject {
  id: string;
  key: string;
  name: string;
}

export interface JiraIssueType {
  id: string;
  name: string;
}

/** Atlassian Document Format: the body of descriptions and comments. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: unknown[];
}

export interface IssueRef {
  id: string;
  key: string;
}

export interface IssueState extends IssueRef {
  statusCategory: 'new' | 'indeterminate' | 'done' | string;
  assigneeAccountId?: string;
  properties: Record<string, unknown>;
}

export interface IssueComment {
  id: string;
  authorAccountId?: string;
  text: string;
}

export interface IssueTransition {
  id: string;
  name: string;
  toCategory: string;
}

/** `search/jql` answers up to 5,000 ids a page; the app asks for what it needs. */
export const SEARCH_PAGE = 100;

/** asApp. Projects the app can browse, one page. Scope: read:jira-work. */
export async function listProjectsPage(startAt: number, maxResults: number, query = ''): Promise<Page<JiraProject>> {
  const body = await execute<{ values: JiraProject[]; isLast: boolean; total: number; startAt: number }>(
    () =>
      api
        .asApp()
        .requestJira(
          route`/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}&query=${query}&orderBy=name`,
          { headers: ACCEPT_JSON },
        ),
    { operation: 'List projects', idempotent: true },
  );
  return fromPageBean({ ...body, values: body.values.map((p) => ({ id: p.id, key: p.key, name: p.name })) });
}

/** asApp. Issue types the app may create in a project (none without Create issues). Scope: read:jira-work. */
export async function listCreatableIssueTypes(projectIdOrKey: string): Promise<JiraIssueType[]> {
  const body = await execute<{ issueTypes?: JiraIssueType[] }>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/createmeta/${projectIdOrKey}/issuetypes?maxResults=100`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'Get create metadata', idempotent: true },
  );
  return (body.issueTypes ?? []).map((t) => ({ id: t.id, name: t.name }));
}

/** asApp. Which of `keys` the app holds in the project. Scope: read:jira-work. */
export async function getAppProjectPermissions<K extends string>(
  projectIdOrKey: string,
  keys: K[],
): Promise<Record<K, boolean>> {
  const body = await execute<{ permissions: Record<string, { havePermission: boolean }> }>(
    () =>
      api
        .asApp()
        .requestJira(route`/rest/api/3/mypermissions?projectKey=${projectIdOrKey}&permissions=${keys.join(',')}`, {
          headers: ACCEPT_JSON,
        }),
    { operation: 'Get the app’s project permissions', idempotent: true },
  );
  const out = {} as Record<K, boolean>;
  for (const k of keys) out[k] = body.permissions[k]?.havePermission === true;
  return out;
}

export interface NewIssue {
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: AdfDoc;
  assigneeAccountId?: string;
  /** Entity properties set with the issue, in the same request (so the issue is never without them). */
  properties: Array<{ key: string; value: unknown }>;
}

/**
 * asApp. Browse projects and Create issues. Not idempotent: a lost answer throws JiraOutcomeUnknownError and
 * the caller looks the issue up by its entity property. Scope: write:jira-work.
 */
export async function createIssue(issue: NewIssue): Promise<IssueRef> {
  const body = await execute<IssueRef>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          fields: {
            project: { id: issue.projectId },
            issuetype: { id: issue.issueTypeId },
            summary: issue.summary,
            description: issue.description,
            ...(issue.assigneeAccountId ? { assignee: { accountId: issue.assigneeAccountId } } : {}),
          },
          properties: issue.properties,
        }),
      }),
    { operation: 'Create issue', idempotent: false },
  );
  return { id: body.id, key: body.key };
}

interface IssueBody {
  id: string;
  key: string;
  fields?: {
    status?: { statusCategory?: { key?: string } };
    assignee?: { accountId?: string } | null;
  };
  properties?: Record<string, unknown>;
}

function issueState(b: IssueBody): IssueState {
  return {
    id: b.id,
    key: b.key,
    statusCategory: b.fields?.status?.statusCategory?.key ?? 'new',
    ...(b.fields?.assignee?.accountId ? { assigneeAccountId: b.fields.assignee.accountId } : {}),
    properties: b.properties ?? {},
  };
}

/**
 * asApp. Issues matching `jql` (status, assignee and the named entity properties), one page by token.
 * A read, repeated freely; `reconcileIssues` asks for read-after-write on issues the caller knows.
 * Scope: read:jira-work.
 */
export async function searchIssues(
  jql: string,
  properties: string[],
  nextPageToken?: string,
  reconcileIssues: string[] = [],
): Promise<{ issues: IssueState[]; nextPageToken?: string }> {
  const body = await execute<{ issues?: IssueBody[]; nextPageToken?: string }>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/search/jql`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          jql,
          maxResults: SEARCH_PAGE,
          fields: ['status', 'assignee'],
          properties,
          ...(nextPageToken ? { nextPageToken } : {}),
          ...(reconcileIssues.length > 0 ? { reconcileIssues: reconcileIssues.map(Number) } : {}),
        }),
      }),
    { operation: 'Search issues', idempotent: true },
  );
  return {
    issues: (body.issues ?? []).map(issueState),
    ...(body.nextPageToken ? { nextPageToken: body.nextPageToken } : {}),
  };
}

/** asApp. One issue's status, assignee and the named properties. Scope: read:jira-work. */
export async function getIssue(idOrKey: string, properties: string[]): Promise<IssueState> {
  const body = await execute<IssueBody>(
    () =>
      api
        .asApp()
        .requestJira(route`/rest/api/3/issue/${idOrKey}?fields=status,assignee&properties=${properties.join(',')}`, {
          headers: ACCEPT_JSON,
        }),
    { operation: 'Get issue', idempotent: true },
  );
  return issueState(body);
}

function textOf(node: unknown): string {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: unknown; content?: unknown };
  const own = typeof n.text === 'string' ? n.text : '';
  return own + (Array.isArray(n.content) ? n.content.map(textOf).join(' ') : '');
}

/** asApp. An issue's comments (the first 100), as plain text, to read back what the app wrote. Scope: read:jira-work. */
export async function listComments(idOrKey: string): Promise<IssueComment[]> {
  const body = await execute<{ comments?: Array<{ id: string; author?: { accountId?: string }; body?: unknown }> }>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/${idOrKey}/comment?maxResults=100`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'Get comments', idempotent: true },
  );
  return (body.comments ?? []).map((c) => ({
    id: c.id,
    ...(c.author?.accountId ? { authorAccountId: c.author.accountId } : {}),
    text: textOf(c.body),
  }));
}

/** asApp. Add comments. Not idempotent (the caller reads comments back after a lost answer). Scope: write:jira-work. */
export async function addComment(idOrKey: string, body: AdfDoc): Promise<{ id: string }> {
  const res = await execute<{ id: string }>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/${idOrKey}/comment`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ body }),
      }),
    { operation: 'Add comment', idempotent: false },
  );
  return { id: res.id };
}

/** asApp. Transitions the app may make from the issue's status. Scope: read:jira-work. */
export async function listTransitions(idOrKey: string): Promise<IssueTransition[]> {
  const body = await execute<{
    transitions?: Array<{ id: string; name: string; to?: { statusCategory?: { key?: string } } }>;
  }>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/${idOrKey}/transitions`, {
        headers: ACCEPT_JSON,
      }),
    { operation: 'Get transitions', idempotent: true },
  );
  return (body.transitions ?? []).map((t) => ({ id: t.id, name: t.name, toCategory: t.to?.statusCategory?.key ?? '' }));
}

/**
 * asApp. Browse projects and Transition issues; the comment is added with the move. Not idempotent (a repeat
 * is refused once the issue has moved): the caller reads the status back. Scope: write:jira-work.
 */
export async function transitionIssue(idOrKey: string, transitionId: string, comment?: AdfDoc): Promise<void> {
  await execute<void>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/${idOrKey}/transitions`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          transition: { id: transitionId },
          ...(comment ? { update: { comment: [{ add: { body: comment } }] } } : {}),
        }),
      }),
    { operation: 'Transition issue', idempotent: false },
  );
}

export interface Notice {
  subject: string;
  textBody: string;
  htmlBody: string;
  accountIds: string[];
  groupIds: string[];
}

/**
 * asApp. Queues an email about the issue to people and groups (Jira expands groups). Not idempotent, and
 * Jira offers no way to read the mail queue back. Scope: write:jira-work.
 */
export async function notifyIssue(idOrKey: string, notice: Notice): Promise<void> {
  await execute<void>(
    () =>
      api.asApp().requestJira(route`/rest/api/3/issue/${idOrKey}/notify`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({
          subject: notice.subject,
          textBody: notice.textBody,
          htmlBody: notice.htmlBody,
          to: {
            users: notice.accountIds.map((accountId) => ({ accountId })),
            groupIds: notice.groupIds,
          },
        }),
      }),
    { operation: 'Notify about issue', idempotent: false },
  );
}
