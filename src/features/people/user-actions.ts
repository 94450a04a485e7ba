/**
 * Actions on one user from the user panel: reset their default issue-table columns, delete them from the
 * site (Jira allows only site administrators; the UI asks for the display name as confirmation). Both are
 * audited, whatever the outcome; a deletion whose answer was lost is read back and reported as it is.
 */
import type { ChangeResult } from '../../contract';
import type { JiraClient } from '../../jira';
import { JiraApiError, JiraOutcomeUnknownError } from '../../jira/errors';
import type { AuditStore } from '../audit/audit-store';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import { READ_BACK_NOTE, writeWithReadBack } from '../../jira/read-back';

export type UserActionsJira = Pick<JiraClient, 'resetUserColumns' | 'deleteUser' | 'getUser'>;

async function audited(
  audit: AuditStore,
  base: { actor: string; action: string; accountId: string; label?: string },
  run: () => Promise<{ confirmedByReadBack: boolean } | void>,
  done: string,
): Promise<ChangeResult> {
  let failure: unknown;
  let readBack = false;
  try {
    readBack = (await run())?.confirmedByReadBack ?? false;
  } catch (err) {
    failure = err;
  }
  const message =
    failure === undefined
      ? readBack
        ? `${done} ${READ_BACK_NOTE}`
        : done
      : failure instanceof JiraOutcomeUnknownError
        ? "Jira's answer was lost and reading back shows no change; try again."
        : failure instanceof JiraApiError
          ? failure.jiraMessage || `Jira answered ${failure.status}.`
          : 'Unexpected error.';
  await audit.record({
    actor: base.actor,
    action: base.action,
    targetType: 'user',
    targetId: base.accountId,
    targetLabel: base.label,
    result: failure === undefined ? 'done' : 'failed',
    detail: message,
  });
  if (failure === undefined) return { outcome: 'done', message };
  if (failure instanceof JiraApiError && failure.status === 403)
    throw new AppFailure('SITE_ADMIN_REQUIRED', `Jira refused: ${message}`);
  if (failure instanceof JiraOutcomeUnknownError) throw new AppFailure('JIRA_ERROR', message);
  throw failure;
}

export function resetColumns(
  jira: UserActionsJira,
  audit: AuditStore,
  actor: string,
  accountId: string,
): Promise<ChangeResult> {
  return audited(
    audit,
    { actor, action: 'user.columns.reset', accountId },
    () => jira.resetUserColumns(accountId),
    'Issue-table columns reset to the site default.',
  );
}

/** Read-back of a deletion: true when Jira no longer knows the account (404). */
async function userGone(jira: UserActionsJira, accountId: string): Promise<boolean> {
  try {
    await jira.getUser(accountId);
    return false;
  } catch (err) {
    if (err instanceof JiraApiError && err.status === 404) return true;
    throw err;
  }
}

export async function deleteUser(
  jira: UserActionsJira,
  audit: AuditStore,
  actor: string,
  accountId: string,
  confirm: string,
): Promise<ChangeResult> {
  if (accountId === actor) throw invalidInput('You cannot delete your own account.');
  const user = await jira.getUser(accountId);
  if (confirm.trim() !== user.displayName)
    throw invalidInput(`Type the user's display name exactly ("${user.displayName}") to confirm deletion.`);
  return audited(
    audit,
    { actor, action: 'user.delete', accountId, label: user.displayName },
    // A lost answer is read back (a blind repeat would answer 404 for a deletion that happened).
    () =>
      writeWithReadBack({
        write: () => jira.deleteUser(accountId),
        readBack: async () => ((await userGone(jira, accountId)) ? { value: undefined } : undefined),
      }),
    'User deleted from the site.',
  );
}
