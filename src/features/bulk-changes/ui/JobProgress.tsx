/**
 * A bulk job's progress: the bar, the counts (and the items not attempted when it ended early), what a
 * running job waits for, why it ended early (cancelled, stopped, failed) and, while it runs on the queue,
 * a Cancel button, which takes focus when it appears (the Start button or confirmation dialog that started
 * the job is disabled or gone), left-aligned under the counts. Each item's outcome, by name, is
 * BulkOutcomes' job.
 */
import React from 'react';
import { Button, Inline, ProgressBar, Stack, Text } from '@forge/react';
import type { BulkJobView } from '../../../contract';

export function JobProgress({ job, onCancel }: { job: BulkJobView; onCancel?: () => void }) {
  const pct = job.total === 0 ? 1 : job.processed / job.total;
  return (
    <Stack space="space.100">
      <ProgressBar value={pct} ariaLabel="Bulk change progress" testId="bulk-progress" />
      <Text testId="bulk-status">{`${job.processed} of ${job.total} processed · ${job.counts.done} done · ${job.counts.already} already so · ${job.counts.failed} failed${job.notAttempted ? ` · ${job.notAttempted} not attempted` : ''}${job.status === 'done' ? ' · finished' : ''}`}</Text>
      {job.waiting ? <Text testId="bulk-waiting">{job.waiting}</Text> : null}
      {job.stopReason ? <Text testId="bulk-stop-reason">{job.stopReason}</Text> : null}
      {onCancel && job.status === 'running' ? (
        <Inline>
          <Button appearance="subtle" autoFocus onClick={onCancel} testId="bulk-cancel">
            Cancel the rest
          </Button>
        </Inline>
      ) : null}
    </Stack>
  );
}
