/**
 * Follows a bulk job from the page: the work runs on Forge's queue, so the page only reads progress
 * (`getBulkJob`) every second or so until the job is done, cancelled, stopped or failed. Closing the page changes
 * nothing; reopening it shows the job where it is. `cancel` asks the queue to stop sending items.
 */
import { useRef, useState } from 'react';
import type { BulkJobView, Envelope } from '../../../contract';
import { call } from '../../../frontend/api';

type Run = <T>(work: () => Promise<Envelope<T>>) => Promise<Envelope<T>>;

export function useBulkJob(run: Run) {
  const [job, setJob] = useState<BulkJobView | undefined>();
  const [running, setRunning] = useState(false);
  const busy = useRef(false);
  const pump = async (start: BulkJobView) => {
    if (busy.current) return;
    busy.current = true;
    setRunning(true);
    let current = start;
    setJob(current);
    try {
      while (current.status === 'running' || current.status === 'cancelling') {
        await new Promise((r) => setTimeout(r, current.processed === 0 ? 300 : 1000));
        const res = await run(() => call('getBulkJob', { jobId: current.jobId }));
        if (!res.ok) return;
        current = res.data;
        setJob(current);
      }
    } finally {
      busy.current = false;
      setRunning(false);
    }
  };
  const cancel = async () => {
    if (!job) return;
    const res = await run(() => call('cancelBulkJob', { jobId: job.jobId }));
    if (res.ok) setJob(res.data);
  };
  return { job, pump, running, cancel };
}
