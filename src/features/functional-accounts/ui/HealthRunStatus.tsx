/**
 * The functional health check under way: Check now starts a run on Forge's queue and this follows it
 * (polling `getHealthCheck`) until its summary is written, then the registry reloads. A run the daily
 * trigger or another administrator started shows here too (the registry page names it).
 */
import React, { useEffect, useRef, useState } from 'react';
import { ProgressBar, Stack, Text } from '@forge/react';
import type { HealthCheckProgress } from '../../../contract';
import { call } from '../../../frontend/api';

const POLL_MS = 1500;

/** The run to show (the one started here, else the one the registry reports) and a way to start one. */
export function useHealthRun(reported: HealthCheckProgress | undefined, onFinished: () => void) {
  const [started, setStarted] = useState<HealthCheckProgress | undefined>();
  const current = started && started.status !== 'done' ? started : reported;
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => {
    if (!current || current.status === 'done') return;
    let live = true;
    const timer = setTimeout(() => {
      void call('getHealthCheck', { runId: current.runId }).then((res) => {
        if (!live || !res.ok) return;
        setStarted(res.data);
        if (res.data.status === 'done') finished.current();
      });
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [current]);
  return { current, setStarted };
}

export function HealthRunStatus({ run }: { run: HealthCheckProgress | undefined }) {
  if (!run || run.status === 'done') return null;
  const text =
    run.status === 'preparing'
      ? 'Health check starting: reading the registry and Jira…'
      : `Health check running: ${run.slicesDone} of ${run.slices} parts of the registry checked.`;
  return (
    <Stack space="space.050">
      <Text testId="health-progress">{`${text}${run.alreadyRunning ? ' (it was already under way)' : ''}`}</Text>
      <ProgressBar
        value={run.slices > 0 ? run.slicesDone / run.slices : 0}
        isIndeterminate={run.status === 'preparing'}
        ariaLabel="Health check progress"
      />
    </Stack>
  );
}
