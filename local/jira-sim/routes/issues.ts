/**
 * Projects and issues: `project/search`, `project/{key}`, `issue/createmeta/{project}/issuetypes`,
 * `issue` (create, get), `issue/{key}/comment`, `issue/{key}/transitions`, `issue/{key}/notify` (into the
 * outbox in `issues-model.ts`), `issue/{key}/properties[/{propertyKey}]` and `search/jql`. Permission checks
 * follow each operation's reference (Browse projects to see, Create issues to create, Add comments,
 * Transition issues, Edit issues for properties, Assignable user for the assignee); writes to one issue
 * are held to Jira's per-issue limits (429 with `RateLimit-Reason: jira-per-issue-on-write`).
 */
import type { Route, SimRequest, SimResponse } from '../http';
import { SimHttpError, errorBody, intParam, pageParams } from '../http';
import { callerId, isJiraAdmin } from '../access';
import type { SimIssue, SimProject } from '../issues-model';
import {
  TRANSITIONS,
  admitIssueWrite,
  expandRecipients,
  findIssue,
  findProject,
  holdsProjectPermission,
  issueState,
  projectOf,
  statusOf,
} from '../issues-model';
import { parseJql } from '../jql';
import { groupByName } from '../model';
import { userDetailsJson } from '../representations';

const PROPERTY_VALUE_MAX = 32_768;
const PROPERTY_KEY_MAX = 255;
const SUMMARY_MAX = 255;
/** Jira Cloud's per-issue limit on comments (413 beyond it). */
const COMMENTS_PER_ISSUE_MAX = 5_000;
const SEARCH_MAX = 5_000;

function jiraTime(ms: number | string): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function can(req: SimRequest, project: SimProject, key: string): boolean {
  return holdsProjectPermission(req.state, project, callerId(req), key);
}

function canSeeProject(req: SimRequest, project: SimProject): boolean {
  return can(req, project, 'BROWSE_PROJECTS') || (req.principal.kind === 'user' && isJiraAdmin(req));
}

/** The issue if the caller may browse its project; otherwise Jira's 404 (it never says the issue exists). */
function visibleIssue(req: SimRequest): SimIssue {
  const s = issueState(req.state);
  const issue = findIssue(s, req.params.issueIdOrKey ?? '');
  if (!issue || !can(req, projectOf(s, issue), 'BROWSE_PROJECTS'))
    throw new SimHttpError(404, 'Issue does not exist or you do not have permission to see it.');
  return issue;
}

/** A 429 when the issue's write windows are full; undefined when the write may go ahead (and is counted). */
function perIssueLimit(req: SimRequest, issue: SimIssue): SimResponse | undefined {
  const refused = admitIssueWrite(issueState(req.state), issue.id);
  if (!refused) return undefined;
  return {
    status: 429,
    body: errorBody('platform', new SimHttpError(429, 'Rate limit exceeded for writes to this issue.')),
    headers: { 'Retry-After': String(refused.retryAfter), 'RateLimit-Reason': 'jira-per-issue-on-write' },
  };
}

function avatarUrlsFor(baseUrl: string, kind: string, id: string): Record<string, string> {
  const url = (size: string) => `${baseUrl}/rest/api/3/universal_avatar/view/type/${kind}/avatar/${id}?size=${size}`;
  return { '16x16': url('xsmall'), '24x24': url('small'), '32x32': url('medium'), '48x48': url('large') };
}

