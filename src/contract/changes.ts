/**
 * Contract types for changes: single membership changes, bulk jobs and their per-item outcomes,
 * user actions, and the audit log.
 */
export type ItemOutcome = 'done' | 'already' | 'failed';

export interface MembershipChangePayload {
  groupId: string;
  accountId: string;
  /** Required when the group grants product access: the administrator saw the licence warning. */
  confirmLicence?: boolean;
}

export interface ChangeResult {
  outcome: ItemOutcome;
  message: string;
}

export type BulkOperation =
  | 'add-users-to-group'
  | 'add-user-to-groups'
  | 'remove-users-from-group'
  | 'add-customers-to-desk'
  | 'remove-customers-from-desk';

export interface CreateBulkJobPayload {
  operation: BulkOperation;
  /** Users: many, or exactly one for add-user-to-groups. */
  accountIds: string[];
  /** Group operations: exactly one group, or many for add-user-to-groups. */
  groupIds?: string[];
  /** Customer operations: the service desk. */
  deskId?: string;
  confirmLicence?: boolean;
}

export interface BulkItemView {
  index: number;
  accountId: string;
  /** The group or service desk. */
  targetId: string;
  outcome?: ItemOutcome;
  message?: string;
}

/**
 * running: on the queue; done: every item has an outcome; cancelling: cancel asked, a batch already sent to
 * Jira is still being answered (no further write will be sent); cancelled / stopped / failed: ended early,
 * for the reason in `stopReason` (the final states are done, cancelled, stopped and failed).
 */
export type JobStatus = 'running' | 'done' | 'cancelling' | 'cancelled' | 'stopped' | 'failed';

export interface BulkJobView {
  jobId: string;
  operation: BulkOperation;
  status: JobStatus;
  total: number;
  processed: number;
  counts: Record<ItemOutcome, number>;
  createdAt: string;
  createdBy: string;
  /** Failed items (with Jira's reason), first page. */
  failures: BulkItemView[];
  /** Why a cancelled, stopped or failed job ended early, in words. */
  stopReason?: string;
  /** Names of the groups or desk the job changed (its stored labels). */
  targetNames?: string[];
  /** Items the job ended without trying (cancelled, stopped or failed): nothing was changed; they can be retried. */
  notAttempted?: number;
  /** What a running job waits for, in words ("Waiting for Jira's hourly limit; resumes at 14:00 UTC."). */
  waiting?: string;
}

/**
 * Every action the app writes to the audit log, with the words the Audit tab shows for it. The Action
 * filter offers exactly this list; a unit test checks that every action the services log is here.
 */
export const AUDIT_ACTIONS = [
  { action: 'group.member.add', label: 'Added to group' },
  { action: 'group.member.remove', label: 'Removed from group' },
  { action: 'user.columns.reset', label: 'Issue columns reset' },
  { action: 'user.delete', label: 'User deleted' },
  { action: 'customer.create', label: 'Customer created' },
  { action: 'customer.link', label: 'Customer linked to existing account' },
  { action: 'servicedesk.customer.add', label: 'Customer added to service desk' },
  { action: 'servicedesk.customer.remove', label: 'Customer removed from service desk' },
  { action: 'functional.create', label: 'Functional account created' },
  { action: 'functional.register', label: 'Functional account registered' },
  { action: 'functional.update', label: 'Functional account edited' },
  { action: 'functional.unregister', label: 'Functional account unregistered' },
  { action: 'functional.credential.add', label: 'Credential recorded' },
  { action: 'functional.credential.rotate', label: 'Credential rotated' },
  { action: 'functional.role.create', label: 'Role created' },
  { action: 'functional.role.update', label: 'Role changed' },
  { action: 'functional.role.delete', label: 'Role deleted' },
  { action: 'functional.health-check', label: 'Health check run' },
  { action: 'functional.escalation.settings', label: 'Expiry escalation settings changed' },
  { action: 'functional.handover', label: 'Functional accounts handed over' },
  { action: 'directory.reconcile', label: 'Directory index reconciled' },
  { action: 'settings.update', label: 'App settings changed' },
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number]['action'];

/** The Audit tab's words for an action; an action this build does not know shows as logged. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTIONS.find((a) => a.action === action)?.label ?? action;
}

/** The words for an entry's result, on the page and in the CSV export. */
export const AUDIT_RESULT_LABELS = { done: 'Done', already: 'Already so', failed: 'Failed' } as const;

/** The words for what an entry changed or where (`user`, `group`, `servicedesk`…); an unknown kind shows as logged. */
export function auditTypeLabel(type: string | undefined): string {
  const words: Record<string, string> = {
    user: 'User',
    group: 'Group',
    servicedesk: 'Service desk',
    role: 'Role',
    registry: 'Functional account registry',
    directory: 'Directory index',
  };
  return type === undefined ? '' : (words[type] ?? type);
}

export interface AuditEntryView {
  id: string;
  at: string;
  /** The administrator's account ID. */
  actor: string;
  /**
   * Read-time only (never stored): the actor's display name from Jira, emails redacted. Absent when Jira
   * no longer knows the account.
   */
  actorName?: string;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel?: string;
  objectType?: string;
  objectId?: string;
  objectLabel?: string;
  result: 'done' | 'already' | 'failed';
  detail?: string;
  jobId?: string;
}

export interface AuditQueryPayload {
  action?: string;
  actor?: string;
  result?: 'done' | 'already' | 'failed';
  /** Matches target or object id/label, and the people whose name starts with it (as actor or target). */
  text?: string;
  cursor?: string;
  pageSize?: number;
}

export interface AuditPage {
  entries: AuditEntryView[];
  nextCursor?: string;
}

export interface BulkItemsPayload {
  jobId: string;
  /** Only items with this outcome; all processed items when absent. */
  outcome?: ItemOutcome;
  startAt?: number;
}

/** One item of a bulk job as people read it: who, which group or desk, what happened and why. */
export interface BulkOutcomeRow {
  index: number;
  accountId: string;
  /** Absent when the account no longer exists. */
  userName?: string;
  targetId: string;
  targetName?: string;
  outcome?: ItemOutcome;
  message?: string;
  /** Failed items only: whether trying again could succeed (false for refusals no retry changes). */
  retryable?: boolean;
}

export interface BulkItemsPage {
  jobId: string;
  startAt: number;
  /** Items matching the filter. */
  total: number;
  items: BulkOutcomeRow[];
}

/** What a bulk change would do, worked out without changing anything. */
export interface BulkPreview {
  /** Items the change would make (user × group or desk). */
  total: number;
  /** Items that would change something. */
  willChange: number;
  /** Items already so (already a member, already not a member, already a customer). */
  alreadySo: Array<{ accountId: string; userName: string; targetName: string }>;
  /** Items Jira will refuse, with the reason. */
  refused: Array<{ accountId: string; userName: string; targetName: string; reason: string }>;
  /** Licence figures of the products the change grants ("Jira Software (12 of 250 licences left)"). */
  licences: string[];
  /** Set when membership could not be checked cheaply (very large groups): counts are then upper bounds. */
  note?: string;
}
