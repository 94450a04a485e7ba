/**
 * The audit log in KVS: one value per entry under `audit:<newest-first time>:<id>`, so a prefix query
 * lists newest first and no single value grows with the log. Emails are redacted before anything is
 * written. Entries of a bulk job use a key derived from the job and item, so an item that is retried
 * after a lost invocation overwrites its own entry instead of adding a second one. Each entry expires
 * (KVS TTL) the audit retention period after it is written (store/settings.ts: 400 days by default);
 * export the log as CSV (Audit tab) to keep it longer.
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../store/kvs-retry';
import { randomUUID } from 'node:crypto';
import type { AuditEntryView } from '../../contract';
import { redactEmails } from '../../store/redact';
import { recentSettings, ttlDays } from '../../store/settings';

export const AUDIT_PREFIX = 'audit:';
const MAX_TIME = 9_999_999_999_999;

export type AuditInput = Omit<AuditEntryView, 'id' | 'at'> & { at?: Date };

function invertedTime(ms: number): string {
  return String(MAX_TIME - ms).padStart(13, '0');
}

export function auditKey(at: Date, id: string): string {
  return `${AUDIT_PREFIX}${invertedTime(at.getTime())}:${id}`;
}

function clean(entry: AuditEntryView): AuditEntryView {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (v !== undefined) out[k] = typeof v === 'string' ? redactEmails(v) : v;
  return out as unknown as AuditEntryView;
}

export interface AuditStore {
  record(input: AuditInput, stableId?: { at: Date; id: string }): Promise<AuditEntryView>;
  page(cursor: string | undefined, limit: number): Promise<{ entries: AuditEntryView[]; nextCursor?: string }>;
}

export const auditStore: AuditStore = {
  async record(input, stableId) {
    const at = input.at ?? new Date();
    const id = stableId?.id ?? randomUUID();
    const keyTime = stableId?.at ?? at;
    const entry = clean({ ...input, id, at: at.toISOString() } as AuditEntryView);
    await kvs.set(auditKey(keyTime, id), entry, { ttl: ttlDays((await recentSettings()).auditRetentionDays) });
    return entry;
  },
  async page(cursor, limit) {
    const query = kvs.query().where('key', WhereConditions.beginsWith(AUDIT_PREFIX)).limit(limit);
    const res = await (cursor ? query.cursor(cursor) : query).getMany<AuditEntryView>();
    return { entries: res.results.map((r) => r.value), nextCursor: res.nextCursor };
  },
};
