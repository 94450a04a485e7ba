/**
 * Bulk changes: many users into one group, one user into many groups, many users out of a group. The page
 * drives the job one resolver call at a time (each well inside Forge's 25 s) and shows a progress bar,
 * per-item outcomes and a retry of the failures. A job's state lives in KVS: coming back to the page shows
 * the true state of recent jobs, and an unfinished one can be resumed.
 */
import React, { useEffect, useState } from 'react';
import { Button, Heading, Inline, Label, Lozenge, SectionMessage, Select, Stack, TextArea } from '@forge/react';
import type { BulkJobView, BulkOperation, GroupSummary } from '../../contract';
import { call } from '../api';
import { type FieldEvent, valueOf } from '../events';
import { ErrorBanner } from '../ErrorBanner';
import { LicenceConfirm } from '../LicenceConfirm';
import { useAction } from '../useAction';
import { useLicenceConfirmation } from '../useLicenceConfirmation';
import { GroupPicker } from './GroupPicker';
import { JobProgress } from './JobProgress';
import { UnresolvedWarning } from '../UnresolvedWarning';
import { useBulkJob } from '../useBulkJob';

const OPERATIONS: Array<{ label: string; value: BulkOperation }> = [
  { label: 'Add many users to one group', value: 'add-users-to-group' },
  { label: 'Add one user to many groups', value: 'add-user-to-groups' },
  { label: 'Remove many users from one group', value: 'remove-users-from-group' },
];

export function BulkPanel() {
  const [operation, setOperation] = useState<BulkOperation>('add-users-to-group');
  const [usersText, setUsersText] = useState('');
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [picked, setPicked] = useState<GroupSummary | undefined>();
  const [unresolved, setUnresolved] = useState<string[]>([]);
  const [recent, setRecent] = useState<BulkJobView[]>([]);
  const action = useAction();
  const licence = useLicenceConfirmation(action);
  const { job, pump, running } = useBulkJob(action.run);

  useEffect(() => {
    void call('listBulkJobs', {}).then((res) => {
      if (res.ok) setRecent(res.data);
    });
  }, []);

  const start = async (confirmLicence: boolean) => {
    const resolved = await action.run(() => call('resolveIdentifiers', { text: usersText }));
    if (!resolved.ok) return;
    setUnresolved(resolved.data.filter((r) => !r.accountId).map((r) => `${r.input}: ${r.problem ?? 'not found'}`));
    const accountIds = resolved.data.map((r) => r.accountId).filter((x): x is string => !!x);
    const groupIds = (operation === 'add-user-to-groups' ? groups : picked ? [picked] : []).map((g) => g.groupId);
    const created = await licence.attempt(() =>
      call('createBulkJob', { operation, accountIds, groupIds, confirmLicence }),
    );
    if (created?.ok) await pump(created.data);
  };

  const retry = async () => {
    if (!job) return;
    const res = await action.run(() => call('retryBulkFailures', { jobId: job.jobId }));
    if (res.ok) await pump(res.data);
  };

  const unfinished = recent.find((j) => j.status !== 'done' && j.jobId !== job?.jobId);

  return (
    <Stack space="space.150">
      <Heading size="medium">Bulk changes</Heading>
      {unfinished ? (
        <SectionMessage appearance="information" title="An unfinished bulk change">
          <Stack space="space.100">
            <JobProgress job={unfinished} />
            <Button onClick={() => void pump(unfinished)} testId="bulk-resume">
              Resume
            </Button>
          </Stack>
        </SectionMessage>
      ) : null}
      <Select
        testId="bulk-operation"
        options={OPERATIONS}
        value={OPERATIONS.find((o) => o.value === operation)}
        onChange={(o: { value: BulkOperation } | null) => o && setOperation(o.value)}
      />
      <Label labelFor="bulk-users">
        {operation === 'add-user-to-groups'
          ? 'The user (email, account ID or username)'
          : 'Users (emails, account IDs or usernames, one per line)'}
      </Label>
      <TextArea
        id="bulk-users"
        testId="bulk-users"
        value={usersText}
        onChange={(e: FieldEvent) => setUsersText(valueOf(e))}
      />
      <Inline space="space.100" alignBlock="center">
        <GroupPicker testId="bulk-group-picker" onPick={setPicked} />
        {operation === 'add-user-to-groups' ? (
          <Button
            isDisabled={!picked}
            onClick={() =>
              picked && setGroups((g) => (g.some((x) => x.groupId === picked.groupId) ? g : [...g, picked]))
            }
            testId="bulk-add-group"
          >
            Add group to list
          </Button>
        ) : null}
      </Inline>
      {operation === 'add-user-to-groups' ? (
        <Inline space="space.050" shouldWrap>
          {groups.map((g) => (
            <Lozenge key={g.groupId}>{g.name}</Lozenge>
          ))}
        </Inline>
      ) : null}
      <Button
        appearance="primary"
        isDisabled={action.busy || running || !usersText.trim()}
        onClick={() => void start(false)}
        testId="bulk-start"
      >
        Start
      </Button>
      {licence.message ? (
        <LicenceConfirm
          message={licence.message}
          onConfirm={() => void start(true)}
          testId="bulk-confirm-licence"
          label="Go ahead"
        />
      ) : null}
      <UnresolvedWarning entries={unresolved} testId="bulk-unresolved" />
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {job ? <JobProgress job={job} /> : null}
      {job && job.status === 'done' && job.counts.failed > 0 ? (
        <Button onClick={() => void retry()} testId="bulk-retry">
          Retry the failures
        </Button>
      ) : null}
    </Stack>
  );
}
