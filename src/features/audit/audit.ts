/**
 * Reading the audit log: filter by action, actor, result or text, page by page, and export as CSV in
 * parts that each fit Forge's response limit, with formula cells neutralised.
 * Filtering happens while walking KVS pages, so a page may hold fewer entries than asked for; the cursor
 * says where to go on, and nothing is skipped.
 */
import {
  AUDIT_RESULT_LABELS,
  auditActionLabel,
  auditTypeLabel,
  type AuditEntryView,
  type AuditPage,
  type AuditQueryPayload,
} from '../../contract';
import type { AuditStore } from './audit-store';
import { invalidInput } from '../../invocation/app-error';
import { decodeCursor, encodeCursor } from '../../invocation/cursor';

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

/**
 * A page of the filtered log, newest first: exactly `pageSize` entries (fewer only on the last page), and a
 * cursor that points at the next matching entry, so no page after it is empty while the scan budget lasts.
 */
export async function queryAudit(
  store: AuditStore,
  q: AuditQueryPayload,
  maxRows?: number,
  people: Set<string> = new Set(),
): Promise<AuditPage> {
  const pageSize = maxRows ?? q.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > CSV_MAX_ROWS)
    throw invalidInput('pageSize is out of range.');
  const entries: AuditEntryView[] = [];
  const next = await walkLog(
    store,
    decodeCursor(q.cursor, isPosition),
    matcher(q, people),
    maxRows ? Number.POSITIVE_INFINITY : MAX_KVS_PAGES_PER_CALL,
    (e) => entries.length < pageSize && entries.push(e) > 0,
  );
  return { entries, nextCursor: next ? encodeCursor(next) : undefined };
}

/**
 * Walks the log from `from` (absent: the newest entry), offering each entry that `keep` matches to `take`,
 * which answers false to stop before it. Returns where to go on: that entry's position, the next unread KVS
 * page when `maxPages` pages were read, or undefined at the log's end.
 */
async function walkLog(
  store: AuditStore,
  from: LogPosition | undefined,
  keep: (e: AuditEntryView) => boolean,
  maxPages: number,
  take: (e: AuditEntryView) => boolean,
): Promise<LogPosition | undefined> {
  let pageCursor = from?.c;
  let skip = from?.s ?? 0;
  for (let pages = 0; pages < maxPages; pages += 1) {
    const page = await store.page(pageCursor, KVS_PAGE);
    for (let i = skip; i < page.entries.length; i += 1) {
      const e = page.entries[i] as AuditEntryView;
      if (keep(e) && !take(e)) return { c: pageCursor, s: i };
    }
    if (!page.nextCursor) return undefined;
    pageCursor = page.nextCursor;
    skip = 0;
  }
  return { c: pageCursor, s: 0 };
}

/** The export's columns: the Audit tab's words, with the IDs beside the names for tools that match on them. */
const COLUMNS: Array<{ header: string; value: (e: AuditEntryView) => string | undefined }> = [
  { header: 'When (UTC)', value: (e) => e.at },
  { header: 'Changed by', value: (e) => e.actorName },
  { header: 'Changed by (account ID)', value: (e) => e.actor },
  { header: 'Action', value: (e) => auditActionLabel(e.action) },
  { header: 'Target type', value: (e) => auditTypeLabel(e.targetType) },
  { header: 'Target', value: (e) => e.targetLabel },
  { header: 'Target ID', value: (e) => e.targetId },
  { header: 'In', value: (e) => auditTypeLabel(e.objectType) },
  { header: 'In (name)', value: (e) => e.objectLabel },
  { header: 'In (ID)', value: (e) => e.objectId },
  { header: 'Result', value: (e) => AUDIT_RESULT_LABELS[e.result] },
  { header: 'Detail', value: (e) => e.detail },
  { header: 'Bulk job', value: (e) => e.jobId },
];

const csvLine = (e: AuditEntryView) => COLUMNS.map((c) => csvCell(c.value(e))).join(',');

/**
 * Characters a reader cannot see that may stand before a formula: controls (Cc), format characters (Cf:
 * zero-width space/joiners, bidi marks and isolates U+200E/F, U+202A–E, U+2066–9, the BOM U+FEFF, the word
 * joiner, soft hyphen, tag characters) and the other default-ignorable code points (Hangul fillers,
 * variation selectors, U+180E, U+034F…). A spreadsheet or an importer may drop them, so a cell that starts
 * with one is never trusted to start with text.
 */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
