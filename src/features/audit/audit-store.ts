/**
 * The audit log in KVS: one value per entry under `audit:<newest-first time>:<id>`, so a prefix query
 * lists newest first and no single value grows with the log. Emails are redacted before anything is
 * written. Entries of a bulk job use a key derived from the job and item, so an item that is retried
 * after a lost invocation overwrites its own entry instead of adding a second one. Each entry expires
 * (KVS TTL) the audit retention period after it is written (store/settings.ts: 400 days by default);
 * export the log as CSV (Audit tab) to keep it longer.
 * A bulk job's entries are written as packs: one value per checkpoint of a slice (at most AUDIT_PACK
 * entries, keyed like the pack's first entry), in the same KVS transaction as the job's outcomes, so an item's
 * entry and its outcome are stored together or not at all, and 5,000 items cost about a hundred write units
 * instead of 5,000 (Forge allows 4,000 a minute per installation: developer.atlassian.com/platform/forge/
 * limits-kvs-ce). Readers see one entry per item either way (`page` unpacks).
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

/** Entries a bulk job stores in one value. ~400 bytes each at most (reasons cut to 200 characters): ≤ 20 KB. */
export const AUDIT_PACK = 50;

/** A value holding several entries of one bulk job (see the docblock). */
export interface AuditPack {
  pack: AuditEntryView[];
}

/** The entries a stored audit value holds: itself, or a pack's. */
export function entriesOf(value: unknown): AuditEntryView[] {
  const v = value as Partial<AuditPack> | undefined;
  return Array.isArray(v?.pack) ? v.pack : value ? [value as AuditEntryView] : [];
}

/** A KVS write the caller makes itself (in its own transaction). */
export interface AuditWrite {
  key: string;
  value: AuditPack;
  ttl: { ttl: { value: number; unit: 'DAYS' } };
}

/** The audit entries' TTL (the retention period, store/settings.ts), for writes made by `auditPacks`. */
export async function auditTtl(): Promise<AuditWrite['ttl']> {
  return { ttl: ttlDays((await recentSettings()).auditRetentionDays) };
}

/**
 * The packed writes for these entries (stable ids, as `record`'s), AUDIT_PACK to a value, for the caller to put
 * in its own transaction; nothing is written here. Each pack is keyed like its first entry.
 */
export function auditPacks(
  entries: Array<{ input: AuditInput; stableId: { at: Date; id: string } }>,
  ttl: AuditWrite['ttl'],
): AuditWrite[] {
  const writes: AuditWrite[] = [];
  for (let i = 0; i < entries.length; i += AUDIT_PACK) {
    const part = entries.slice(i, i + AUDIT_PACK);
    const first = part[0] as (typeof part)[number];
    writes.push({
      key: auditKey(first.stableId.at, first.stableId.id),
      value: {
        pack: part.map(({ input, stableId }) =>
          clean({ ...input, id: stableId.id, at: (input.at ?? new Date()).toISOString() } as AuditEntryView),
        ),
      },
      ttl,
    });
  }
  return writes;
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
    const res = await (cursor ? query.cursor(cursor) : query).getMany<AuditEntryView | AuditPack>();
    return { entries: res.results.flatMap((r) => entriesOf(r.value)), nextCursor: res.nextCursor };
  },
};
