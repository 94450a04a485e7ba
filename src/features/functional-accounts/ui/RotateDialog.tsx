/**
 * "Record rotation" for one credential: a confirmation that says what happens (a new credential replaces
 * this one, which is retired) and takes the new credential's expiry. API tokens default to 365 days, the
 * most Atlassian allows, but the admin sees that day in words and can change it; only on confirm does the
 * page call rotateCredential, with `expiresAt`.
 */
import React, { useState } from 'react';
import { DatePicker, Label, Stack, Text } from '@forge/react';
import {
  CREDENTIAL_TYPE_LABELS,
  type CredentialType,
  type CredentialView,
  type FunctionalAccountView,
} from '../../../contract';
import { call } from '../../../frontend/api';
import { ConfirmModal } from '../../../frontend/components/ConfirmModal';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { formatDate } from '../../../frontend/dates';
import { useAction } from '../../../frontend/hooks/useAction';
import { useViewer } from '../../../frontend/hooks/useViewer';

const DAY = 86_400_000;
/** Atlassian API tokens expire at most 365 days after they are created (the backend refuses more). */
const API_TOKEN_DAYS = 365;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function RotateDialog({
  accountId,
  credential,
  onClose,
  onDone,
}: {
  accountId: string;
  credential: CredentialView;
  onClose: () => void;
  /** Called with the account as it is after the rotation. */
  onDone: (updated: FunctionalAccountView) => void;
}) {
  const viewer = useViewer();
  const isToken = credential.type === 'api-token';
  const now = Date.now();
  const [expires, setExpires] = useState(isToken ? dayOf(now + API_TOKEN_DAYS * DAY) : '');
  const action = useAction();
  const confirm = async () => {
    const res = await action.run(() =>
      call('rotateCredential', { accountId, credentialId: credential.credentialId, expiresAt: expires || undefined }),
    );
    if (res.ok) onDone(res.data);
  };
  // "A new API token", "A new OAuth client" (their capitals kept), else "A new credential".
  const kind =
    credential.type === 'other'
      ? 'credential'
      : (CREDENTIAL_TYPE_LABELS[credential.type as CredentialType] ?? 'credential');
  return (
    <ConfirmModal
      isOpen
      testId="rotate-confirm"
      title={`Record a rotation of “${credential.label}”?`}
      body={`A new ${kind} replaces “${credential.label}”, which is marked retired now. Record this only once the new one is in use.`}
      confirmLabel="Record rotation"
      appearance="warning"
      focusCancel
      isBusy={action.busy || (isToken && !expires)}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    >
      <Stack space="space.050">
        <Label labelFor="rotate-expires">
          {isToken ? 'New credential expires' : 'New credential expires (optional)'}
        </Label>
        <DatePicker
          id="rotate-expires"
          testId="rotate-expires"
          locale={viewer.locale}
          placeholder="Choose a date"
          minDate={dayOf(now + DAY)}
          {...(isToken ? { maxDate: dayOf(now + API_TOKEN_DAYS * DAY) } : {})}
          {...(expires ? { value: expires } : {})}
          onChange={(v: string) => setExpires(v ?? '')}
        />
        <Text testId="rotate-expires-words">
          {expires
            ? `The new credential expires ${formatDate(expires, viewer)}.`
            : isToken
              ? 'Choose when the new API token expires (at most 365 days from today).'
              : 'No expiry recorded for the new credential.'}
        </Text>
      </Stack>
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </ConfirmModal>
  );
}
