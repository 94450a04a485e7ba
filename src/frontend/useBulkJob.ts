/**
 * Drives a bulk job from the page: one `runBulkJob` invocation after another (each well inside Forge's
 * 25 s) until the job is done, pausing when Jira rate limits. The job's state lives in KVS, so leaving the
 * page only pauses it.
 */
import { useRef, useState } from 'react';
import type { BulkJobView, Envelope } from '../contract';
import { call } from './api';

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
      while (current.status !== 'done') {
        const res = await run(() => call('runBulkJob', { jobId: current.jobId }));
        if (!res.ok) return;
        const stalled = res.data.processed === current.processed;
        current = res.data;
        setJob(current);
        // Jira is rate limiting: wait a little before the next slice.
        if (stalled) await new Promise((r) => setTimeout(r, 2000));
      }
    } finally {
      busy.current = false;
      setRunning(false);
    }
  };
  return { job, pump, running };
}
