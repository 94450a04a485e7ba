/**
 * The Audit tab: every change the app made (who, when, what, target, result), filtered and paged, and the
 * filtered log as CSV to copy. Entries never hold emails.
 */
import React, { useState } from 'react';
import { Button, CodeBlock, DynamicTable, Inline, Label, Lozenge, Select, Stack, Text, Textfield } from '@forge/react';
import type { AppError, AuditQueryPayload } from '../../contract';
import { call } from '../api';
import { type FieldEvent, valueOf } from '../events';
import { ErrorBanner } from '../ErrorBanner';
import { useCursorPages } from '../useCursorPages';
import { useDebounced } from '../useDebounced';
import { useResolver } from '../useResolver';

const ANY = { label: 'Any', value: '' };
const ACTIONS = [
  ANY,
  ...[
    'group.member.add',
    'group.member.remove',
    'user.columns.reset',
    'user.delete',
    'customer.create',
    'customer.link',
    'servicedesk.customer.add',
    'servicedesk.customer.remove',
  ].map((a) => ({
    label: a,
    value: a,
  })),
];
const RESULTS = [
  ANY,
  { label: 'Done', value: 'done' },
  { label: 'Already so', value: 'already' },
  { label: 'Failed', value: 'failed' },
];

export function AuditTab() {
  const [filters, setFilters] = useState<AuditQueryPayload>({});
  const [textInput, setTextInput] = useState('');
  const text = useDebounced(textInput);
  const [error, setError] = useState<AppError | undefined>();
  const [csv, setCsv] = useState<{ csv: string; rows: number; truncated: boolean } | undefined>();
  const query: AuditQueryPayload = { ...filters, ...(text ? { text } : {}) };
  const key = JSON.stringify(query);
  const pages = useCursorPages(key);
  const [result] = useResolver('listAudit', { ...query, cursor: pages.cursor });
  const page = result.status === 'ready' ? result.data : undefined;

  const exportCsv = async () => {
    const res = await call('exportAuditCsv', JSON.parse(key) as AuditQueryPayload);
    if (res.ok) setCsv(res.data);
    else setError(res.error);
  };

  return (
    <Stack space="space.200">
      <Inline space="space.150" shouldWrap alignBlock="center">
        <Select
          testId="audit-action"
          placeholder="Action"
          options={ACTIONS}
          onChange={(o: { value: string } | null) => setFilters((f) => ({ ...f, action: o?.value || undefined }))}
        />
        <Select
          testId="audit-result"
          placeholder="Result"
          options={RESULTS}
          onChange={(o: { value: string } | null) =>
            setFilters((f) => ({ ...f, result: (o?.value || undefined) as AuditQueryPayload['result'] }))
          }
        />
        <Label labelFor="audit-text">Target</Label>
        <Textfield
          id="audit-text"
          testId="audit-text"
          placeholder="User, group or job"
          value={textInput}
          onChange={(e: FieldEvent) => setTextInput(valueOf(e))}
        />
        <Button onClick={() => void exportCsv()} testId="audit-export">
          Export CSV
        </Button>
      </Inline>
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {error ? <ErrorBanner error={error} /> : null}
      {page && page.entries.length === 0 ? <Text testId="audit-table">No changes match.</Text> : null}
      {page && page.entries.length > 0 ? (
        <DynamicTable
          testId="audit-table"
          head={{
            cells: ['When', 'Who', 'Action', 'Target', 'Object', 'Result', 'Detail'].map((c) => ({
              key: c,
              content: c,
            })),
          }}
          rows={page.entries.map((e) => ({
            key: e.id,
            cells: [
              { key: 'When', content: e.at.replace('T', ' ').slice(0, 19) },
              { key: 'Who', content: e.actor },
              { key: 'Action', content: e.action },
              { key: 'Target', content: e.targetLabel ?? e.targetId },
              { key: 'Object', content: e.objectLabel ?? e.objectId ?? '' },
              {
                key: 'Result',
                content: (
                  <Lozenge appearance={e.result === 'failed' ? 'removed' : e.result === 'done' ? 'success' : 'default'}>
                    {e.result}
                  </Lozenge>
                ),
              },
              { key: 'Detail', content: e.detail ?? '' },
            ],
          }))}
        />
      ) : null}
      {page ? (
        <Inline space="space.150" alignBlock="center">
          <Button isDisabled={!pages.canGoBack} onClick={pages.back} testId="audit-prev">
            Previous
          </Button>
          <Text>{`Page ${pages.pageNumber}`}</Text>
          <Button isDisabled={!page.nextCursor} onClick={() => pages.forward(page.nextCursor)} testId="audit-next">
            Next
          </Button>
        </Inline>
      ) : null}
      {csv ? (
        <Stack space="space.100">
          <Text testId="audit-csv-info">{`${csv.rows} rows${csv.truncated ? ' (the first 5,000; narrow the filters for the rest)' : ''}. Copy the CSV below.`}</Text>
          <CodeBlock language="text" text={csv.csv} />
        </Stack>
      ) : null}
    </Stack>
  );
}
