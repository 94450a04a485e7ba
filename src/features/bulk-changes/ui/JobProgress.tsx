/**
 * A bulk job's progress: the bar, the counts, why it ended early (cancelled or stopped) and, while it
 * runs on the queue, a Cancel button. Each item's outcome, by name, is BulkOutcomes' job.
 */
import React from 'react';
import { Button, ProgressBar, Stack, Text } from '@forge/react';
import type { BulkJobView } from '../../../contract';

export function JobProgress({ job, onCancel }: { job: BulkJobView; onCancel?: () => void }) {
  const pct = job.total === 0 ? 1 : job.processed / job.total;
  return (
    <Stack space="space.100">
      <ProgressBar value={pct} ariaLabel="Bulk change progress" testId="bulk-progress" />
      <Text testId="bulk-status">{`${job.processed} of ${job.total} processed · ${job.counts.done} done · ${job.counts.already} already so · ${job.counts.failed} failed${job.status === 'done' ? ' · finished' : ''}`}</Text>
      {job.stopReason ? <Text testId="bulk-stop-reason">{job.stopReason}</Text> : null}
      {onCancel && job.status === 'running' ? (
        <Button appearance="subtle" onClick={onCancel} testId="bulk-cancel">
          Cancel the rest
        </Button>
      ) : null}
    </Stack>
  );
}
