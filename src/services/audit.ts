/**
 * Reading the audit log: filter by action, actor, result or text, page by page, and export as CSV.
 * Filtering happens while walking KVS pages, so a page may hold fewer entries than asked for; the cursor
 * says where to go on, and nothing is skipped.
 */
import type { AuditEntryView, AuditPage, AuditQueryPayload } from '../contract';
import type { AuditStore } from '../store/audit-store';
import { invalidInput } from './app-error';

const KVS_PAGE = 100;
const MAX_KVS_PAGES_PER_CALL = 20;
export const CSV_MAX_ROWS = 5000;

/** `people`: account IDs the text names (see audit-names.ts), matched as actor or user target. */
function matcher(q: AuditQueryPayload, people: Set<string>): (e: AuditEntryView) => boolean {
  const text = q.text?.trim().toLowerCase();
  return (e) =>
    (!q.action || e.action === q.action) &&
    (!q.actor || e.actor === q.actor) &&
    (!q.result || e.result === q.result) &&
    (!text ||
      [e.targetId, e.targetLabel, e.objectId, e.objectLabel, e.jobId].some((v) => v?.toLowerCase().includes(text)) ||
      people.has(e.actor) ||
      (e.targetType === 'user' && people.has(e.targetId)));
}

export async function queryAudit(
  store: AuditStore,
  q: AuditQueryPayload,
  maxRows?: number,
  people: Set<string> = new Set(),
): Promise<AuditPage> {
  const pageSize = maxRows ?? q.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CSV_MAX_ROWS)
    throw invalidInput('pageSize is out of range.');
  const keep = matcher(q, people);
  const entries: AuditEntryView[] = [];
  let cursor = q.cursor;
  for (
    let pages = 0;
    entries.length < pageSize && pages < (maxRows ? Number.POSITIVE_INFINITY : MAX_KVS_PAGES_PER_CALL);
    pages += 1
  ) {
    const page = await store.page(cursor, KVS_PAGE);
    // A KVS page is taken whole, so the cursor never lands inside one; a UI page may exceed pageSize a little.
    entries.push(...page.entries.filter(keep));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { entries, nextCursor: cursor };
}

const COLUMNS: Array<keyof AuditEntryView> = [
  'at',
  'actor',
  'actorName',
  'action',
  'targetType',
  'targetId',
  'targetLabel',
  'objectType',
  'objectId',
  'objectLabel',
  'result',
  'detail',
  'jobId',
];

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  // Quote always; neutralise spreadsheet formulas.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * The filtered log as CSV (newest first, at most CSV_MAX_ROWS rows). `people` and `name` are the Audit tab's
 * name matching and naming (audit-names.ts), so the export holds what the tab shows: names beside IDs.
 */
export async function exportAuditCsv(
  store: AuditStore,
  q: AuditQueryPayload,
  people: Set<string> = new Set(),
  name: (entries: AuditEntryView[]) => Promise<AuditEntryView[]> = async (entries) => entries,
): Promise<{ csv: string; rows: number; truncated: boolean }> {
  const { entries, nextCursor } = await queryAudit(store, { ...q, cursor: undefined }, CSV_MAX_ROWS, people);
  const rows = await name(entries.slice(0, CSV_MAX_ROWS));
  const lines = [COLUMNS.join(','), ...rows.map((e) => COLUMNS.map((c) => csvCell(e[c])).join(','))];
  return { csv: lines.join('\n'), rows: rows.length, truncated: entries.length > CSV_MAX_ROWS || !!nextCursor };
}
