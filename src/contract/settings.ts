/**
 * The app's settings (resolver keys getSettings and saveSettings; no page shows them yet): who sees emails
 * that profile visibility hides, and how long audit entries and bulk-job records are kept before KVS expires them.
 */

/** Who may see an email that the person's profile visibility hides. */
export type HiddenEmailAudience = 'site-admins' | 'jira-admins';

export interface AppSettings {
  hiddenEmails: HiddenEmailAudience;
  /** Days an audit entry is kept after it is written (its KVS TTL). */
  auditRetentionDays: number;
  /** Days a bulk job's records (header, items, outcomes, index entry) are kept after its last write. */
  jobRetentionDays: number;
}

export interface SettingsView extends AppSettings {
  updatedAt?: string;
  updatedBy?: string;
  /** Whether the caller may see hidden emails under the current policy. */
  callerSeesHiddenEmails: boolean;
  /** Whether the caller may change settings (site administrators only). */
  callerMayChange: boolean;
}

export type SaveSettingsPayload = Partial<AppSettings>;
