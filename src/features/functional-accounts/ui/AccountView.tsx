/**
 * One functional account's own view, opened from the registry: its details (owner, owning group, purpose,
 * integration, role, when it was registered) with Edit and Unregister, its findings from the last health
 * check in words, its credentials, and its history (the audit entries about it, newest first). "← All
 * functional accounts" goes back to the registry; it holds focus when the view opens, so the keyboard
 * starts where the view does.
 */
import React, { useEffect, useState } from 'react';
import { Box, Button, DynamicTable, Heading, Inline, Lozenge, Stack, Text, xcss } from '@forge/react';
import { AUDIT_RESULT_LABELS, FINDING_LABELS, auditActionLabel } from '../../../contract';
import type { FunctionalAccountView, RegistryFilter, RoleView } from '../../../contract';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { formatDate, formatDateTime } from '../../../frontend/dates';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { useViewer } from '../../../frontend/hooks/useViewer';
import { AccountCredentials } from './AccountCredentials';
import { EditFunctionalDialog, UnregisterDialog } from './FunctionalDialogs';
import { findingAppearance } from './findings';

/** How many of the account's audit entries the view shows. */
const HISTORY = 20;
/** The history is as wide as the view (a DynamicTable alone is only as wide as its content). */
const fullWidth = xcss({ width: '100%' });

function History({ accountId, version }: { accountId: string; version: number }) {
  const viewer = useViewer();
  const [history, reload] = useResolver('listAudit', { text: accountId, pageSize: HISTORY });
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  if (history.status === 'error') return <ErrorBanner error={history.error} />;
  if (history.status !== 'ready') return <Text>Loading history…</Text>;
  const entries = history.data.entries.filter((e) => e.targetId === accountId || e.objectId === accountId);
  if (entries.length === 0) return <Text testId="account-history">No recorded changes yet.</Text>;
  return (
    <Box xcss={fullWidth}>
      <DynamicTable
        testId="account-history"
        label="History"
        head={{
          cells: [
            { key: 'when', content: 'When', width: 22 },
            { key: 'who', content: 'By', width: 22 },
            { key: 'what', content: 'Change', width: 36 },
            { key: 'result', content: 'Result', width: 20 },
          ],
        }}
        rows={entries.map((e) => ({
          key: e.id,
          cells: [
            { key: 'when', content: formatDateTime(e.at, viewer) },
            { key: 'who', content: e.actorName ?? 'Unknown account' },
            { key: 'what', content: auditActionLabel(e.action) },
            { key: 'result', content: AUDIT_RESULT_LABELS[e.result] },
          ],
        }))}
      />
    </Box>
  );
}

export function AccountView({
  initial,
  version,
  roles,
  onBack,
  onChanged,
  onUnregistered,
}: {
  initial: FunctionalAccountView;
  version: number;
  roles: RoleView[];
  onBack: () => void;
  onChanged: () => void;
  onUnregistered: (message: string) => void;
}) {
  const viewer = useViewer();
  const [listed] = useResolver('listFunctional', { version } as RegistryFilter);
  const [latest, setLatest] = useState<FunctionalAccountView>(initial);
  useEffect(() => {
    const found =
      listed.status === 'ready' ? listed.data.accounts.find((a) => a.accountId === initial.accountId) : undefined;
    if (found) setLatest(found);
  }, [listed, initial.accountId]);
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const a = latest;
  const role = roles.find((r) => r.roleId === a.roleId);
  const details: Array<[string, string]> = [
    ['Owner', a.ownerName ?? 'Unknown account (deleted?)'],
    ['Owning group', a.owningGroupName],
    ['Purpose', a.purpose],
    ['Integration', a.integration],
    ['Role', role?.name ?? (a.roleId ? 'A role since deleted' : 'None')],
    ['Registered', formatDate(a.registeredAt, viewer)],
    ['Next expiry', a.nextExpiry ? formatDate(a.nextExpiry, viewer) : 'No expiring credential'],
  ];
  return (
    <Stack space="space.200">
      <Inline>
        <Button appearance="subtle" autoFocus onClick={onBack} testId="back-to-registry">
          ← All functional accounts
        </Button>
      </Inline>
      <Heading size="medium">{a.displayName}</Heading>
      {notice ? <Text testId="account-notice">{notice}</Text> : null}
      <Stack space="space.050" testId="account-details">
        {details.map(([k, v]) => (
          <Text key={k}>{`${k}: ${v}`}</Text>
        ))}
      </Stack>
      <Inline space="space.100">
        <Button onClick={() => setEditing(true)} testId="account-edit">
          Edit…
        </Button>
        <Button appearance="subtle" onClick={() => setRemoving(true)} testId="account-unregister">
          Unregister…
        </Button>
      </Inline>
      <Heading size="small">Findings</Heading>
      {a.findings.length === 0 ? (
        <Text testId="account-findings">
          {a.checkedAt ? `None at the last check (${formatDateTime(a.checkedAt, viewer)}).` : 'Not checked yet.'}
        </Text>
      ) : (
        <Stack space="space.050" testId="account-findings">
          {a.findings.map((f) => (
            <Inline key={f.kind} space="space.100" alignBlock="center" shouldWrap>
              <Lozenge appearance={findingAppearance(f)}>{FINDING_LABELS[f.kind] ?? f.kind}</Lozenge>
              <Text>{`${f.detail} (since ${formatDate(f.since, viewer)})`}</Text>
            </Inline>
          ))}
        </Stack>
      )}
      <AccountCredentials
        account={a}
        onChanged={(updated) => {
          if (updated) setLatest(updated);
          onChanged();
        }}
      />
      <Heading size="small">History</Heading>
      <History accountId={a.accountId} version={version} />
      {editing ? (
        <EditFunctionalDialog
          account={a}
          roles={roles}
          onClose={() => setEditing(false)}
          onDone={(m) => {
            setEditing(false);
            setNotice(m);
            onChanged();
          }}
        />
      ) : null}
      {removing ? <UnregisterDialog account={a} onClose={() => setRemoving(false)} onDone={onUnregistered} /> : null}
    </Stack>
  );
}