function issueTypeJson(req: SimRequest, t: SimProject['issueTypes'][number]): Record<string, unknown> {
  return {
    self: `${req.baseUrl}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: `${req.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${t.id}?size=medium`,
    name: t.name,
    subtask: false,
    avatarId: Number(t.id),
    hierarchyLevel: 0,
  };
}

function projectJson(req: SimRequest, p: SimProject, expand: string[]): Record<string, unknown> {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${req.baseUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    avatarUrls: avatarUrlsFor(req.baseUrl, 'project', p.id),
    projectTypeKey: p.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
    ...(expand.includes('issueTypes') ? { issueTypes: p.issueTypes.map((t) => issueTypeJson(req, t)) } : {}),
  };
}

function statusJson(req: SimRequest, st: { id: string; name: string; category: string }): Record<string, unknown> {
  const cat = {
    new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
    indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
    done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
  }[st.category as 'new' | 'indeterminate' | 'done'];
  return {
    self: `${req.baseUrl}/rest/api/3/status/${st.id}`,
    description: '',
    iconUrl: `${req.baseUrl}/images/icons/status_generic.gif`,
    name: st.name,
    id: st.id,
    statusCategory: { self: `${req.baseUrl}/rest/api/3/statuscategory/${cat.id}`, ...cat },
  };
}

function userRef(req: SimRequest, accountId: string | null): Record<string, unknown> | null {
  if (!accountId) return null;
  const u = req.state.users.get(accountId);
  return u ? userDetailsJson(req.baseUrl, u) : { accountId, displayName: 'Former user', active: false };
}

function commentJson(req: SimRequest, issue: SimIssue, c: SimIssue['comments'][number]): Record<string, unknown> {
  return {
    self: `${req.baseUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
    id: c.id,
    author: userRef(req, c.author),
    body: c.body,
    updateAuthor: userRef(req, c.author),
    created: c.created,
    updated: c.created,
    jsdPublic: true,
  };
}

/** All fields of an issue (the simulator's navigable set). */
function allFields(req: SimRequest, issue: SimIssue): Record<string, unknown> {
  const s = issueState(req.state);
  const project = projectOf(s, issue);
  const type = project.issueTypes.find((t) => t.id === issue.issueTypeId);
  return {
    summary: issue.summary,
    description: issue.description,
    issuetype: type ? issueTypeJson(req, type) : null,
    project: projectJson(req, project, []),
    status: statusJson(req, statusOf(s, issue)),
    assignee: userRef(req, issue.assignee),
    reporter: userRef(req, issue.reporter),
    creator: userRef(req, issue.reporter),
    created: issue.created,
    updated: issue.updated,
    resolutiondate: issue.resolutiondate,
    resolution: issue.resolutiondate
      ? { self: `${req.baseUrl}/rest/api/3/resolution/10000`, id: '10000', name: 'Done', description: 'Work done.' }
      : null,
    labels: issue.labels,
    comment: {
      comments: issue.comments.map((c) => commentJson(req, issue, c)),
      self: `${req.baseUrl}/rest/api/3/issue/${issue.id}/comment`,
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
  };
}

function listParam(req: SimRequest, name: string): string[] {
  return req.query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * An issue as `GET issue` and `search/jql` return it: `fields` names what to include (`*all`,
 * `*navigable`, `id`, names, `-name` to leave one out); `properties` names entity properties to include.
 */
function issueJson(req: SimRequest, issue: SimIssue, fields: string[], properties: string[]): Record<string, unknown> {
  const all = allFields(req, issue);
  let picked: Record<string, unknown> = {};
  if (fields.some((f) => f === '*all' || f === '*navigable')) picked = { ...all };
  for (const f of fields) {
    if (f.startsWith('-')) delete picked[f.slice(1)];
    else if (Object.hasOwn(all, f)) picked[f] = all[f];
  }
  const props: Record<string, unknown> = {};
  const wanted = properties.includes('*all') ? [...issue.properties.keys()] : properties;
  for (const key of wanted) if (issue.properties.has(key)) props[key] = issue.properties.get(key);
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${req.baseUrl}/rest/api/3/issue/${issue.id}`,
    key: issue.key,
    ...(fields.length > 0 && !(fields.length === 1 && fields[0] === 'id') ? { fields: picked } : {}),
    ...(properties.length > 0 ? { properties: props } : {}),
  };
}

/** Atlassian Document Format: a `doc` node of version 1 with a content array. */
function isAdf(v: unknown): boolean {
  if (!v || typeof v !== 'object') return false;
  const d = v as { type?: unknown; version?: unknown; content?: unknown };
  return d.type === 'doc' && d.version === 1 && Array.isArray(d.content);
}

function adfText(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  const node = v as { text?: unknown; content?: unknown };
  const own = typeof node.text === 'string' ? node.text : '';
  const kids = Array.isArray(node.content) ? node.content.map(adfText).join('') : '';
  return own + kids;
}

function validProperty(key: string, value: unknown): void {
  if (!key || key.length > PROPERTY_KEY_MAX)
    throw new SimHttpError(400, `The property key must be between 1 and ${PROPERTY_KEY_MAX} characters.`);
  if (value === undefined) throw new SimHttpError(400, 'The property value must be a non-empty JSON value.');
  if (JSON.stringify(value).length > PROPERTY_VALUE_MAX)
    throw new SimHttpError(400, `The property value cannot be longer than ${PROPERTY_VALUE_MAX} characters.`);
}

function touch(issue: SimIssue): void {
  issue.updated = jiraTime(Date.now());
}

function addComment(req: SimRequest, issue: SimIssue, body: unknown): SimIssue['comments'][number] {
  const s = issueState(req.state);
  if (!isAdf(body) || adfText(body).trim() === '')
    throw new SimHttpError(400, 'Comment body can not be empty!', { comment: 'Comment body can not be empty!' });
  if (issue.comments.length >= COMMENTS_PER_ISSUE_MAX)
    throw new SimHttpError(413, `The issue has reached the limit of ${COMMENTS_PER_ISSUE_MAX} comments.`);
  s.nextCommentId += 1;
  const c = { id: String(s.nextCommentId), author: callerId(req) ?? '', body, created: jiraTime(Date.now()) };
  issue.comments.push(c);
  touch(issue);
  return c;
}

/** Reads `{ id }` or `{ key }` (or `{ name }` for issue types) from a create field. */
function ref(v: unknown): { id?: string; key?: string; name?: string } {
  if (!v || typeof v !== 'object') return {};
  const o = v as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
  return { id: str(o.id), key: str(o.key), name: str(o.name) };
}

const CREATE_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'assignee', 'labels', 'reporter']);

function createIssue(req: SimRequest): SimResponse {
  const s = issueState(req.state);
  const body = (req.body ?? {}) as { fields?: Record<string, unknown>; properties?: unknown; update?: unknown };
  if (!callerId(req)) throw new SimHttpError(401, 'You are not authorized to perform this action. Please log in.');
  const fields = body.fields ?? {};
  const errors: Record<string, string> = {};
  const pref = ref(fields.project);
  const project = findProject(s, pref.id ?? pref.key ?? '');
  if (!project || !canSeeProject(req, project)) {
    throw new SimHttpError(400, '', { project: 'Specify a valid project ID or key' });
  }
  if (!can(req, project, 'CREATE_ISSUES'))
    throw new SimHttpError(403, 'You do not have permission to create issues in this project.');
  for (const name of Object.keys(fields))
    if (!CREATE_FIELDS.has(name))
      errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
  const tref = ref(fields.issuetype);
  const type = project.issueTypes.find(
    (t) => t.id === tref.id || (!tref.id && t.name.toLowerCase() === (tref.name ?? '').toLowerCase()),
  );
  if (!type) errors.issuetype = 'Specify a valid issue type';
  const summary = typeof fields.summary === 'string' ? fields.summary.trim() : '';
  if (!summary) errors.summary = 'You must specify a summary of the issue.';
  else if (summary.length > SUMMARY_MAX) errors.summary = `Summary must be less than ${SUMMARY_MAX} characters.`;
  if (fields.description !== undefined && fields.description !== null && !isAdf(fields.description))
    errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  let assignee: string | null = null;
  if (fields.assignee !== undefined && fields.assignee !== null) {
    const id = (fields.assignee as { accountId?: unknown }).accountId;
    if (typeof id !== 'string' || !holdsProjectPermission(req.state, project, id, 'ASSIGNABLE_USER'))
      errors.assignee = `User '${typeof id === 'string' ? id : ''}' cannot be assigned issues.`;
    else assignee = id;
  }
  const labels = fields.labels === undefined ? [] : fields.labels;
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || /\s/.test(l)))
    errors.labels = 'Labels are strings without spaces.';
  const properties: Array<{ key: string; value: unknown }> = [];
  if (body.properties !== undefined) {
    if (!Array.isArray(body.properties)) throw new SimHttpError(400, 'properties must be a list of { key, value }.');
    for (const p of body.properties as Array<{ key?: unknown; value?: unknown }>) {
      const key = typeof p?.key === 'string' ? p.key : '';
      validProperty(key, p?.value);
      properties.push({ key, value: p.value });
    }
  }
  if (Object.keys(errors).length > 0) throw new SimHttpError(400, '', errors);
  const n = (s.issueCounters.get(project.id) ?? 0) + 1;
  s.issueCounters.set(project.id, n);
  s.nextIssueId += 1;
  const now = Date.now();
  const issue: SimIssue = {
    id: String(s.nextIssueId),
    key: `${project.key}-${n}`,
    projectId: project.id,
    issueTypeId: (type as SimProject['issueTypes'][number]).id,
    summary,
    description: fields.description ?? null,
    statusId: '10000',
    assignee,
    reporter: callerId(req) ?? '',
    created: jiraTime(now),
    updated: jiraTime(now),
    resolutiondate: null,
    labels: labels as string[],
    comments: [],
    properties: new Map(properties.map((p) => [p.key, p.value])),
    searchableFrom: now + s.searchLagMs,
  };
  s.issues.set(issue.id, issue);
  return {
    status: 201,
    body: { id: issue.id, key: issue.key, self: `${req.baseUrl}/rest/api/3/issue/${issue.id}` },
  };
}

function search(
  req: SimRequest,
  input: {
    jql: string;
    maxResults: number;
    nextPageToken?: string;
    fields: string[];
    properties: string[];
    reconcileIssues: string[];
  },
): SimResponse {
  const s = issueState(req.state);
  if (input.properties.length > 5) throw new SimHttpError(400, 'At most 5 issue properties can be requested.');
  if (input.reconcileIssues.length > 50) throw new SimHttpError(400, 'At most 50 issues can be reconciled.');
  const parsed = parseJql(input.jql);
  const ctx = { state: req.state, issues: s, callerId: callerId(req) };
  const now = Date.now();
  const hits = [...s.issues.values()].filter(
    (i) =>
      can(req, projectOf(s, i), 'BROWSE_PROJECTS') &&
      (i.searchableFrom <= now || input.reconcileIssues.includes(i.id)) &&
      parsed.matches(i, ctx),
  );
  const { field, desc } = parsed.order;
  hits.sort((a, b) => {
    const cmp =
      field === 'key'
        ? a.projectId.localeCompare(b.projectId) || Number(a.key.split('-')[1]) - Number(b.key.split('-')[1])
        : a[field].localeCompare(b[field]) || Number(a.id) - Number(b.id);
    return desc ? -cmp : cmp;
  });
  let start = 0;
  if (input.nextPageToken !== undefined) {
    const decoded = /^p(\d+)$/.exec(Buffer.from(input.nextPageToken, 'base64url').toString('utf8'));
    if (!decoded) throw new SimHttpError(400, 'The nextPageToken is invalid.');
    start = Number(decoded[1]);
  }
  const max = Math.min(Math.max(input.maxResults, 1), SEARCH_MAX);
  const page = hits.slice(start, start + max);
  const isLast = start + page.length >= hits.length;
  return {
    status: 200,
    body: {
      issues: page.map((i) => issueJson(req, i, input.fields, input.properties)),
      isLast,
      ...(isLast ? {} : { nextPageToken: Buffer.from(`p${start + max}`).toString('base64url') }),
    },
    objects: page.length,
  };
}

export const issueRoutes: Route[] = [
  {
    method: 'GET',
    template: '/rest/api/3/project/search',
    dialect: 'platform',
    returns: 'project',
    handler: (req) => {
      const s = issueState(req.state);
      const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: 100 });
      const keys = listParam(req, 'keys').map((k) => k.toLowerCase());
      const ids = listParam(req, 'id');
      const query = (req.query.get('query') ?? '').toLowerCase();
      const typeKey = req.query.get('typeKey');
      const expand = listParam(req, 'expand');
      const visible = s.projects.filter(
        (p) =>
          canSeeProject(req, p) &&
          (keys.length === 0 || keys.includes(p.key.toLowerCase())) &&
          (ids.length === 0 || ids.includes(p.id)) &&
          (!query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query)) &&
          (!typeKey || typeKey.split(',').includes(p.projectTypeKey)),
      );
      const values = visible.slice(startAt, startAt + maxResults).map((p) => projectJson(req, p, expand));
      const isLast = startAt + values.length >= visible.length;
      const base = `${req.baseUrl}/rest/api/3/project/search`;
      return {
        status: 200,
        body: {
          self: `${base}?startAt=${startAt}&maxResults=${maxResults}`,
          ...(isLast ? {} : { nextPage: `${base}?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
          maxResults,
          startAt,
          total: visible.length,
          isLast,
          values,
        },
        objects: values.length,
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/project/{projectIdOrKey}',
    dialect: 'platform',
    returns: 'project',
    handler: (req) => {
      const project = findProject(issueState(req.state), req.params.projectIdOrKey ?? '');
      if (!project || !canSeeProject(req, project))
        throw new SimHttpError(404, 'No project could be found with key or id given.');
      return { status: 200, body: projectJson(req, project, ['issueTypes', ...listParam(req, 'expand')]), objects: 1 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const project = findProject(issueState(req.state), req.params.projectIdOrKey ?? '');
      // The operation documents no 404: an unknown or invisible project is a 400 ("the request is invalid").
      if (!project || !canSeeProject(req, project))
        throw new SimHttpError(400, `No project could be found with key or id '${req.params.projectIdOrKey ?? ''}'.`);
      const { startAt, maxResults } = pageParams(req, { defaultMax: 50, cap: 200 });
      // "Create issues project permission in the requested projects": without it, no issue type is offered.
      const types = can(req, project, 'CREATE_ISSUES') ? project.issueTypes : [];
      const page = types.slice(startAt, startAt + maxResults).map((t) => issueTypeJson(req, t));
      return {
        status: 200,
        body: { issueTypes: page, maxResults, startAt, total: types.length },
        objects: page.length,
      };
    },
  },
  { method: 'POST', template: '/rest/api/3/issue', dialect: 'platform', returns: 'issue', handler: createIssue },
  {
    method: 'GET',
    template: '/rest/api/3/issue/{issueIdOrKey}',
    dialect: 'platform',
    returns: 'issue',
    handler: (req) => {
      const issue = visibleIssue(req);
      const fields = listParam(req, 'fields');
      return {
        status: 200,
        body: issueJson(req, issue, fields.length === 0 ? ['*all'] : fields, listParam(req, 'properties')),
        objects: 1,
      };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/issue/{issueIdOrKey}/comment',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const issue = visibleIssue(req);
      const startAt = intParam(req, 'startAt', 0);
      const maxResults = Math.min(intParam(req, 'maxResults', 5000), 5000);
      if (startAt < 0 || maxResults < 0) throw new SimHttpError(400, 'startAt and maxResults must not be negative.');
      const comments = issue.comments.slice(startAt, startAt + maxResults).map((c) => commentJson(req, issue, c));
      return {
        status: 200,
        body: { comments, maxResults, startAt, total: issue.comments.length },
        objects: comments.length,
      };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/issue/{issueIdOrKey}/comment',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const issue = visibleIssue(req);
      // The operation documents no 403: a caller without Add comments gets the generic 400.
      if (!can(req, projectOf(issueState(req.state), issue), 'ADD_COMMENTS'))
        throw new SimHttpError(400, 'You do not have the permission to comment on this issue.');
      const limited = perIssueLimit(req, issue);
      if (limited) return limited;
      const c = addComment(req, issue, (req.body as { body?: unknown } | undefined)?.body);
      return { status: 201, body: commentJson(req, issue, c) };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const s = issueState(req.state);
      const issue = visibleIssue(req);
      const wanted = req.query.get('transitionId');
      const allowed = can(req, projectOf(s, issue), 'TRANSITION_ISSUES');
      const transitions = allowed
        ? TRANSITIONS.filter((t) => t.to.id !== issue.statusId && (!wanted || t.id === wanted)).map((t) => ({
            id: t.id,
            name: t.name,
            to: statusJson(req, t.to),
            hasScreen: false,
            isGlobal: true,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          }))
        : [];
      return {
        status: 200,
        body: { expand: 'transitions', transitions },
        objects: transitions.length,
      };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/issue/{issueIdOrKey}/transitions',
    dialect: 'platform',
    returns: 'none',
    handler: (req) => {
      const s = issueState(req.state);
      const issue = visibleIssue(req);
      const body = (req.body ?? {}) as {
        transition?: { id?: unknown };
        update?: { comment?: Array<{ add?: { body?: unknown } }> };
      };
      const id = body.transition?.id;
      if (id === undefined) throw new SimHttpError(400, 'Missing transition ID.');
      if (!can(req, projectOf(s, issue), 'TRANSITION_ISSUES'))
        throw new SimHttpError(400, 'You do not have permission to transition this issue.');
      const t = TRANSITIONS.find((x) => x.id === String(id as string | number) && x.to.id !== issue.statusId);
      if (!t) throw new SimHttpError(400, `Transition id '${String(id as string)}' is not valid for this issue.`);
      const comments = body.update?.comment ?? [];
      for (const c of comments) {
        if (!isAdf(c.add?.body) || adfText(c.add?.body).trim() === '')
          throw new SimHttpError(400, '', { comment: 'Comment body can not be empty!' });
      }
      const limited = perIssueLimit(req, issue);
      if (limited) return limited;
      issue.statusId = t.to.id;
      issue.resolutiondate = t.to.category === 'done' ? jiraTime(Date.now()) : null;
      for (const c of comments) addComment(req, issue, c.add?.body);
      touch(issue);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    template: '/rest/api/3/issue/{issueIdOrKey}/notify',
    dialect: 'platform',
    returns: 'none',
    handler: (req) => {
      const s = issueState(req.state);
      const issue = visibleIssue(req);
      const body = (req.body ?? {}) as {
        subject?: unknown;
        textBody?: unknown;
        htmlBody?: unknown;
        to?: {
          users?: Array<{ accountId?: unknown }>;
          groups?: Array<{ name?: unknown; groupId?: unknown }>;
          groupIds?: unknown[];
          assignee?: boolean;
          reporter?: boolean;
          watchers?: boolean;
        };
      };
      const to = body.to ?? {};
      const users = (to.users ?? []).map((u) => (typeof u?.accountId === 'string' ? u.accountId : ''));
      const groups = [
        ...(to.groups ?? []).map((g) =>
          typeof g?.groupId === 'string' ? g.groupId : typeof g?.name === 'string' ? g.name : '',
        ),
        ...(to.groupIds ?? []).map((g) => (typeof g === 'string' ? g : '')),
      ];
      const unknownUser = users.find((u) => !req.state.users.has(u));
      if (unknownUser !== undefined) throw new SimHttpError(400, `The user '${unknownUser}' does not exist.`);
      const unknownGroup = groups.find((g) => !groupByName(req.state, g) && !req.state.groups.has(g));
      if (unknownGroup !== undefined) throw new SimHttpError(400, `The group '${unknownGroup}' does not exist.`);
      if (to.assignee && !issue.assignee)
        throw new SimHttpError(400, 'The recipient is invalid: the issue is unassigned.');
      const named = [...users, ...(to.assignee && issue.assignee ? [issue.assignee] : [])];
      if (to.reporter) named.push(issue.reporter);
      const recipients = expandRecipients(req.state, named, groups);
      const me = callerId(req);
      if (users.length + groups.length === 0 && !to.assignee && !to.reporter && !to.watchers)
        throw new SimHttpError(400, 'No recipients were defined for the notification.');
      if (recipients.length === 1 && recipients[0] === me)
        throw new SimHttpError(400, 'The recipient is the same as the calling user.');
      const limited = perIssueLimit(req, issue);
      if (limited) return limited;
      const project = projectOf(s, issue);
      s.outbox.push({
        at: new Date().toISOString(),
        issueId: issue.id,
        issueKey: issue.key,
        sentBy: me ?? '',
        subject: typeof body.subject === 'string' && body.subject ? body.subject : `${issue.key}: ${issue.summary}`,
        textBody: typeof body.textBody === 'string' ? body.textBody : '',
        htmlBody: typeof body.htmlBody === 'string' ? body.htmlBody : '',
        // Jira mails only people who may see the issue.
        recipients: recipients.filter(
          (id) => id !== me && holdsProjectPermission(req.state, project, id, 'BROWSE_PROJECTS'),
        ),
        requested: {
          users,
          groups,
          assignee: !!to.assignee,
          reporter: !!to.reporter,
          watchers: !!to.watchers,
        },
      });
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/issue/{issueIdOrKey}/properties',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const issue = visibleIssue(req);
      const keys = [...issue.properties.keys()].map((key) => ({
        key,
        self: `${req.baseUrl}/rest/api/3/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
      }));
      return { status: 200, body: { keys }, objects: keys.length };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    dialect: 'platform',
    returns: 'other',
    handler: (req) => {
      const issue = visibleIssue(req);
      const key = req.params.propertyKey ?? '';
      if (!issue.properties.has(key)) throw new SimHttpError(404, `The property with key '${key}' does not exist.`);
      return { status: 200, body: { key, value: issue.properties.get(key) }, objects: 1 };
    },
  },
  {
    method: 'PUT',
    template: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}',
    dialect: 'platform',
    returns: 'none',
    handler: (req) => {
      const issue = visibleIssue(req);
      if (!can(req, projectOf(issueState(req.state), issue), 'EDIT_ISSUES'))
        throw new SimHttpError(403, 'You do not have permission to edit this issue.');
      const key = req.params.propertyKey ?? '';
      validProperty(key, req.body);
      const limited = perIssueLimit(req, issue);
      if (limited) return limited;
      const existed = issue.properties.has(key);
      issue.properties.set(key, req.body);
      touch(issue);
      return { status: existed ? 200 : 201, body: {} };
    },
  },
  {
    method: 'GET',
    template: '/rest/api/3/search/jql',
    dialect: 'platform',
    returns: 'issue',
    handler: (req) =>
      search(req, {
        jql: req.query.get('jql') ?? '',
        maxResults: intParam(req, 'maxResults', 50),
        nextPageToken: req.query.get('nextPageToken') ?? undefined,
        fields: listParam(req, 'fields'),
        properties: listParam(req, 'properties'),
        reconcileIssues: listParam(req, 'reconcileIssues'),
      }),
  },
  {
    method: 'POST',
    template: '/rest/api/3/search/jql',
    dialect: 'platform',
    returns: 'issue',
    reads: true,
    handler: (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const strings = (v: unknown) => (Array.isArray(v) ? v.map((x) => String(x as string)) : []);
      if (b.jql !== undefined && typeof b.jql !== 'string') throw new SimHttpError(400, 'jql must be a string.');
      if (b.maxResults !== undefined && !Number.isInteger(b.maxResults))
        throw new SimHttpError(400, 'maxResults must be an integer.');
      return search(req, {
        jql: (b.jql as string | undefined) ?? '',
        maxResults: (b.maxResults as number | undefined) ?? 50,
        nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : undefined,
        fields: strings(b.fields),
        properties: strings(b.properties),
        reconcileIssues: strings(b.reconcileIssues),
      });
    },
  },
];

/** For `mypermissions`: the project (by id or key) or the issue's project a permission check is about. */
export function permissionContextProject(req: SimRequest): SimProject | undefined | null {
  const s = issueState(req.state);
  const projectId = req.query.get('projectId');
  const projectKey = req.query.get('projectKey');
  const issueRef = req.query.get('issueId') ?? req.query.get('issueKey');
  if (projectId || projectKey) return findProject(s, (projectId ?? projectKey) as string) ?? null;
  if (issueRef) {
    const issue = findIssue(s, issueRef);
    if (!issue) return null;
    const project = projectOf(s, issue);
    return can(req, project, 'BROWSE_PROJECTS') ? project : null;
  }
  return undefined;
}

/** For `mypermissions` with a project context: whether the caller holds the project permission there. */
export function holdsInProject(req: SimRequest, project: SimProject, key: string): boolean {
  return can(req, project, key);
}
