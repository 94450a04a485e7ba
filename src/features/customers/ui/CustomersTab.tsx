/**
 * The Customers tab: pick a service desk; list and search its customers page by page; create a customer
 * and add them to one or more desks in one step (an email that already has an account is linked, and the
 * page says so); add or remove customers in bulk (preview first if wanted; removals confirmed) with progress
 * and per-item outcomes by name. Removing a customer from a desk never deactivates their account.
 * After "Create and add" the form starts empty with focus in its email field and the result beside it;
 * the desk's list is read again and the bulk form's "no account" lines are dropped, since they may no
 * longer be true. When a bulk job ends its form starts empty (the same job is never one click from
 * running twice) and focus goes to the outcomes.
 */
import React, { useEffect, useState } from 'react';
import {
  Button,
  Checkbox,
  Heading,
  Inline,
  Label,
  SectionMessage,
  Select,
  Spinner,
  Stack,
  Text,
  TextArea,
  Textfield,
} from '@forge/react';
import type { BulkPreview, ProvisionResult, ServiceDeskView } from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { type FieldEvent, checkedOf, valueOf } from '../../../frontend/events';
import { useAction } from '../../../frontend/hooks/useAction';
import { useFocusTarget } from '../../../frontend/hooks/useFocusTarget';
import { useBulkJob } from '../../bulk-changes/ui/useBulkJob';
import { useDebounced } from '../../../frontend/hooks/useDebounced';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { ConfirmModal } from '../../../frontend/components/ConfirmModal';
import { count } from '../../../frontend/words';
import { BulkOutcomes } from '../../bulk-changes/ui/BulkOutcomes';
import { PreviewMessage } from '../../bulk-changes/ui/BulkPanel';
import { JobProgress } from '../../bulk-changes/ui/JobProgress';
import { OffsetPager } from '../../../frontend/components/OffsetPager';
import { UnresolvedWarning } from '../../../frontend/components/UnresolvedWarning';
import { UserTable } from '../../../frontend/components/UserTable';

function DeskCustomers({ desk, version }: { desk: ServiceDeskView; version: number }) {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [start, setStart] = useState(0);
  const [result, reload] = useResolver('listDeskCustomers', { deskId: desk.id, query, start });
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const page = result.status === 'ready' ? result.data : undefined;
  return (
    <Stack space="space.100">
      <Label labelFor="customer-search">{`Search customers of ${desk.projectName}`}</Label>
      <Textfield
        id="customer-search"
        testId="customer-search"
        value={input}
        onChange={(e: FieldEvent) => {
          setStart(0);
          setInput(valueOf(e));
        }}
      />
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {result.status === 'loading' ? <Spinner label="Loading customers" /> : null}
      {page ? <UserTable users={page.customers} testId="desk-customers" emptyText="No customers match." /> : null}
      {page ? (
        <OffsetPager
          start={start}
          shown={page.customers.length}
          isLast={page.isLast}
          onMove={setStart}
          testId="customers"
          noun={['customer', 'customers']}
        />
      ) : null}
    </Stack>
  );
}

