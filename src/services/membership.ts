/**
 * Group membership changes, one at a time: add or remove a user (asUser, with the administrator's own
 * rights), classify Jira's answer as done / already so / failed with Jira's reason, and audit it.
 * A 403 means the administrator is not a site admin, which Jira requires for membership changes.
 */
import type { ChangeResult } from '../contract';
import type { JiraClient } from '../jira';
import { JiraApiError } from '../jira/errors';
import type { AuditStore } from '../store/audit-store';
import { AppFailure } from './app-error';

export type MembershipJira = Pick<JiraClient, 'addUserToGroup' | 'removeUserFromGroup'>;
export type MembershipOp = 'add' | 'remove';

export const SITE_ADMIN_MESSAGE = 'Site admin required: Jira lets only site administrators change group membership.';

/** Thrown when Jira keeps rate limiting beyond what one invocation may wait; the change was not made. */
export class RateLimitedFailure extends AppFailure {
  constructor() {
    super('RATE_LIMITED', 'Jira is rate limiting requests; the change was not made. Try again in a minute.');
  }
}

export async function applyMembership(
  jira: MembershipJira,
  op: MembershipOp,
  groupId: string,
  accountId: string,
): Promise<ChangeResult> {
  try {
    if (op === 'add') await jira.addUserToGroup(groupId, accountId);
    else await jira.removeUserFromGroup(groupId, accountId);
    return { outcome: 'done', message: op === 'add' ? 'Added to the group.' : 'Removed from the group.' };
  } catch (err) {
    if (!(err instanceof JiraApiError)) throw err;
    const reason = err.jiraMessage;
    if (err.status === 429) throw new RateLimitedFailure();
    if (err.status === 400 && /already a member/i.test(reason))
      return { outcome: 'already', message: 'Already a member.' };
    if (err.status === 400 && /not a member/i.test(reason))
      return { outcome: 'already', message: 'Already not a member.' };
    if (err.status === 403) return { outcome: 'failed', message: SITE_ADMIN_MESSAGE };
    if (err.status === 404) return { outcome: 'failed', message: reason || 'The user or the group no longer exists.' };
    return { outcome: 'failed', message: reason || `Jira answered ${err.status}.` };
  }
}

export interface AuditedChange {
  actor: string;
  op: MembershipOp;
  groupId: string;
  groupName?: string;
  accountId: string;
  userName?: string;
  jobId?: string;
}

export function membershipAudit(change: AuditedChange, result: ChangeResult) {
  return {
    actor: change.actor,
    action: change.op === 'add' ? 'group.member.add' : 'group.member.remove',
    targetType: 'user',
    targetId: change.accountId,
    targetLabel: change.userName,
    objectType: 'group',
    objectId: change.groupId,
    objectLabel: change.groupName,
    result: result.outcome,
    detail: result.message,
    jobId: change.jobId,
  };
}

/** One change from the UI: apply, audit, and turn a 403 into the typed SITE_ADMIN_REQUIRED error. */
export async function changeMembership(
  jira: MembershipJira,
  audit: AuditStore,
  change: AuditedChange,
): Promise<ChangeResult> {
  const result = await applyMembership(jira, change.op, change.groupId, change.accountId);
  await audit.record(membershipAudit(change, result));
  if (result.outcome === 'failed' && result.message === SITE_ADMIN_MESSAGE)
    throw new AppFailure('SITE_ADMIN_REQUIRED', SITE_ADMIN_MESSAGE);
  return result;
}
