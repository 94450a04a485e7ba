/**
 * The one way escalation makes an issue it must make exactly once (a credential cycle's reminder issue, a
 * departed owner's hand-over issue): the app's record says `creatingSince` just before the create request;
 * a delivery that finds it set (a lost answer, a killed consumer) first looks the issue up by the entity
 * property the app set on it, through JQL; while a recent create may still be missing from search (Jira:
 * "recent updates might not be immediately visible"), the step waits (EscalationRetry) instead of creating
 * again; only past that grace does it create. A create whose answer is lost is looked up at once, and
 * waited for if search does not show it yet. Identity: asApp (the issues are the app's).
 */
import type { JiraClient } from '../../../jira';
import { JiraApiError, outcomeUnknown } from '../../../jira/errors';
import type { NewIssue } from '../../../jira/issues';

/** How long a create whose answer was lost is looked for before it counts as never made (search lag). */
export const INDEX_GRACE_MS = 60_000;

/**
 * Asks for this step to run again later, as a fresh delayed event (the consumer pushes it): Forge's own
 * redeliveries are few (an event is dropped after its retries), and a step that waits must never be dropped.
 */
export class EscalationRetry extends Error {
  constructor(
    readonly seconds: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'EscalationRetry';
  }
}

const jql = (projectId: string, property: string, id: string) =>
  `project = ${projectId} AND issue.property[${property}].cycle = "${id}"`;

/** Finds the app's issue for `id` by its entity property (asApp). */
export async function findIssueByProperty(
  jira: Pick<JiraClient, 'searchIssues'>,
  projectId: string,
  property: string,
  id: string,
): Promise<{ id: string; key: string; statusCategory: string } | undefined> {
  const res = await jira.searchIssues(jql(projectId, property, id), [property]);
  const hit = res.issues.find((i) => (i.properties[property] as { cycle?: string } | undefined)?.cycle === id);
  return hit ? { id: hit.id, key: hit.key, statusCategory: hit.statusCategory } : undefined;
}

/** What the app records about an issue it makes once (CycleRecord, DepartedRecord). */
export interface IssueMaking {
  issueId?: string;
  issueKey?: string;
  /** Set just before the create request; a delivery that finds it without an issue looks the issue up first. */
  creatingSince?: string;
}

export interface TrackingIssue {
  /** The entity property that names the issue (`jua-escalation`, `jua-handover`) and its `cycle` value. */
  property: string;
  id: string;
  /** The create's fields; they carry `properties` [{ key: property, value: { cycle: id, … } }]. */
  fields: Omit<NewIssue, 'assigneeAccountId'>;
  /** Who the issue is assigned to, if anyone. */
  assigneeAccountId?: string;
  /** Whether Jira's 400 to the assigned create means "cannot assign that person": then it is made unassigned. */
  unassignable: (err: JiraApiError) => boolean;
  /** The shortest wait for search to catch up (seconds); hand-over waits at least 10. */
  minWaitSeconds?: number;
}

/**
 * Makes `record`'s issue unless it exists (see the module docblock), saving the record (`save`) before the
 * create and once the issue is known. Answers the issue (`made`: by this delivery's create, or its lost
 * answer found; false when an earlier delivery's create was found), or undefined when `record` had one.
 */
export async function ensureTrackingIssue<R extends IssueMaking>(
  jira: Pick<JiraClient, 'createIssue' | 'searchIssues'>,
  record: R,
  save: (record: R) => Promise<void>,
  issue: TrackingIssue,
  now: Date,
): Promise<{ id: string; key: string; made: boolean } | undefined> {
  if (record.issueId) return undefined;
  const projectId = issue.fields.projectId;
  const known = async (found: { id: string; key: string }, made: boolean) => {
    Object.assign(record, { issueId: found.id, issueKey: found.key });
    delete record.creatingSince;
    await save(record);
    return { id: found.id, key: found.key, made };
  };
  if (record.creatingSince) {
    const found = await findIssueByProperty(jira, projectId, issue.property, issue.id);
    if (found) return known(found, false);
    const since = Date.parse(record.creatingSince);
    if (now.getTime() - since < INDEX_GRACE_MS)
      throw new EscalationRetry(
        Math.max(issue.minWaitSeconds ?? 1, Math.ceil((since + INDEX_GRACE_MS - now.getTime()) / 1000)),
        'waiting for search to see a recent create',
      );
  }
  record.creatingSince = now.toISOString();
  await save(record);
  let created: { id: string; key: string };
  try {
    try {
      created = await jira.createIssue(
        issue.assigneeAccountId ? { ...issue.fields, assigneeAccountId: issue.assigneeAccountId } : issue.fields,
      );
    } catch (err) {
      // The assignee cannot be assigned issues there (inactive, no access): a 400 made nothing; make it unassigned.
      if (!(issue.assigneeAccountId && err instanceof JiraApiError && err.status === 400 && issue.unassignable(err)))
        throw err;
      created = await jira.createIssue(issue.fields);
    }
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    // The answer was lost: Jira may have made it. Look now; if search does not show it yet, look again later.
    const found = await findIssueByProperty(jira, projectId, issue.property, issue.id);
    if (!found) throw new EscalationRetry(10, 'the create’s answer was lost and search does not show it yet');
    created = found;
  }
  return known(created, true);
}
