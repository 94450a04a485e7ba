/**
 * A bulk job's progress: the bar, the counts, and the failed items with Jira's reason.
 */
import React from 'react';
import { DynamicTable, ProgressBar, Stack, Text } from '@forge/react';
import type { BulkJobView } from '../../contract';

export function JobProgress({ job }: { job: BulkJobView }) {
  const pct = job.total === 0 ? 1 : job.processed / job.total;
  return (
    <Stack space="space.100">
      <ProgressBar value={pct} ariaLabel="Bulk change progress" testId="bulk-progress" />
      <Text testId="bulk-status">{`${job.processed} of ${job.total} processed · ${job.counts.done} done · ${job.counts.already} already so · ${job.counts.failed} failed${job.status === 'done' ? ' · finished' : ''}`}</Text>
      {job.failures.length > 0 ? (
        <DynamicTable
          testId="bulk-failures"
          head={{
            cells: [
              { key: 'item', content: 'Item' },
              { key: 'reason', content: 'Jira’s reason' },
            ],
          }}
          rows={job.failures.map((f) => ({
            key: String(f.index),
            cells: [
              { key: 'item', content: `${f.accountId} → ${f.targetId}` },
              { key: 'reason', content: f.message ?? '' },
            ],
          }))}
        />
      ) : null}
    </Stack>
  );
}
