/**
 * Bulk changes: many users into one group, one user into many groups, many users out of a group. Paste
 * people (one per line), pick the group(s), preview what would happen (a dry run: who is already so, who
 * Jira will refuse, licences left), then start. The job shows a progress bar and, once finished, every
 * item's outcome by name; "Retry the failures" appears only when some failure could succeed on a retry.
 * Removing people is confirmed in a dialog first. Recent changes are listed with their outcomes; an
 * unfinished one can be resumed. When a job ends the form starts empty (so Start is disabled and the same
 * job is never one click from running twice) and focus goes to its result: the retry, or the outcomes.
 */
import React, { useEffect, useState } from 'react';
import {
  Button,
  DynamicTable,
  Heading,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Select,
  Stack,
  Text,
  TextArea,
} from '@forge/react';
import type { BulkJobView, BulkOperation, BulkPreview, CreateBulkJobPayload, GroupSummary } from '../../../contract';
import { call } from '../../../frontend/api';
import { ConfirmModal } from '../../../frontend/components/ConfirmModal';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { LicenceConfirm } from '../../../frontend/components/LicenceConfirm';
import { useAction } from '../../../frontend/hooks/useAction';
import { useLicenceConfirmation } from '../../../frontend/hooks/useLicenceConfirmation';
import { count, OPERATION_LABELS } from '../../../frontend/words';
import { BulkOutcomes } from './BulkOutcomes';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { JobProgress } from './JobProgress';
import { UnresolvedWarning } from '../../../frontend/components/UnresolvedWarning';
import { useBulkJob } from './useBulkJob';
import { formatDateTime } from '../../../frontend/dates';
import { useViewer } from '../../../frontend/hooks/useViewer';

const GROUP_OPERATIONS: BulkOperation[] = ['add-users-to-group', 'add-user-to-groups', 'remove-users-from-group'];
const OPERATIONS = GROUP_OPERATIONS.map((value) => ({ label: OPERATION_LABELS[value], value }));

