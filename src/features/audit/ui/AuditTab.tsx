/**
 * The Audit tab: every change the app made (when, who, what, to whom or what, result), filtered and paged,
 * with people shown by name; "Changed by" is the app's person picker (name with email, so same-named
 * administrators can be told apart), which says under the filters when it can find active people only. The filtered log is copied as CSV with one button (UI Kit has no file
 * download); when the browser refuses the clipboard, the CSV appears in a small read-only box to copy by
 * hand, and holds focus. A CSV message goes as soon as the filters change (it described other rows); the
 * button keeps focus while the export runs. Entries never hold emails. Previous and Next stay on the page
 * while the next page loads, and a button that becomes disabled at either end (a disabled button drops
 * keyboard focus) hands focus to the other one: UI Kit's only focus control is `autoFocus` on mount, so the
 * other button is remounted with it (see useFocusTarget).
 */
import React, { useEffect, useState } from 'react';
import {
  Box,
  Button,
  DynamicTable,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Select,
  Stack,
  Text,
  TextArea,
  Textfield,
  xcss,
} from '@forge/react';
import { AUDIT_ACTIONS, AUDIT_RESULT_LABELS, auditActionLabel } from '../../../contract';
import type { AppError, AuditEntryView, AuditQueryPayload } from '../../../contract';
import { call } from '../../../frontend/api';
import { copyText } from '../../../frontend/copyText';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { ACTIVE_ONLY_NOTICE, PersonPicker } from '../../../frontend/components/PersonPicker';
import { useCursorPages } from '../../../frontend/hooks/useCursorPages';
import { useDebounced } from '../../../frontend/hooks/useDebounced';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { datesInWords, formatDateTime } from '../../../frontend/dates';
import { useViewer } from '../../../frontend/hooks/useViewer';

/** The log is as wide as the page (a DynamicTable alone is only as wide as its content). */
const fullWidth = xcss({ width: '100%' });

type PagerButton = 'prev' | 'next';

const ANY = { label: 'Any', value: '' };
const ACTIONS = [ANY, ...AUDIT_ACTIONS.map((a) => ({ label: a.label, value: a.action }))];
const RESULT_WORDS: Record<AuditEntryView['result'], string> = AUDIT_RESULT_LABELS;
const RESULTS = [ANY, ...Object.entries(RESULT_WORDS).map(([value, label]) => ({ label, value }))];

/** Who: the name, or a plain statement that Jira no longer knows the account (its ID stays in the CSV). */
function who(e: AuditEntryView): string {
  return e.actorName ?? 'Unknown account';
}

/** Targets that are not one person, group or desk, in words. */
const TARGET_WORDS: Record<string, string> = { registry: 'All functional accounts' };

function target(e: AuditEntryView): string {
  if (e.targetLabel) return e.targetLabel;
  if (e.targetType === 'user') return 'Unknown account';
  return TARGET_WORDS[e.targetType] ?? e.targetId;
}

interface CsvState {
  csv: string;
  rows: number;
  truncated: boolean;
  copied: boolean;
}

function CsvResult({ csv, onClose }: { csv: CsvState; onClose: () => void }) {
  const rows = `${csv.rows.toLocaleString('en')} ${csv.rows === 1 ? 'row' : 'rows'}`;
  const more = csv.truncated ? ' These are the newest entries; narrow the filters to get the rest.' : '';
  return csv.copied ? (
    <SectionMessage appearance="success" title="CSV copied">
      <Text testId="audit-csv-info">{`Copied ${rows} to the clipboard: paste them into a spreadsheet.${more}`}</Text>
    </SectionMessage>
  ) : (
    <SectionMessage appearance="information" title="Copy the CSV">
      <Stack space="space.100">
        <Text testId="audit-csv-info">{`The browser did not allow copying. Select all in the box (Ctrl+A or ⌘A) and copy it: ${rows}.${more}`}</Text>
        <Label labelFor="audit-csv-text">CSV</Label>
        <TextArea
          autoFocus
          id="audit-csv-text"
          testId="audit-csv-text"
          value={csv.csv}
          isReadOnly
          isMonospaced
          maxHeight="12rem"
          resize="vertical"
        />
        <Button appearance="subtle" onClick={onClose} testId="audit-csv-close">
          Close
        </Button>
      </Stack>
    </SectionMessage>
  );
}

