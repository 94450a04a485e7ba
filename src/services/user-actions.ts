/**
 * Actions on one user from the user panel: reset their default issue-table columns, delete them from the
 * site (Jira allows only site administrators; the UI asks for the display name as confirmation). Both are
 * audited, whatever the outcome.
 */
import type { ChangeResult } from '../contract';
import type { JiraClient } from '../jira';
import { JiraApiError } from '../jira/errors';
import type { AuditStore } from '../store/audit-store';
import { AppFailure, invalidInput } from './app-error';

export type UserActionsJira = Pick<JiraClient, 'resetUserColumns' | 'deleteUser' | 'getUser'>;

async function audited(
  audit: AuditStore,
  base: { actor: string; action: string; accountId: string; label?: string },
  run: () => Promise<void>,
  done: string,
): Promise<ChangeResult> {
  let failure: unknown;
  try {
    await run();
  } catch (err) {
    failure = err;
  }
  const message =
    failure === undefined
      ? done
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
    () => jira.deleteUser(accountId),
    'User deleted from the site.',
  );
}