function Provision({ desks, onProvisioned }: { desks: ServiceDeskView[]; onProvisioned: () => void }) {
  const [email, setEmailText] = useState('');
  const [name, setNameText] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [result, setResult] = useState<ProvisionResult | undefined>();
  const focus = useFocusTarget<'email'>();
  const action = useAction();
  // Typing another customer: the last result describes someone else.
  const setEmail = (v: string) => {
    setResult(undefined);
    setEmailText(v);
  };
  const setName = (v: string) => {
    setResult(undefined);
    setNameText(v);
  };
  const submit = async () => {
    if (action.busy) return;
    setResult(undefined);
    const res = await action.run(() => call('provisionCustomer', { email, displayName: name, deskIds: chosen }));
    if (res.ok) {
      setResult(res.data);
      setEmailText('');
      setNameText('');
      focus.focus('email');
      onProvisioned();
    }
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Create a customer and add them to desks</Heading>
      <Label labelFor="provision-email">Email</Label>
      <Textfield
        key={focus.key('email')}
        autoFocus={focus.auto('email')}
        id="provision-email"
        testId="provision-email"
        value={email}
        onChange={(e: FieldEvent) => setEmail(valueOf(e))}
      />
      <Label labelFor="provision-name">Display name</Label>
      <Textfield
        id="provision-name"
        testId="provision-name"
        value={name}
        onChange={(e: FieldEvent) => setName(valueOf(e))}
      />
      <Inline space="space.150" shouldWrap>
        {desks.map((d) => (
          <Checkbox
            key={d.id}
            testId={`provision-desk-${d.projectKey}`}
            label={d.projectName}
            isChecked={chosen.includes(d.id)}
            onChange={(e: FieldEvent) => setChosen((c) => (checkedOf(e) ? [...c, d.id] : c.filter((x) => x !== d.id)))}
          />
        ))}
      </Inline>
      <Inline space="space.100">
        <Button
          appearance="primary"
          isDisabled={!email || !name || chosen.length === 0}
          onClick={() => void submit()}
          testId="provision-submit"
        >
          Create and add
        </Button>
      </Inline>
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {result ? (
        <SectionMessage
          appearance={result.created ? 'success' : 'information'}
          title={result.created ? 'Customer created' : 'Existing account linked'}
        >
          <Stack space="space.050">
            <Text testId="provision-result">{result.message}</Text>
            {result.desks.map((d) => (
              <Text key={d.deskId} testId={`provision-desk-result-${d.deskId}`}>
                {d.outcome === 'failed'
                  ? `Not added to ${desks.find((x) => x.id === d.deskId)?.projectName ?? 'a service desk'}: ${d.message}`
                  : d.message}
              </Text>
            ))}
          </Stack>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}

type DeskOperation = 'add-customers-to-desk' | 'remove-customers-from-desk';

function BulkCustomers({ desk, version }: { desk: ServiceDeskView; version: number }) {
  const [text, setText] = useState('');
  const [unresolved, setUnresolved] = useState<string[]>([]);
  const [preview, setPreview] = useState<BulkPreview | undefined>();
  const [removing, setRemoving] = useState<string[] | undefined>();
  const action = useAction();
  const { job, pump, running, cancel } = useBulkJob(action.run);
  // A customer was created since: "No account has this email" and the preview may no longer be true.
  useEffect(() => {
    setUnresolved([]);
    setPreview(undefined);
  }, [version]);
  const ended = !!job && job.status !== 'running' && job.status !== 'cancelling';
  // The job is over: the form starts empty, so the same job is not one click from running twice.
  useEffect(() => {
    if (ended) setText('');
  }, [ended, job?.jobId]);
  /** The pasted people's account ids (the unresolved ones are listed); undefined when none resolved. */
  const resolve = async (): Promise<string[] | undefined> => {
    const resolved = await action.run(() => call('resolveIdentifiers', { text }));
    if (!resolved.ok) return undefined;
    setUnresolved(resolved.data.filter((r) => !r.accountId).map((r) => `${r.input}: ${r.problem ?? 'not found'}`));
    const ids = [...new Set(resolved.data.map((r) => r.accountId).filter((x): x is string => !!x))];
    return ids.length > 0 ? ids : undefined;
  };
  const run = async (operation: DeskOperation, accountIds: string[]) => {
    setRemoving(undefined);
    setPreview(undefined);
    const created = await action.run(() => call('createBulkJob', { operation, accountIds, deskId: desk.id }));
    if (created.ok) await pump(created.data);
  };
  const start = async (operation: DeskOperation) => {
    const ids = await resolve();
    if (!ids) return;
    // Removals are confirmed first; adding is harmless (JSM ignores customers already on the desk).
    if (operation === 'remove-customers-from-desk') setRemoving(ids);
    else await run(operation, ids);
  };
  const runPreview = async (operation: DeskOperation) => {
    setPreview(undefined);
    const ids = await resolve();
    if (!ids) return;
    const res = await action.run(() => call('previewBulkJob', { operation, accountIds: ids, deskId: desk.id }));
    if (res.ok) setPreview(res.data);
  };
  const idle = !text.trim() || running || action.busy;
  return (
    <Stack space="space.100">
      <Heading size="small">{`Add or remove customers on ${desk.projectName}`}</Heading>
      <Label labelFor="bulk-customers">Customers (emails or account IDs, one per line)</Label>
      <TextArea
        id="bulk-customers"
        testId="bulk-customers"
        minimumRows={6}
        resize="vertical"
        value={text}
        onChange={(e: FieldEvent) => {
          setPreview(undefined);
          setUnresolved([]);
          setText(valueOf(e));
        }}
      />
      <Inline space="space.100" shouldWrap>
        <Button
          isDisabled={idle}
          onClick={() => void runPreview('add-customers-to-desk')}
          testId="customers-preview-add"
        >
          Preview adding
        </Button>
        <Button
          isDisabled={idle}
          onClick={() => void runPreview('remove-customers-from-desk')}
          testId="customers-preview-remove"
        >
          Preview removing
        </Button>
        <Button
          appearance="primary"
          isDisabled={idle}
          onClick={() => void start('add-customers-to-desk')}
          testId="customers-add"
        >
          Add to desk
        </Button>
        <Button isDisabled={idle} onClick={() => void start('remove-customers-from-desk')} testId="customers-remove">
          Remove from desk…
        </Button>
      </Inline>
      <Text>
        Removing a customer from a desk never deactivates their account: they keep access to other desks and their
        requests.
      </Text>
      {preview ? <PreviewMessage preview={preview} /> : null}
      <UnresolvedWarning entries={unresolved} testId="customers-unresolved" />
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {job ? <JobProgress job={job} onCancel={() => void cancel()} /> : null}
      {job && job.status === 'done' ? (
        <BulkOutcomes key={job.jobId} job={job} testId="customers-outcomes" autoFocus />
      ) : null}
      <ConfirmModal
        isOpen={!!removing}
        title={`Remove ${count(removing?.length ?? 0, 'customer')} from ${desk.projectName}?`}
        body={`They will no longer be customers of ${desk.projectName}. Their accounts stay active, with their other desks and their requests.`}
        confirmLabel="Remove"
        isBusy={action.busy}
        onConfirm={() => removing && void run('remove-customers-from-desk', removing)}
        onCancel={() => setRemoving(undefined)}
        testId="confirm-remove-customers"
      />
    </Stack>
  );
}

export function CustomersTab() {
  const [start, setStart] = useState(0);
  const [version, setVersion] = useState(0);
  const [result] = useResolver('listServiceDesks', { start });
  const [desk, setDesk] = useState<ServiceDeskView | undefined>();
  if (result.status === 'loading') return <Spinner label="Loading service desks" />;
  if (result.status === 'error') return <ErrorBanner error={result.error} />;
  const desks = result.data.desks;
  return (
    <Stack space="space.200">
      <Label labelFor="desk-picker-input">Service desk</Label>
      <Inline space="space.100" alignBlock="center">
        <Select
          testId="desk-picker"
          inputId="desk-picker-input"
          placeholder="Choose a service desk"
          options={desks.map((d) => ({ label: `${d.projectName} (${d.projectKey})`, value: d.id }))}
          onChange={(o: { value: string } | null) => setDesk(desks.find((d) => d.id === o?.value))}
        />
        {start > 0 ? <Button onClick={() => setStart(Math.max(start - 50, 0))}>Previous desks</Button> : null}
        {!result.data.isLast ? <Button onClick={() => setStart(start + desks.length)}>More desks</Button> : null}
      </Inline>
      {desk ? (
        <DeskCustomers key={desk.id} desk={desk} version={version} />
      ) : (
        <Text>Choose a service desk to see its customers.</Text>
      )}
      <Provision desks={desks} onProvisioned={() => setVersion((v) => v + 1)} />
      {desk ? <BulkCustomers key={`bulk-${desk.id}`} desk={desk} version={version} /> : null}
    </Stack>
  );
}
