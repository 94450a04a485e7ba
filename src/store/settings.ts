/**
 * The app's settings in KVS (`settings:app`): the hidden-email audience and the retention periods, with
 * their defaults when nothing was saved. Retention is read often (every audit entry and job write) so a
 * warm container reuses an answer for at most 60 s; the email policy is read fresh on every call that
 * could show a hidden email, so narrowing it takes effect at once.
 *
 * Defaults (issue 19, item 8):
 * - hidden emails: site administrators only. Profile visibility is the person's choice; Jira itself
 *   shows hidden emails only to the app (asApp), so the app widens that to as few people as its job needs.
 * - audit entries: 400 days. A year covers an annual access review and the longest API-token lifetime
 *   (365 days), so a rotation and the expiry it answers stay side by side; 35 days more leave a month to
 *   export the year before its first entries go.
 * - bulk jobs: 90 days. A job's per-item outcomes serve the page's "what happened" and retries; each item's
 *   change is also an audit entry, kept for the audit period.
 */
import { kvs } from './kvs-retry';
import type { AppSettings } from '../contract/settings';

export const SETTINGS_KEY = 'settings:app';

export const DEFAULT_SETTINGS: AppSettings = {
  hiddenEmails: 'site-admins',
  auditRetentionDays: 400,
  jobRetentionDays: 90,
};

/** Bounds of the retention periods (days). */
export const RETENTION_MIN_DAYS = 7;
export const RETENTION_MAX_DAYS = 730;

export interface StoredSettings extends AppSettings {
  updatedAt?: string;
  updatedBy?: string;
}

const CACHE_MS = 60_000;
/**
 * How long a container reuses the settings it read; SETTINGS_CACHE_MS overrides it (tests, where warm
 * containers would otherwise keep a changed period for a minute of real time).
 */
function cacheMs(): number {
  const v = Number(process.env.SETTINGS_CACHE_MS);
  return process.env.SETTINGS_CACHE_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : CACHE_MS;
}
let cached: { value: StoredSettings; until: number } | undefined;

/** The saved settings over the defaults (fields missing or out of range fall back to the default). */
function normalise(raw: Partial<StoredSettings> | undefined): StoredSettings {
  const days = (v: unknown, d: number) =>
    Number.isInteger(v) && (v as number) >= RETENTION_MIN_DAYS && (v as number) <= RETENTION_MAX_DAYS
      ? (v as number)
      : d;
  return {
    hiddenEmails: raw?.hiddenEmails === 'jira-admins' ? 'jira-admins' : 'site-admins',
    auditRetentionDays: days(raw?.auditRetentionDays, DEFAULT_SETTINGS.auditRetentionDays),
    jobRetentionDays: days(raw?.jobRetentionDays, DEFAULT_SETTINGS.jobRetentionDays),
    ...(raw?.updatedAt ? { updatedAt: raw.updatedAt, updatedBy: raw.updatedBy } : {}),
  };
}

/** The settings as stored now (one KVS read). */
export async function readSettings(): Promise<StoredSettings> {
  const value = normalise(await kvs.get<Partial<StoredSettings>>(SETTINGS_KEY));
  cached = { value, until: Date.now() + cacheMs() };
  return value;
}

/** The settings, possibly as read up to 60 s ago in this container (for retention periods only). */
export async function recentSettings(): Promise<StoredSettings> {
  if (cached && cached.until > Date.now()) return cached.value;
  return readSettings();
}

export async function writeSettings(value: StoredSettings): Promise<void> {
  await kvs.set(SETTINGS_KEY, value);
  cached = { value, until: Date.now() + cacheMs() };
}

/** A KVS TTL of `days` days. */
export const ttlDays = (days: number) => ({ value: days, unit: 'DAYS' as const });