/** "Ada Admin, Rita Regular and 3 others". */
function names(list: Array<{ userName: string }>, max = 5): string {
  const shown = list.slice(0, max).map((x) => x.userName);
  const rest = list.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${count(rest, 'other')}` : shown.join(', ');
}

/** A dry run's answer in words (also used by the Customers tab). */
export function PreviewMessage({ preview }: { preview: BulkPreview }) {
  return (
    <SectionMessage appearance="information" title="Preview: nothing has changed yet">
      <Stack space="space.050">
        <Text testId="bulk-preview-summary">{`${count(preview.willChange, 'change')} to make out of ${count(preview.total, 'item')}.`}</Text>
        {preview.alreadySo.length > 0 ? (
          <Text testId="bulk-preview-already">{`Already so (${preview.alreadySo.length}): ${names(preview.alreadySo)}.`}</Text>
        ) : null}
        {preview.refused.map((r) => (
          <Text
            key={`${r.accountId}-${r.targetName}`}
          >{`Jira will refuse ${r.userName} (${r.targetName}): ${r.reason}`}</Text>
        ))}
        {preview.licences.length > 0 ? (
          <Text>{`Licences: ${preview.licences.join(', ')}. Only people who do not have that access yet use one.`}</Text>
        ) : null}
        {preview.note ? <Text>{preview.note}</Text> : null}
      </Stack>
    </SectionMessage>
  );
}

function RecentJobs({ jobs, onShow }: { jobs: BulkJobView[]; onShow: (j: BulkJobView) => void }) {
  const viewer = useViewer();
  if (jobs.length === 0) return null;
  return (
    <Stack space="space.100">
      <Heading size="small">Recent bulk changes</Heading>
      <DynamicTable
        testId="bulk-recent"
        label="Recent bulk changes"
        defaultSortKey="when"
        defaultSortOrder="DESC"
        head={{
          cells: [
            { key: 'when', content: 'Started', isSortable: true, width: 20 },
            { key: 'what', content: 'Change', isSortable: true, width: 30 },
            { key: 'result', content: 'Result' },
            { key: 'show', content: 'Outcomes', width: 15 },
          ],
        }}
        rows={jobs.map((j) => ({
          key: j.jobId,
          cells: [
            { key: j.createdAt, content: formatDateTime(j.createdAt, viewer) },
            {
              key: OPERATION_LABELS[j.operation],
              content: j.targetNames?.length
                ? `${OPERATION_LABELS[j.operation]}: ${j.targetNames.join(', ')}`
                : OPERATION_LABELS[j.operation],
            },
            {
              key: `${j.status}-${j.counts.failed}`,
              content:
                j.status === 'done'
                  ? `${count(j.counts.done, 'change')} made · ${j.counts.already} already so · ${j.counts.failed} failed`
                  : `${j.processed} of ${j.total} processed (unfinished)`,
            },
            {
              key: `show-${j.jobId}`,
              content: (
                <Button appearance="subtle" onClick={() => onShow(j)} testId={`bulk-show-${j.jobId}`}>
                  Show
                </Button>
              ),
            },
          ],
        }))}
      />
    </Stack>
  );
}

/** `onEnded`: a job ended having changed something (the Groups tab drops member counts it made stale). */
export function BulkPanel({ onEnded }: { onEnded?: (job: BulkJobView) => void } = {}) {
  const viewer = useViewer();
  const [operation, setOperation] = useState<BulkOperation>('add-users-to-group');
  const [usersText, setUsersText] = useState('');
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [picked, setPicked] = useState<GroupSummary | undefined>();
  const [unresolved, setUnresolved] = useState<string[]>([]);
  const [preview, setPreview] = useState<BulkPreview | undefined>();
  const [recent, setRecent] = useState<BulkJobView[]>([]);
  const [viewing, setViewing] = useState<BulkJobView | undefined>();
  const [retryable, setRetryable] = useState(false);
  const [removal, setRemoval] = useState<Omit<CreateBulkJobPayload, 'confirmLicence'> | undefined>();
  // Bumped when a job ends: the group picker (which keeps its own selection) starts empty again.
  const [formKey, setFormKey] = useState(0);
  const action = useAction();
  const licence = useLicenceConfirmation(action);
  const { job, pump, running, cancel } = useBulkJob(action.run);

  const loadRecent = () =>
    void call('listBulkJobs', {}).then((res) => {
      if (res.ok) setRecent(res.data.filter((j) => GROUP_OPERATIONS.includes(j.operation)));
    });
  useEffect(loadRecent, []);
  const ended = !!job && job.status !== 'running' && job.status !== 'cancelling';
  useEffect(() => {
    if (!ended || !job) return;
    loadRecent();
    if (job.counts.done > 0) onEnded?.(job);
    // The job is done: the form starts empty, so the same job is not one click from running twice.
    setUsersText('');
    setGroups([]);
    setPicked(undefined);
    setPreview(undefined);
    licence.clear();
    setFormKey((k) => k + 1);
    // Items never attempted (the job ended early) can always be retried.
    setRetryable((job.notAttempted ?? 0) > 0);
    if (job.counts.failed > 0)
      void call('listBulkJobItems', { jobId: job.jobId, outcome: 'failed' }).then((res) => {
        if (res.ok) setRetryable(res.data.items.some((i) => i.retryable));
      });
  }, [job?.jobId, job?.status]);

  /** Resolves the pasted people and builds the job's payload; undefined when nothing resolved. */
  const payload = async (): Promise<Omit<CreateBulkJobPayload, 'confirmLicence'> | undefined> => {
    const resolved = await action.run(() => call('resolveIdentifiers', { text: usersText }));
    if (!resolved.ok) return undefined;
    setUnresolved(resolved.data.filter((r) => !r.accountId).map((r) => `${r.input}: ${r.problem ?? 'not found'}`));
    const accountIds = [...new Set(resolved.data.map((r) => r.accountId).filter((x): x is string => !!x))];
    if (accountIds.length === 0) return undefined;
    const groupIds = (operation === 'add-user-to-groups' ? groups : picked ? [picked] : []).map((g) => g.groupId);
    return { operation, accountIds, groupIds };
  };

  const runPreview = async () => {
    setPreview(undefined);
    const p = await payload();
    if (!p) return;
    const res = await action.run(() => call('previewBulkJob', p));
    if (res.ok) setPreview(res.data);
  };

  const start = async (confirmLicence: boolean) => {
    setViewing(undefined);
    const p = await payload();
    if (!p) return;
    // Removals are confirmed in a dialog first, with how many people and which group.
    if (p.operation === 'remove-users-from-group') setRemoval(p);
    else await create(p, confirmLicence);
  };

  const create = async (p: Omit<CreateBulkJobPayload, 'confirmLicence'>, confirmLicence: boolean) => {
    setRemoval(undefined);
    const created = await licence.attempt(() => call('createBulkJob', { ...p, confirmLicence }));
    if (created?.ok) {
      setPreview(undefined);
      await pump(created.data);
    }
  };

  const retry = async () => {
    if (!job) return;
    const res = await action.run(() => call('retryBulkFailures', { jobId: job.jobId }));
    if (res.ok) await pump(res.data);
  };

  const unfinished = recent.find((j) => j.status !== 'done' && j.jobId !== job?.jobId);
  // Editing the form: the last preview and the lines it could not resolve describe another input now.
  const changed = () => {
    setPreview(undefined);
    setUnresolved([]);
    licence.clear();
  };
  const targetChosen = operation === 'add-user-to-groups' ? groups.length > 0 : !!picked;

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
      <Label labelFor="bulk-operation-input">Change</Label>
      <Select
        testId="bulk-operation"
        inputId="bulk-operation-input"
        options={OPERATIONS}
        value={OPERATIONS.find((o) => o.value === operation)}
        onChange={(o: { value: BulkOperation } | null) => {
          changed();
          if (o) setOperation(o.value);
        }}
      />
      <Label labelFor="bulk-users">
        {operation === 'add-user-to-groups'
          ? 'The user (email, account ID or username)'
          : 'Users (emails, account IDs or usernames, one per line)'}
      </Label>
      <TextArea
        key={`bulk-users-${formKey}`}
        autoFocus={ended && job?.status !== 'done' && !retryable}
        id="bulk-users"
        testId="bulk-users"
        minimumRows={operation === 'add-user-to-groups' ? 1 : 8}
        resize="vertical"
        value={usersText}
        onChange={(e: FieldEvent) => {
          changed();
          setUsersText(valueOf(e));
        }}
      />
      <Label labelFor="bulk-group-picker-input">
        {operation === 'add-user-to-groups' ? 'Groups to add them to' : 'Group'}
      </Label>
      <Inline space="space.100" alignBlock="center">
        <GroupPicker
          key={formKey}
          testId="bulk-group-picker"
          exclude={operation === 'add-user-to-groups' ? groups.map((g) => g.groupId) : undefined}
          onPick={(g) => {
            changed();
            setPicked(g);
          }}
        />
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
            <Inline key={g.groupId} space="space.050" alignBlock="center">
              <Lozenge>{g.name}</Lozenge>
              <Button
                appearance="subtle"
                onClick={() => setGroups((list) => list.filter((x) => x.groupId !== g.groupId))}
                testId={`bulk-drop-group-${g.name}`}
              >
                {`Take ${g.name} off the list`}
              </Button>
            </Inline>
          ))}
        </Inline>
      ) : null}
      <Inline space="space.100">
        <Button
          isDisabled={action.busy || running || !usersText.trim() || !targetChosen}
          onClick={() => void runPreview()}
          testId="bulk-preview"
        >
          Preview
        </Button>
        <Button
          appearance="primary"
          isDisabled={action.busy || running || !usersText.trim() || !targetChosen}
          onClick={() => void start(false)}
          testId="bulk-start"
        >
          Start
        </Button>
      </Inline>
      {preview ? <PreviewMessage preview={preview} /> : null}
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
      {job ? <JobProgress job={job} onCancel={() => void cancel()} /> : null}
      {job && job.status === 'done' ? <BulkOutcomes key={job.jobId} job={job} autoFocus={!retryable} /> : null}
      {ended && retryable ? (
        <Inline space="space.100">
          <Button autoFocus onClick={() => void retry()} testId="bulk-retry">
            Retry the failures
          </Button>
        </Inline>
      ) : null}
      <ConfirmModal
        isOpen={!!removal}
        title={`Remove ${count(removal?.accountIds.length ?? 0, 'person', 'people')} from ${picked?.name ?? 'the group'}?`}
        body={`They will no longer be members of ${picked?.name ?? 'the group'}. Preview first to see who is not a member anyway.`}
        warning={
          picked && picked.grantsProducts.length > 0
            ? `${picked.name} grants ${picked.grantsProducts.join(', ')}: unless another group gives them access, they lose it.`
            : undefined
        }
        confirmLabel="Remove"
        isBusy={action.busy}
        onConfirm={() => removal && void create(removal, false)}
        onCancel={() => setRemoval(undefined)}
        testId="confirm-bulk-remove"
      />
      <RecentJobs jobs={recent.filter((j) => j.jobId !== job?.jobId)} onShow={setViewing} />
      {viewing ? (
        <Stack space="space.100">
          <Heading size="xsmall">{`${OPERATION_LABELS[viewing.operation]}, started ${formatDateTime(viewing.createdAt, viewer)}`}</Heading>
          <BulkOutcomes key={viewing.jobId} job={viewing} testId="bulk-recent-outcomes" />
        </Stack>
      ) : null}
    </Stack>
  );
}
