/**
 * One functional account's credentials, in its own view: each recorded credential (type, label, created,
 * expiry or retirement) with "Record rotation", and the form to record a new one. The app records
 * credential metadata only and never asks for a secret. After a credential is added the form starts empty
 * and focus goes back to its first field, ready for the next one. After "Record rotation" the retired
 * credential's button is gone, so focus goes to the new credential's own "Record rotation" button, and a
 * message says what was recorded.
 */
import React, { useState } from 'react';
import { Button, DatePicker, Heading, Inline, Label, Lozenge, Select, Stack, Text, Textfield } from '@forge/react';
import { CREDENTIAL_TYPE_LABELS } from '../../../contract';
import type { CredentialType, CredentialView, FunctionalAccountView } from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { useAction } from '../../../frontend/hooks/useAction';
import { useFocusTarget } from '../../../frontend/hooks/useFocusTarget';
import { useViewer } from '../../../frontend/hooks/useViewer';
import { formatDate, formatDateTime } from '../../../frontend/dates';
import { missingHint } from './FunctionalFields';
import { RotateDialog } from './RotateDialog';

const CREDENTIAL_TYPES = Object.entries(CREDENTIAL_TYPE_LABELS).map(([value, label]) => ({ label, value }));
const credentialTypeLabel = (t: string) => CREDENTIAL_TYPE_LABELS[t as CredentialType] ?? t;

export function AccountCredentials({
  account,
  onChanged,
}: {
  account: FunctionalAccountView;
  onChanged: (updated?: FunctionalAccountView) => void;
}) {
  const viewer = useViewer();
  const [type, setType] = useState('api-token');
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  // Bumped after a save, so the date picker starts empty again.
  const [formKey, setFormKey] = useState(0);
  const focus = useFocusTarget<'label' | `rotate:${string}`>();
  const action = useAction();
  const add = async () => {
    setNotice(undefined);
    const res = await action.run(() =>
      call('addCredential', {
        accountId: account.accountId,
        type: type as 'api-token',
        label,
        expiresAt: expires || undefined,
      }),
    );
    if (res.ok) {
      setNotice(`Recorded “${label.trim()}”.`);
      setLabel('');
      setExpires('');
      setFormKey((k) => k + 1);
      focus.focus('label');
      onChanged(res.data);
    }
  };
  const [rotating, setRotating] = useState<CredentialView | undefined>();
  const missing = [
    ...(label.trim() ? [] : ['label']),
    ...(type === 'api-token' && !expires ? ['expiry date (API tokens expire within 365 days)'] : []),
  ];
  const hint = missingHint(missing, 'add the credential');
  return (
    <Stack space="space.100">
      <Heading size="small">Credentials</Heading>
      {account.credentials.length === 0 ? <Text>No credentials recorded yet.</Text> : null}
      <Stack space="space.050" testId="credential-list">
        {account.credentials.map((c) => (
          <Inline key={c.credentialId} space="space.100" alignBlock="center" shouldWrap>
            <Lozenge appearance={c.status === 'active' ? 'success' : 'removed'}>
              {c.status === 'active' ? 'Active' : 'Expired'}
            </Lozenge>
            <Text>{`${credentialTypeLabel(c.type)} “${c.label}” · created ${formatDate(c.createdAt, viewer)}${c.expiresAt && !c.expiredAt ? ` · expires ${formatDate(c.expiresAt, viewer)}` : ''}${c.expiredAt ? ` · ${c.expiresAt && c.expiredAt < c.expiresAt ? 'retired' : 'expired'} ${formatDateTime(c.expiredAt, viewer)}` : ''}`}</Text>
            {c.status === 'active' ? (
              <Button
                key={focus.key(`rotate:${c.credentialId}`)}
                autoFocus={focus.auto(`rotate:${c.credentialId}`)}
                appearance="subtle"
                onClick={() => setRotating(c)}
                testId={`rotate-${c.label}`}
              >
                Record rotation
              </Button>
            ) : null}
          </Inline>
        ))}
      </Stack>
      {account.archivedCredentials ? (
        <Text>{`${account.archivedCredentials} older retired credentials are kept in the archive.`}</Text>
      ) : null}
      <Heading size="xsmall">Record a credential</Heading>
      <Inline space="space.150" alignBlock="end" shouldWrap>
        <Stack space="space.050">
          <Label labelFor="credential-type-input">Type</Label>
          <Select
            inputId="credential-type-input"
            testId="credential-type"
            options={CREDENTIAL_TYPES}
            value={CREDENTIAL_TYPES.find((t) => t.value === type)}
            onChange={(o: { value: string } | null) => setType(o?.value ?? 'api-token')}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="credential-label">Label (a name, never the secret)</Label>
          <Textfield
            key={focus.key('label')}
            autoFocus={focus.auto('label')}
            id="credential-label"
            testId="credential-label"
            value={label}
            onChange={(e: FieldEvent) => {
              setNotice(undefined);
              setLabel(valueOf(e));
            }}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="credential-expires">Expires</Label>
          <DatePicker
            key={formKey}
            id="credential-expires"
            testId="credential-expires"
            placeholder="Choose a date"
            locale={viewer.locale}
            minDate={new Date().toISOString().slice(0, 10)}
            {...(expires ? { value: expires } : {})}
            onChange={(v: string) => setExpires(v ?? '')}
          />
        </Stack>
        <Button onClick={() => void add()} isDisabled={!!hint || action.busy} testId="credential-add">
          Add credential
        </Button>
      </Inline>
      {/* Under the row, not under the date field: a taller field would push its label above the others. */}
      {expires ? <Text testId="credential-expires-words">{`Expires ${formatDate(expires, viewer)}.`}</Text> : null}
      {/* What was just recorded comes before what the empty form needs next. */}
      {notice ? <Text testId="credential-notice">{notice}</Text> : null}
      {hint ? <Text testId="credential-hint">{hint}</Text> : null}
      {rotating ? (
        <RotateDialog
          accountId={account.accountId}
          credential={rotating}
          onClose={() => setRotating(undefined)}
          onDone={(updated) => {
            const before = new Set(account.credentials.map((c) => c.credentialId));
            const fresh =
              updated.credentials.find((c) => c.status === 'active' && !before.has(c.credentialId)) ??
              updated.credentials.find((c) => c.status === 'active' && c.label === rotating.label);
            setNotice(
              `Recorded a rotation of “${rotating.label}”${fresh?.expiresAt ? `: the new one expires ${formatDate(fresh.expiresAt, viewer)}` : ''}.`,
            );
            setRotating(undefined);
            focus.focus(fresh ? `rotate:${fresh.credentialId}` : 'label');
            onChanged(updated);
          }}
        />
      ) : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}