/** Leading whitespace or invisibles, then a formula trigger (ASCII or full-width). */
const FORMULA_AFTER_PADDING = /^[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

/**
 * Neutralises a cell a spreadsheet would run as a formula, per OWASP's CSV Injection guidance
 * (owasp.org/www-community/attacks/CSV_Injection: no cell may begin with `=`, `+`, `-`, `@`, tab or carriage
 * return; prepend a single quote) and ASVS 1.2.10 (also NUL). Spreadsheets skip leading whitespace before
 * a formula, so whitespace followed by one of those counts too, as do the full-width forms (＝＋－＠). A
 * cell that starts with an invisible character (INVISIBLE: zero-width, bidi marks, BOM…) is quoted
 * whatever follows, since what follows it is not what the reader sees first.
 */
export function neutraliseCsvCell(text: string): string {
  return INVISIBLE.test(text) || FORMULA_AFTER_PADDING.test(text) ? `'${text}` : text;
}

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : String(v);
  // Quote always (RFC 4180: quotes doubled inside), after neutralising formulas.
  return `"${neutraliseCsvCell(s).replace(/"/g, '""')}"`;
}

/**
 * One part of the CSV export stays under this many bytes once JSON-encoded in the resolver's answer
 * (Forge's invoke response limit is 5 MB; names added after sizing and the envelope fit in the rest).
 */
export const CSV_PART_MAX_BYTES = 3_500_000;
/** Rows per part at most (names are looked up per part: one /user/bulk per 100 distinct people). */
export const CSV_PART_MAX_ROWS = 5000;
/** KVS pages one part walks at most, so a rarely matching filter still answers well within 25 s. */
const CSV_PART_MAX_KVS_PAGES = 200;
/** Room kept per row for the names filled in after sizing (two display names of at most 255 characters). */
const NAME_RESERVE_BYTES = 1_100;

/** Where a page or part starts: a KVS cursor (absent: the newest entry) and entries to skip on that page. */
interface LogPosition {
  c?: string;
  s: number;
}

const isPosition = (x: unknown): x is LogPosition =>
  !!x &&
  typeof x === 'object' &&
  Number.isInteger((x as LogPosition).s) &&
  (x as LogPosition).s >= 0 &&
  (x as LogPosition).s < KVS_PAGE &&
  ((x as LogPosition).c === undefined || typeof (x as LogPosition).c === 'string');

/** Bytes a CSV line adds to the JSON answer (its escaped text plus the escaped line break). */
const jsonBytes = (line: string) => Buffer.byteLength(JSON.stringify(line), 'utf8');

export interface AuditCsvPart {
  /** This part's lines; the first part starts with the header row. Join parts with a line break. */
  csv: string;
  rows: number;
  /** Pass back as `cursor` for the next part; absent on the last part. */
  nextCursor?: string;
  /** True when more parts follow (`nextCursor` is set). */
  truncated: boolean;
}

/**
 * The filtered log as CSV, newest first, in parts that each fit Forge's 5 MB response limit: the first
 * call (no `cursor`) answers the header and the first rows, and `nextCursor` asks for the next part until
 * it is absent. `people` and `name` are the Audit tab's name matching and naming (audit-names.ts), so the
 * export holds what the tab shows: names beside IDs.
 */
export async function exportAuditCsv(
  store: AuditStore,
  q: AuditQueryPayload,
  people: Set<string> = new Set(),
  name: (entries: AuditEntryView[]) => Promise<AuditEntryView[]> = async (entries) => entries,
): Promise<AuditCsvPart> {
  const start = decodeCursor(q.cursor, isPosition);
  const header = COLUMNS.map((c) => c.header).join(',');
  let bytes = start ? 0 : jsonBytes(header);
  const picked: AuditEntryView[] = [];
  const next = await walkLog(store, start, matcher(q, people), CSV_PART_MAX_KVS_PAGES, (e) => {
    const size = jsonBytes(csvLine(e)) + NAME_RESERVE_BYTES;
    if (picked.length >= CSV_PART_MAX_ROWS || (picked.length > 0 && bytes + size > CSV_PART_MAX_BYTES)) return false;
    picked.push(e);
    bytes += size;
    return true;
  });
  const rows = await name(picked);
  const lines = [...(start ? [] : [header]), ...rows.map(csvLine)];
  const nextCursor = next ? encodeCursor(next) : undefined;
  return { csv: lines.join('\n'), rows: rows.length, nextCursor, truncated: !!nextCursor };
}
