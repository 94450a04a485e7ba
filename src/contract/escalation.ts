/**
 * Contract types for credential-expiry escalation and ownership hand-over: the settings view (which Jira
 * project and issue type reminders go to, and what the app may do there), backups, and the hand-over action.
 */

/** A Jira project as the settings picker shows it. */
export interface ProjectOption {
  id: string;
  key: string;
  name: string;
}

export interface IssueTypeOption {
  id: string;
  name: string;
}

/** What the app may do in the chosen project, checked as the app; `missing` says it in words. */
export interface EscalationCheck {
  checkedAt: string;
  canCreate: boolean;
  /** Plain sentences, one per missing permission or problem. Empty when everything works. */
  missing: string[];
}

export interface EscalationSettingsView {
  /** False: no project chosen, nobody is told (reminders only show on the page). */
  configured: boolean;
  projectId?: string;
  projectKey?: string;
  projectName?: string;
  issueTypeId?: string;
  issueTypeName?: string;
  /** Days before expiry at which people are told (0 = on expiry), most distant first. */
  thresholds: number[];
  updatedAt?: string;
  /** Who saved them last (a name, never an id). */
  updatedByName?: string;
  check?: EscalationCheck;
}

export interface SaveEscalationPayload {
  /** Empty or absent: stop telling anyone (reminders stay on the page). */
  projectId?: string;
  issueTypeId?: string;
  thresholds: number[];
}

export interface ListProjectsPayload {
  query?: string;
}

export interface IssueTypesPayload {
  projectId: string;
}

export interface HandOverPayload {
  fromAccountId: string;
  toAccountId: string;
}

export interface HandOverView {
  moved: number;
  queued?: { jobId: string; accounts: number };
  message: string;
}

/** A backup owner as the registry shows it: a name, and warnings in words. */
export interface BackupOwnerView {
  accountId: string;
  name: string;
  warnings: string[];
}

/** How an account's owner left, as the registry marks it. */
export interface HandoverMark {
  fromName?: string;
  at: string;
  source: 'event' | 'daily-check';
  /** The backup that became owner; absent when the owning group is responsible. */
  toName?: string;
}

/** Where an account's escalation stands (the newest open cycle). */
export interface EscalationStatusView {
  issueKey?: string;
  issueUrl?: string;
  /** The last threshold told, in words ("7 days before expiry"). */
  lastNotice?: string;
  closed?: boolean;
}

export const MAX_BACKUP_OWNERS = 3;
export const MAX_THRESHOLD_DAYS = 90;
