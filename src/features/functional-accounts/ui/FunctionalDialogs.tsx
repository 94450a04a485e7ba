/**
 * Dialogs for maintaining one functional account: edit its registration (owner, owning group, purpose,
 * integration, role), unregister it (confirmation; the Jira account itself is untouched), and register an
 * account the page found named like a functional account. Each closes and reports back on success.
 */
import React, { useState } from 'react';
import {
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
  Stack,
  Text,
} from '@forge/react';
import type { FunctionalAccountView, RoleView, UnregisteredFunctional } from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { useAction } from '../../../frontend/hooks/useAction';
import {
  FunctionalFields,
  type FunctionalFieldValues,
  type KnownPerson,
  missingFields,
  missingHint,
} from './FunctionalFields';

function payloadOf(accountId: string, v: FunctionalFieldValues) {
  return {
    accountId,
    ownerAccountId: v.ownerAccountId as string,
    owningGroupId: v.owningGroup?.groupId as string,
    purpose: v.purpose,
    integration: v.integration,
    ...(v.roleId ? { roleId: v.roleId } : {}),
    ...(v.backupOwnerAccountIds ? { backupOwnerAccountIds: v.backupOwnerAccountIds } : {}),
  };
}

function FormDialog({
  title,
  testId,
  verb,
  fields,
  setFields,
  roles,
  initialOwner,
  initialGroup,
  initialBackups,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  title: string;
  testId: string;
  verb: string;
  fields: FunctionalFieldValues;
  setFields: (v: FunctionalFieldValues) => void;
  roles: RoleView[];
  initialOwner?: KnownPerson;
  initialGroup?: FunctionalFieldValues['owningGroup'];
  initialBackups?: KnownPerson[];
  busy: boolean;
  error: ReturnType<typeof useAction>['error'];
  onSubmit: () => void;
  onClose: () => void;
}) {
  const hint = missingHint(missingFields(fields), verb.toLowerCase());
  return (
    <ModalTransition>
      <Modal onClose={onClose} testId={testId} width="medium">
        <ModalHeader>
          <ModalTitle>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <Stack space="space.150">
            <FunctionalFields
              idPrefix={testId}
              value={fields}
              onChange={setFields}
              roles={roles}
              initialOwner={initialOwner}
              initialGroup={initialGroup}
              initialBackups={initialBackups}
            />
            {hint ? <Text testId={`${testId}-hint`}>{hint}</Text> : null}
            {error ? <ErrorBanner error={error} /> : null}
          </Stack>
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose}>
            Cancel
          </Button>
          <Button appearance="primary" isDisabled={!!hint || busy} onClick={onSubmit} testId={`${testId}-save`}>
            {verb}
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}

export function EditFunctionalDialog({
  account,
  roles,
  onDone,
  onClose,
}: {
  account: FunctionalAccountView;
  roles: RoleView[];
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const initialGroup = {
    groupId: account.owningGroupId,
    name: account.owningGroupName,
    grantsProducts: [],
    grantsAdmin: false,
  };
  const [fields, setFields] = useState<FunctionalFieldValues>({
    ownerAccountId: account.ownerAccountId,
    owningGroup: initialGroup,
    purpose: account.purpose,
    integration: account.integration,
    roleId: account.roleId,
    backupOwnerAccountIds: account.backupOwners.map((b) => b.accountId),
  });
  const action = useAction();
  const save = async () => {
    const res = await action.run(() => call('updateFunctional', payloadOf(account.accountId, fields)));
    if (res.ok) onDone(`Saved ${res.data.displayName}.`);
  };
  return (
    <FormDialog
      title={`Edit ${account.displayName}`}
      testId="functional-edit"
      verb="Save"
      fields={fields}
      setFields={setFields}
      roles={roles}
      initialOwner={{ accountId: account.ownerAccountId, name: account.ownerName ?? 'Unknown account (deleted?)' }}
      initialGroup={initialGroup}
      initialBackups={account.backupOwners.map((b) => ({ accountId: b.accountId, name: b.name }))}
      busy={action.busy}
      error={action.error}
      onSubmit={() => void save()}
      onClose={onClose}
    />
  );
}

export function RegisterFoundDialog({
  account,
  roles,
  onDone,
  onClose,
}: {
  account: UnregisteredFunctional;
  roles: RoleView[];
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const [fields, setFields] = useState<FunctionalFieldValues>({ purpose: '', integration: '' });
  const action = useAction();
  const save = async () => {
    const res = await action.run(() => call('registerFunctional', payloadOf(account.accountId, fields)));
    if (res.ok) onDone(`Registered ${res.data.displayName}.`);
  };
  return (
    <FormDialog
      title={`Register ${account.displayName}`}
      testId="functional-register-found"
      verb="Register"
      fields={fields}
      setFields={setFields}
      roles={roles}
      busy={action.busy}
      error={action.error}
      onSubmit={() => void save()}
      onClose={onClose}
    />
  );
}

export function UnregisterDialog({
  account,
  onDone,
  onClose,
}: {
  account: FunctionalAccountView;
  onDone: (message: string) => void;
  onClose: () => void;
}) {
  const action = useAction();
  const confirm = async () => {
    const res = await action.run(() => call('unregisterFunctional', { accountId: account.accountId }));
    if (res.ok) onDone(`Unregistered ${account.displayName}. The Jira account is unchanged.`);
  };
  return (
    <ModalTransition>
      <Modal onClose={onClose} testId="functional-unregister" width="small">
        <ModalHeader>
          <ModalTitle appearance="danger">{`Unregister ${account.displayName}?`}</ModalTitle>
        </ModalHeader>
        <ModalBody>
          <Stack space="space.100">
            <Text>
              The registry forgets its owner, purpose, credential records and findings, and the health check stops
              watching it. The Jira account itself, its groups and its access stay as they are.
            </Text>
            {action.error ? <ErrorBanner error={action.error} /> : null}
          </Stack>
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onClose}>
            Cancel
          </Button>
          <Button
            appearance="danger"
            isDisabled={action.busy}
            onClick={() => void confirm()}
            testId="functional-unregister-confirm"
          >
            Unregister
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
}
