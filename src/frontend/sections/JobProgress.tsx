/**
 * A bulk job's progress: the bar and the counts. Each item's outcome, by name, is BulkOutcomes' job.
 */
import React from 'react';
import { ProgressBar, Stack, Text } from '@forge/react';
import type { BulkJobView } from '../../contract';

export function JobProgress({ job }: { job: BulkJobView }) {
  const pct = job.total === 0 ? 1 : job.processed / job.total;
  return (
    <Stack space="space.100">
      <ProgressBar value={pct} ariaLabel="Bulk change progress" testId="bulk-progress" />
      <Text testId="bulk-status">{`${job.processed} of ${job.total} processed · ${job.counts.done} done · ${job.counts.already} already so · ${job.counts.failed} failed${job.status === 'done' ? ' · finished' : ''}`}</Text>
    </Stack>
  );
}
