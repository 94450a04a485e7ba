/**
 * Group membership changes, one at a time: add or remove a user (asUser, with the administrator's own
 * rights), classify Jira's answer as done / already so / failed with Jira's reason (reading Jira back
 * when the answer is lost), and audit it.
 * A 403 means the administrator is not a site admin, which Jira requires for membership changes.
 */
import type { ChangeResult } from '../../contract';
import type { JiraClient } from '../../jira';
import { JiraApiError, JiraOutcomeUnknownError } from '../../jira/errors';
import type { AuditStore } from '../audit/audit-store';
import { AppFailure } from '../../invocation/app-error';
import { MEMBERSHIP_READ_BACK_NOTE, writeWithReadBack } from '../../jira/read-back';

export type MembershipJira = Pick<JiraClient, 'addUserToGroup' | 'removeUserFromGroup' | 'getUserGroupIds'>;
export type MembershipOp = 'add' | 'remove';

export const SITE_ADMIN_MESSAGE = 'Site admin required: Jira lets only site administrators change group membership.';
export const LOST_NOT_APPLIED_MESSAGE = "Jira's answer was lost and reading back shows no change; try again.";

/** Thrown when Jira keeps rate limiting beyond what one invocation may wait; the change was not made. */
export class RateLimitedFailure extends AppFailure {
  /** Jira's Retry-After, in ms, when it gave one. */
  constructor(readonly retryAfterMs?: number) {
    super('RATE_LIMITED', 'Jira is rate limiting requests; the change was not made. Try again in a minute.');
  }
}

/**
 * Read-back of one membership change (exported for bulk work too): whether the user is now in the group
 * (`add`) or out of it (`remove`), from the user's groups as Jira lists them (one request).
 */
export async function membershipLanded(
  jira: Pick<JiraClient, 'getUserGroupIds'>,
  op: MembershipOp,
  groupId: string,
  accountId: string,
): Promise<boolean> {
  const member = (await jira.getUserGroupIds(accountId)).has(groupId);
  return op === 'add' ? member : !member;
}

/**
 * Applies one change and classifies Jira's answer: done / already so / failed with Jira's reason. When the
 * answer is lost, the user's groups are read back (`membershipLanded`): a change that happened is `done`
 * (never "already", which a blind repeat would report), one that did not is tried again.
 */
export async function applyMembership(
  jira: MembershipJira,
  op: MembershipOp,
  groupId: string,
  accountId: string,
): Promise<ChangeResult> {
  const done = op === 'add' ? 'Added to the group.' : 'Removed from the group.';
  try {
    const { confirmedByReadBack } = await writeWithReadBack({
      write: () =>
        op === 'add' ? jira.addUserToGroup(groupId, accountId) : jira.removeUserFromGroup(groupId, accountId),
      readBack: async () => ((await membershipLanded(jira, op, groupId, accountId)) ? { value: undefined } : undefined),
    });
    return { outcome: 'done', message: confirmedByReadBack ? `${done} ${MEMBERSHIP_READ_BACK_NOTE}` : done };
  } catch (err) {
    if (err instanceof JiraOutcomeUnknownError) return { outcome: 'failed', message: LOST_NOT_APPLIED_MESSAGE };
    if (!(err instanceof JiraApiError)) throw err;
    const reason = err.jiraMessage;
    if (err.status === 429) throw new RateLimitedFailure(err.retryAfter);
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
