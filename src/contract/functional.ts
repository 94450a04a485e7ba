/**
 * Contract types for functional (non-human) accounts: roles, the registry, credentials and health.
 */
import type { BackupOwnerView, EscalationStatusView, HandoverMark } from './escalation';
export interface RoleView {
  roleId: string;
  name: string;
  groups: Array<{ groupId: string; name: string; grantsProducts: string[]; grantsAdmin: boolean }>;
  /** Warnings about what the role's groups grant (licences, admin rights). */
  warnings: string[];
}

export interface SaveRolePayload {
  roleId?: string;
  name: string;
  groupIds: string[];
}

export type CredentialType = 'api-token' | 'oauth-client' | 'other';
export type CredentialStatus = 'active' | 'expired';

export interface CredentialView {
  credentialId: string;
  type: CredentialType;
  label: string;
  createdAt: string;
  expiresAt?: string;
  lastRotatedAt?: string;
  status: CredentialStatus;
  /** When it stopped being valid (expiry passed, or replaced by a rotation). */
  expiredAt?: string;
}

export type FindingKind =
  | 'credential-expired'
  | 'credential-expiring-1'
  | 'credential-expiring-7'
  | 'credential-expiring-30'
  | 'owner-inactive'
  | 'owner-deleted'
  | 'account-inactive'
  | 'account-deleted'
  | 'naming'
  | 'admin-group';

export interface FindingView {
  kind: FindingKind;
  detail: string;
  /** First check that found it. */
  since: string;
}

export interface FunctionalAccountView {
  accountId: string;
  displayName: string;
  ownerAccountId: string;
  ownerName?: string;
  owningGroupId: string;
  owningGroupName: string;
  purpose: string;
  integration: string;
  roleId?: string;
  registeredAt: string;
  registeredBy: string;
  /** Current credentials, then the most recently retired ones. */
  credentials: CredentialView[];
  /** Older retired credentials kept in the account's credential archive (not listed here). */
  archivedCredentials?: number;
  nextExpiry?: string;
  findings: FindingView[];
  checkedAt?: string;
  /** Up to three people told with the owner, who take over when the owner leaves. */
  backupOwners: BackupOwnerView[];
  /** Set when the owner left and the account was handed to a backup or its owning group. */
  handoverMark?: HandoverMark;
  /** The account's expiry reminders in Jira (its newest tracking issue), when there are any. */
  escalation?: EscalationStatusView;
}

export interface RegisterPayload {
  accountId: string;
  ownerAccountId: string;
  /** Up to three backup owners (people); absent keeps them as they are on edit, none on register. */
  backupOwnerAccountIds?: string[];
  owningGroupId: string;
  purpose: string;
  integration: string;
  roleId?: string;
}

export interface CreateFunctionalPayload {
  name: string;
  roleId: string;
  email?: string;
  ownerAccountId: string;
  owningGroupId: string;
  purpose: string;
  integration: string;
}

export interface CreateFunctionalResult {
  accountId: string;
  displayName: string;
  /** The name the convention asks for; Jira may name a new account after its email until it is renamed. */
  conventionName: string;
  groups: Array<{ groupId: string; name: string; outcome: 'done' | 'already' | 'failed'; message: string }>;
  message: string;
}

export interface CredentialPayload {
  accountId: string;
  type: CredentialType;
  label: string;
  /** ISO date; defaults to now. */
  createdAt?: string;
  expiresAt?: string;
}

export interface RotatePayload {
  accountId: string;
  credentialId: string;
  label?: string;
  expiresAt?: string;
}

export interface RegistryFilter {
  finding?: 'expiring' | 'orphaned' | 'any';
  owningGroupId?: string;
  /** Accounts this person owns. */
  ownerAccountId?: string;
  /** Accounts where this person is a backup owner. */
  backupAccountId?: string;
  cursor?: string;
}

export interface RegistryPage {
  accounts: FunctionalAccountView[];
  /**
   * Whether anyone is told about expiring credentials: false when no Jira project is chosen for
   * reminders (they show on this page only), with the sentence the registry shows.
   */
  reminders?: { told: boolean; message: string };
  nextCursor?: string;
  lastCheck?: HealthRun;
  /** The health check under way, if any. */
  running?: HealthCheckProgress;
}

/** A finished health-check run's summary. */
export interface HealthRun {
  runId?: string;
  /** When the run started (every account is checked as of this instant). */
  at: string;
  finishedAt?: string;
  /** The administrator's account ID who pressed Check now, or "scheduled" for the daily trigger. */
  startedBy?: string;
  accounts: number;
  /** Accounts whose record could not be read or whose findings could not be saved. */
  failed?: number;
  findings: number;
  jiraRequests: number;
  /** Why the run ended before every account was checked (the watchdog ended a run stuck on the queue). */
  ended?: string;
}

/** Editing a registered account: every field the registration set (the account itself stays). */
export type UpdateFunctionalPayload = RegisterPayload;

/** What the page should warn about before a person becomes an owner (nothing is refused here). */
export interface OwnerCheck {
  accountId: string;
  displayName: string;
  warnings: string[];
}

/** An account named like a functional account (`_Func_`) that the registry does not hold yet. */
export interface UnregisteredFunctional {
  accountId: string;
  displayName: string;
  accountType: string;
  active: boolean;
}

/** The words the page and the audit log use for a credential type. */
export const CREDENTIAL_TYPE_LABELS: Record<CredentialType, string> = {
  'api-token': 'API token',
  'oauth-client': 'OAuth client',
  other: 'Other credential',
};

/** The words the page shows for a health finding (short enough for a lozenge). */
export const FINDING_LABELS: Record<FindingKind, string> = {
  'credential-expired': 'Credential expired',
  'credential-expiring-1': 'Expires within a day',
  'credential-expiring-7': 'Expires within 7 days',
  'credential-expiring-30': 'Expires within 30 days',
  'owner-inactive': 'Owner inactive',
  'owner-deleted': 'Owner deleted',
  'account-inactive': 'Account inactive',
  'account-deleted': 'Account deleted',
  naming: 'Name off the convention',
  'admin-group': 'In an admin group',
};

/** A health-check run on Forge's queue, as the Functional tab follows it. */
export interface HealthCheckProgress {
  runId: string;
  /** preparing: reading the registry and Jira; checking: slices running; done: summary written. */
  status: 'preparing' | 'checking' | 'done';
  startedAt: string;
  startedBy: string;
  /** Slices the registry was split into (0 while preparing) and how many are finished. */
  slices: number;
  slicesDone: number;
  /** True when Check now found this run already under way instead of starting another. */
  alreadyRunning?: boolean;
  summary?: HealthRun;
}