export function AuditTab() {
  const viewer = useViewer();
  const [filters, setFilters] = useState<AuditQueryPayload>({});
  const [textInput, setTextInput] = useState('');
  /** "Changed by"'s last search could find active people only (no directory index yet). */
  const [actorActiveOnly, setActorActiveOnly] = useState(false);
  const text = useDebounced(textInput);
  const [error, setError] = useState<AppError | undefined>();
  const [csv, setCsv] = useState<CsvState | undefined>();
  const [exporting, setExporting] = useState(false);
  /** Rows fetched so far while a long export arrives in parts. */
  const [exported, setExported] = useState(0);
  const query: AuditQueryPayload = { ...filters, ...(text ? { text } : {}) };
  const key = JSON.stringify(query);
  const pages = useCursorPages(key);
  const [result] = useResolver('listAudit', { ...query, cursor: pages.cursor });
  const page = result.status === 'ready' ? result.data : undefined;
  /** Whether there is a next page, as of the last page shown: the paging buttons stay while the next loads. */
  const [hasNext, setHasNext] = useState<boolean | undefined>();
  useEffect(() => {
    if (result.status === 'ready') setHasNext(!!result.data.nextCursor);
    if (result.status === 'error') setHasNext(undefined);
  }, [result]);
  /** The paging button pressed last and the result shown then, until the page it asked for arrives. */
  const [pressed, setPressed] = useState<{ button: PagerButton; from: typeof result } | undefined>();
  /** Focus handed to the other paging button: its key changes (a remount) and it mounts with autoFocus. */
  const [pagerFocus, setPagerFocus] = useState<{ target: PagerButton; n: number; live: boolean }>({
    target: 'next',
    n: 0,
    live: false,
  });
  useEffect(() => {
    // (The render right after the press still holds the page it was pressed on: wait for another result.)
    if (!pressed || result.status !== 'ready' || result === pressed.from) return;
    setPressed(undefined);
    const disabled = pressed.button === 'next' ? !result.data.nextCursor : !pages.canGoBack;
    const other = pressed.button === 'next' ? 'prev' : 'next';
    if (disabled) setPagerFocus((f) => ({ target: other, n: f.n + 1, live: true }));
  }, [pressed, result, pages.canGoBack]);
  const pagerKey = (b: PagerButton) => `audit-${b}#${pagerFocus.target === b ? pagerFocus.n : 0}`;
  const pagerAuto = (b: PagerButton) => pagerFocus.live && pagerFocus.target === b;

  // A CSV made for other filters no longer describes what the page shows; the paging focus hand-over is done.
  useEffect(() => {
    setCsv(undefined);
    setPagerFocus((f) => (f.live ? { ...f, live: false } : f));
  }, [key]);

  const exportCsv = async () => {
    // The button stays enabled while the export runs (a disabled button drops keyboard focus).
    if (exporting) return;
    setExporting(true);
    setExported(0);
    setError(undefined);
    setCsv(undefined);
    try {
      // The export arrives in parts (each under Forge's 5 MB response limit): ask until there is no cursor.
      const parts: string[] = [];
      let rows = 0;
      let cursor: string | undefined;
      do {
        const res = await call('exportAuditCsv', { ...(JSON.parse(key) as AuditQueryPayload), cursor });
        if (!res.ok) {
          setError(res.error);
          return;
        }
        if (res.data.csv) parts.push(res.data.csv);
        rows += res.data.rows;
        setExported(rows);
        cursor = res.data.nextCursor;
      } while (cursor);
      const text = parts.join('\n');
      setCsv({ csv: text, rows, truncated: false, copied: await copyText(text) });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Stack space="space.200">
      <Inline space="space.200" shouldWrap alignBlock="end">
        <Stack space="space.050">
          <Label labelFor="audit-action-input">Action</Label>
          <Select
            inputId="audit-action-input"
            testId="audit-action"
            placeholder="Any"
            options={ACTIONS}
            onChange={(o: { value: string } | null) => setFilters((f) => ({ ...f, action: o?.value || undefined }))}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="audit-result-input">Result</Label>
          <Select
            inputId="audit-result-input"
            testId="audit-result"
            placeholder="Any"
            options={RESULTS}
            onChange={(o: { value: string } | null) =>
              setFilters((f) => ({ ...f, result: (o?.value || undefined) as AuditQueryPayload['result'] }))
            }
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="audit-actor-input">Changed by</Label>
          <PersonPicker
            testId="audit-actor"
            inputId="audit-actor-input"
            placeholder="Anyone"
            activeOnly={setActorActiveOnly}
            onPick={(u) => setFilters((f) => ({ ...f, actor: u?.accountId }))}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="audit-text">Person, group or job</Label>
          <Textfield
            id="audit-text"
            testId="audit-text"
            placeholder="Name or ID"
            value={textInput}
            onChange={(e: FieldEvent) => setTextInput(valueOf(e))}
          />
        </Stack>
        <Button onClick={() => void exportCsv()} testId="audit-export">
          {exporting ? `Preparing CSV…${exported > 0 ? ` ${exported.toLocaleString('en')} rows` : ''}` : 'Copy as CSV'}
        </Button>
      </Inline>
      {actorActiveOnly ? <Text testId="audit-actor-active-only">{ACTIVE_ONLY_NOTICE}</Text> : null}
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {error ? <ErrorBanner error={error} /> : null}
      {csv ? <CsvResult csv={csv} onClose={() => setCsv(undefined)} /> : null}
      {page && page.entries.length === 0 ? <Text testId="audit-table">No changes match.</Text> : null}
      {page && page.entries.length > 0 ? (
        <Box xcss={fullWidth}>
          <DynamicTable
            testId="audit-table"
            head={{
              cells: [
                // "Dec 3, 2026, 10:46 PM UTC" on one line at 1440 px (17 % of the page is about 200 px).
                { key: 'when', content: 'When', width: 17 },
                { key: 'who', content: 'Who', width: 13 },
                { key: 'action', content: 'Action', width: 14 },
                { key: 'target', content: 'Target', width: 15 },
                { key: 'object', content: 'Group or desk', width: 13 },
                { key: 'result', content: 'Result', width: 8 },
                { key: 'detail', content: 'Detail', width: 20 },
              ],
            }}
            rows={page.entries.map((e) => ({
              key: e.id,
              cells: [
                { key: 'when', content: formatDateTime(e.at, viewer) },
                { key: 'who', content: who(e) },
                { key: 'action', content: auditActionLabel(e.action) },
                { key: 'target', content: target(e) },
                { key: 'object', content: e.objectLabel ?? e.objectId ?? '' },
                {
                  key: 'result',
                  content: (
                    <Lozenge
                      appearance={e.result === 'failed' ? 'removed' : e.result === 'done' ? 'success' : 'default'}
                    >
                      {RESULT_WORDS[e.result]}
                    </Lozenge>
                  ),
                },
                { key: 'detail', content: datesInWords(e.detail ?? '', viewer) },
              ],
            }))}
          />
        </Box>
      ) : null}
      {hasNext !== undefined && result.status !== 'error' ? (
        <Inline space="space.150" alignBlock="center">
          <Button
            key={pagerKey('prev')}
            autoFocus={pagerAuto('prev')}
            isDisabled={!pages.canGoBack}
            onClick={() => {
              if (!page || !pages.canGoBack) return; // still loading: a press does nothing
              // Back on the first page Previous is disabled: once that page has arrived (so Next is enabled
              // again, even when the page left was the last one), Next takes focus.
              setPressed({ button: 'prev', from: result });
              pages.back();
            }}
            testId="audit-prev"
          >
            Previous
          </Button>
          <Text>{`Page ${pages.pageNumber}`}</Text>
          <Button
            key={pagerKey('next')}
            autoFocus={pagerAuto('next')}
            isDisabled={!hasNext}
            onClick={() => {
              if (!page?.nextCursor) return; // still loading: a press does nothing
              setPressed({ button: 'next', from: result });
              pages.forward(page.nextCursor);
            }}
            testId="audit-next"
          >
            Next
          </Button>
        </Inline>
      ) : null}
    </Stack>
  );
}
