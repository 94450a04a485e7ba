/**
 * The app's settings as administrators read and change them: who sees hidden emails (site admins by
 * default; widening it to every Jira admin is a site admin's decision) and the retention periods of audit
 * entries and bulk jobs (store/settings.ts explains the defaults). Only site administrators (Jira's
 * SYSTEM_ADMIN, asked live) may change them; every change is audited with what it was and what it became.
 * A change applies to entries written after it: existing entries keep the expiry they were written with.
 */
import type { SaveSettingsPayload, SettingsView } from '../../contract';
import type { JiraClient } from '../../jira';
import { AppFailure, invalidInput } from '../../invocation/app-error';
import { withRecordLock } from '../../store/record-lock';
import {
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  SETTINGS_KEY,
  readSettings,
  writeSettings,
  type StoredSettings,
} from '../../store/settings';
import type { AuditStore } from './audit-store';

type SettingsJira = Pick<JiraClient, 'getMyGlobalPermissions'>;

async function isSiteAdmin(jira: SettingsJira): Promise<boolean> {
  return (await jira.getMyGlobalPermissions(['SYSTEM_ADMIN'])).SYSTEM_ADMIN;
}

function view(s: StoredSettings, siteAdmin: boolean): SettingsView {
  return {
    ...s,
    callerSeesHiddenEmails: siteAdmin || s.hiddenEmails === 'jira-admins',
    callerMayChange: siteAdmin,
  };
}

export async function getSettings(jira: SettingsJira): Promise<SettingsView> {
  const [s, siteAdmin] = await Promise.all([readSettings(), isSiteAdmin(jira)]);
  return view(s, siteAdmin);
}

const LABEL: Record<StoredSettings['hiddenEmails'], string> = {
  'site-admins': 'site administrators',
  'jira-admins': 'all Jira administrators',
};

export async function saveSettings(
  jira: SettingsJira,
  audit: AuditStore,
  actor: string,
  p: SaveSettingsPayload,
  now: () => Date = () => new Date(),
): Promise<SettingsView> {
  for (const [name, v] of [
    ['auditRetentionDays', p.auditRetentionDays],
    ['jobRetentionDays', p.jobRetentionDays],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < RETENTION_MIN_DAYS || v > RETENTION_MAX_DAYS))
      throw invalidInput(`${name} must be a whole number of days from ${RETENTION_MIN_DAYS} to ${RETENTION_MAX_DAYS}.`);
  if (!(await isSiteAdmin(jira)))
    throw new AppFailure('SITE_ADMIN_REQUIRED', 'Only site administrators can change User Admin’s settings.');
  return withRecordLock(
    SETTINGS_KEY,
    async () => {
      const before = await readSettings();
      const next: StoredSettings = {
        hiddenEmails: p.hiddenEmails ?? before.hiddenEmails,
        auditRetentionDays: p.auditRetentionDays ?? before.auditRetentionDays,
        jobRetentionDays: p.jobRetentionDays ?? before.jobRetentionDays,
        updatedAt: now().toISOString(),
        updatedBy: actor,
      };
      const changes = [
        before.hiddenEmails !== next.hiddenEmails &&
          `hidden emails shown to ${LABEL[next.hiddenEmails]} (was ${LABEL[before.hiddenEmails]})`,
        before.auditRetentionDays !== next.auditRetentionDays &&
          `audit entries kept ${next.auditRetentionDays} days (was ${before.auditRetentionDays})`,
        before.jobRetentionDays !== next.jobRetentionDays &&
          `bulk jobs kept ${next.jobRetentionDays} days (was ${before.jobRetentionDays})`,
      ].filter((c): c is string => !!c);
      if (changes.length > 0) await writeSettings(next);
      await audit.record({
        actor,
        action: 'settings.update',
        targetType: 'settings',
        targetId: 'app',
        targetLabel: 'User Admin settings',
        result: changes.length > 0 ? 'done' : 'already',
        detail: changes.length > 0 ? `Changed: ${changes.join('; ')}.` : 'Nothing changed.',
      });
      return view(changes.length > 0 ? next : before, true);
    },
    { what: 'the settings' },
  );
}
