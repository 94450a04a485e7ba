/**
 * The audit log's resolver keys: read it (names looked up when read) and export it as CSV; and the app's
 * settings (hidden-email audience, retention), whose every change is audited.
 */
import { jira } from '../../jira';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field } from '../../invocation/validate';
import { exportAuditCsv, queryAudit } from './audit';
import { nameAuditEntries, peopleNamed } from './audit-names';
import { auditStore } from './audit-store';
import { getSettings, saveSettings } from './settings';

/** An item's or entry's result, as filters name it. */
export const AUDIT_RESULTS = ['done', 'already', 'failed'] as const;

function auditQuery(raw: unknown) {
  const p = asPayload(raw);
  return {
    action: field.optionalString(p, 'action', 64),
    actor: p.actor === undefined ? undefined : field.accountId(p, 'actor'),
    result: field.oneOf(p, 'result', AUDIT_RESULTS),
    text: field.optionalString(p, 'text', 200),
    cursor: field.optionalString(p, 'cursor', 2000),
    pageSize: field.optionalInt(p, 'pageSize', 1, 200),
  };
}

export const auditResolvers: ResolverDefinitions<'listAudit' | 'exportAuditCsv' | 'getSettings' | 'saveSettings'> = {
  getSettings: { access: 'cached', run: () => getSettings(jira) },
  saveSettings: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      return saveSettings(jira, auditStore, accountId, {
        hiddenEmails: field.oneOf(p, 'hiddenEmails', ['site-admins', 'jira-admins'] as const),
        auditRetentionDays: field.optionalInt(p, 'auditRetentionDays', 1, 100_000),
        jobRetentionDays: field.optionalInt(p, 'jobRetentionDays', 1, 100_000),
      });
    },
  },
  listAudit: {
    access: 'cached',
    run: async ({ payload }) => {
      const q = auditQuery(payload);
      const page = await queryAudit(auditStore, q, undefined, await peopleNamed(jira, q.text));
      return { ...page, entries: await nameAuditEntries(jira, page.entries) };
    },
  },
  exportAuditCsv: {
    access: 'live',
    run: async ({ payload }) => {
      const q = auditQuery(payload);
      return exportAuditCsv(auditStore, q, await peopleNamed(jira, q.text), (entries) =>
        nameAuditEntries(jira, entries),
      );
    },
  },
};
