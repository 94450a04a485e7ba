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

export type JobStatus = 'running' | 'done';

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
}

export interface AuditEntryView {
  id: string;
  at: string;
  actor: string;
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
  /** Matches target or object id/label. */
  text?: string;
  cursor?: string;
  pageSize?: number;
}

export interface AuditPage {
  entries: AuditEntryView[];
  nextCursor?: string;
}
