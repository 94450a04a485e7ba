/**
 * A bulk change's outcomes, item by item and by name: who, which group or desk, what happened ("added to
 * team-data", "was already in team-data", or the failure with Jira's reason and whether a retry can help),
 * filtered by outcome and paged 50 at a time. Shown once the job has finished (mount it again for a new job).
 */
import React, { useEffect, useState } from 'react';
import { DynamicTable, Inline, Label, Lozenge, Select, Spinner, Stack, Text } from '@forge/react';
import type { BulkJobView, BulkOutcomeRow, ItemOutcome } from '../../../contract';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { OffsetPager } from '../../../frontend/components/OffsetPager';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { OUTCOME_LABELS, alreadyWords, doneWords } from '../../../frontend/words';

const APPEARANCE: Record<ItemOutcome, 'success' | 'default' | 'removed'> = {
  done: 'success',
  already: 'default',
  failed: 'removed',
};

function what(job: BulkJobView, row: BulkOutcomeRow): string {
  const target = row.targetName ?? 'a group or desk that no longer exists';
  if (row.outcome === 'done') return doneWords(job.operation, target);
  if (row.outcome === 'already') return alreadyWords(job.operation, target);
  const reason = row.message ?? 'Jira gave no reason.';
  return `${target}: ${reason}${row.retryable ? ' (may work on a retry)' : ''}`;
}

export function BulkOutcomes({
  job,
  testId = 'bulk-outcomes',
  autoFocus = false,
}: {
  job: BulkJobView;
  testId?: string;
  /** Focus the outcome filter when shown: the result of a job that just ended, where the admin's focus goes. */
  autoFocus?: boolean;
}) {
  const [filter, setFilter] = useState<ItemOutcome | undefined>(job.counts.failed > 0 ? 'failed' : undefined);
  const [startAt, setStartAt] = useState(0);
  const [result] = useResolver('listBulkJobItems', {
    jobId: job.jobId,
    startAt,
    ...(filter ? { outcome: filter } : {}),
  });
  const options = [
    { label: `All (${job.processed})`, value: '' },
    { label: `Done (${job.counts.done})`, value: 'done' },
    { label: `Already so (${job.counts.already})`, value: 'already' },
    { label: `Failed (${job.counts.failed})`, value: 'failed' },
  ];
  const page = result.status === 'ready' ? result.data : undefined;
  // A job that ends right after its confirmation dialog closed: the dialog, as it finishes closing, gives focus
  // back to the button that opened it (Start, disabled by then), after the filter took it. The filter takes
  // focus once more when the outcomes have arrived (a request later), so it is not left on the page body.
  const [focusRound, setFocusRound] = useState(0);
  const loaded = result.status === 'ready';
  useEffect(() => {
    if (autoFocus && loaded && focusRound === 0) setFocusRound(1);
  }, [autoFocus, loaded, focusRound]);
  return (
    <Stack space="space.100">
      <Inline space="space.100" alignBlock="center">
        <Label labelFor={`${testId}-filter-input`}>Show outcomes</Label>
        <Select
          key={`filter-${focusRound}`}
          testId={`${testId}-filter`}
          autoFocus={autoFocus}
          inputId={`${testId}-filter-input`}
          options={options}
          value={options.find((o) => o.value === (filter ?? ''))}
          onChange={(o: { value: string } | null) => {
            setStartAt(0);
            setFilter((o?.value || undefined) as ItemOutcome | undefined);
          }}
        />
      </Inline>
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {result.status === 'loading' ? <Spinner label="Loading outcomes" /> : null}
      {page && page.items.length === 0 ? <Text testId={testId}>Nothing to show for this filter.</Text> : null}
      {page && page.items.length > 0 ? (
        <DynamicTable
          testId={testId}
          label="Outcome of each change"
          head={{
            cells: [
              { key: 'who', content: 'Who', isSortable: true, width: 30 },
              { key: 'outcome', content: 'Outcome', isSortable: true, width: 15 },
              { key: 'what', content: 'What happened', isSortable: true },
            ],
          }}
          rows={page.items.map((r) => ({
            key: String(r.index),
            cells: [
              { key: (r.userName ?? '').toLowerCase(), content: r.userName ?? 'A deleted account' },
              {
                key: r.outcome ?? '',
                content: r.outcome ? (
                  <Lozenge appearance={APPEARANCE[r.outcome]}>{OUTCOME_LABELS[r.outcome]}</Lozenge>
                ) : (
                  ''
                ),
              },
              { key: what(job, r), content: what(job, r) },
            ],
          }))}
        />
      ) : null}
      {page && page.total > page.items.length ? (
        <OffsetPager
          start={startAt}
          shown={page.items.length}
          isLast={startAt + page.items.length >= page.total}
          total={page.total}
          onMove={setStartAt}
          testId={`${testId}-pager`}
          noun={['item', 'items']}
        />
      ) : null}
    </Stack>
  );
}
