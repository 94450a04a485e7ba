/**
 * Adding a functional account, in its own view of the Functional accounts tab: register an account created
 * in Atlassian Administration (the path that works on real sites, led step by step), or try to create one
 * from a role (Jira refuses Forge apps on real sites, and the page says so first). The result message names
 * the account and offers to open it; it holds focus after a save (the form starts empty and its button is
 * disabled until it is filled again), and it goes as soon as the form is edited again, so it never
 * describes an account that has changed since.
 */
import React, { useState } from 'react';
import { Button, Heading, Inline, Label, SectionMessage, Select, Stack, Text, useProductContext } from '@forge/react';
import { conventionName, siteIdOf } from '../../../contract/naming';
import type { CreateFunctionalResult, RoleView } from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { useAction } from '../../../frontend/hooks/useAction';
import {
  EMPTY_FIELDS,
  FunctionalFields,
  type FunctionalFieldValues,
  missingFields,
  missingHint,
  textField,
} from './FunctionalFields';

const ENROL_MODES = [
  { label: 'Register an account created in Atlassian Administration (recommended)', value: 'register' },
  { label: 'Try to create a new account from a role (refused on real sites)', value: 'create' },
];

export function Enrol({
  roles,
  onChanged,
  onOpen,
}: {
  roles: RoleView[];
  onChanged: () => void;
  /** Opens the account's own view. */
  onOpen: (accountId: string) => void;
}) {
  const [mode, setMode] = useState<'register' | 'create'>('register');
  const siteId = siteIdOf((useProductContext() as { cloudId?: string } | undefined)?.cloudId);
  const [account, setAccountText] = useState('');
  const [name, setNameText] = useState('');
  const [email, setEmailText] = useState('');
  const [fields, setFieldValues] = useState<FunctionalFieldValues>(EMPTY_FIELDS);
  // Bumped after a save: the pickers (which keep their own selection) start empty again.
  const [formKey, setFormKey] = useState(0);
  const [created, setCreated] = useState<CreateFunctionalResult | undefined>();
  const [notice, setNotice] = useState<{ text: string; accountId: string; name: string } | undefined>();
  const action = useAction();
  // Editing the form again means the last result no longer describes what is on screen.
  const editing =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setNotice(undefined);
      setCreated(undefined);
      set(v);
    };
  const setAccount = editing(setAccountText);
  const setName = editing(setNameText);
  const setEmail = editing(setEmailText);
  const setFields = editing(setFieldValues);

  const reset = () => {
    setAccountText('');
    setNameText('');
    setEmailText('');
    setFieldValues(EMPTY_FIELDS);
    setFormKey((k) => k + 1);
  };
  const resolveOne = async (text: string): Promise<string | undefined> => {
    const res = await action.run(() => call('resolveIdentifiers', { text }));
    if (!res.ok) return undefined;
    const hit = res.data[0];
    if (!hit?.accountId) action.setError({ code: 'NOT_FOUND', message: `${text}: ${hit?.problem ?? 'not found'}` });
    return hit?.accountId;
  };
  const common = () => ({
    ownerAccountId: fields.ownerAccountId as string,
    owningGroupId: fields.owningGroup?.groupId as string,
    purpose: fields.purpose,
    ...(fields.backupOwnerAccountIds ? { backupOwnerAccountIds: fields.backupOwnerAccountIds } : {}),
    integration: fields.integration,
  });
  const submit = async () => {
    if (mode === 'register') {
      const accountId = await resolveOne(account);
      if (!accountId) return;
      const res = await action.run(() =>
        call('registerFunctional', { accountId, ...common(), ...(fields.roleId ? { roleId: fields.roleId } : {}) }),
      );
      if (res.ok) {
        reset();
        setCreated(undefined);
        setNotice({ text: `Registered ${res.data.displayName}.`, accountId, name: res.data.displayName });
        onChanged();
      }
    } else {
      const res = await action.run(() =>
        call('createFunctional', { name, roleId: fields.roleId ?? '', email: email || undefined, ...common() }),
      );
      if (res.ok) {
        reset();
        setNotice(undefined);
        setCreated(res.data);
        onChanged();
      }
    }
  };
  const missing = missingFields(
    fields,
    mode === 'register'
      ? [['account', !!account.trim()]]
      : [
          ['name', !!name.trim()],
          ['role', !!fields.roleId],
        ],
  );
  const hint = missingHint(missing, mode === 'register' ? 'register' : 'create');
  const openButton = (accountId: string, label: string) => (
    <Inline>
      <Button autoFocus onClick={() => onOpen(accountId)} testId="enrol-open">
        {`Open ${label}`}
      </Button>
    </Inline>
  );
  return (
    <Stack space="space.100">
      <Heading size="small">Add a functional account</Heading>
      <Stack space="space.050">
        <Label labelFor="enrol-mode-input">How</Label>
        <Select
          inputId="enrol-mode-input"
          testId="enrol-mode"
          options={ENROL_MODES}
          value={ENROL_MODES.find((m) => m.value === mode)}
          onChange={(o: { value: string } | null) => {
            setNotice(undefined);
            setCreated(undefined);
            setMode((o?.value as 'register' | 'create') ?? 'register');
          }}
        />
      </Stack>
      {mode === 'register' ? (
        <SectionMessage appearance="information" title="Create the account first, then register it here">
          <Stack space="space.050">
            <Text testId="enrol-steps">{`1. In Atlassian Administration (admin.atlassian.com), under Directory, then Users, invite the account with a mailbox your team reads, and name it ${conventionName('<Name>', siteId)}, for example ${conventionName('Reports', siteId)}.`}</Text>
            <Text>2. Give it the product access it needs there.</Text>
            <Text>3. Come back here and register it below by its email, with its owner, owning group and purpose.</Text>
          </Stack>
        </SectionMessage>
      ) : (
        <SectionMessage appearance="warning" title="Jira usually refuses this">
          <Text testId="enrol-create-warning">
            Jira does not let Forge apps create accounts on real sites, so this attempt is expected to fail there.
            Creating the account in Atlassian Administration and registering it here always works.
          </Text>
        </SectionMessage>
      )}
      {mode === 'register'
        ? textField('enrol-account', 'Account to register (email, account ID or username)', account, setAccount)
        : null}
      {mode === 'create'
        ? textField('enrol-name', 'Name (the account is named <Name>_Func_<SiteId>)', name, setName)
        : null}
      {mode === 'create'
        ? textField('enrol-email', 'Mailbox email (Jira creates accounts from an email)', email, setEmail)
        : null}
      <FunctionalFields
        key={formKey}
        idPrefix="enrol"
        value={fields}
        onChange={setFields}
        roles={roles}
        roleLabel={mode === 'create' ? 'Role (its groups are given to the new account)' : 'Role (optional)'}
      />
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Button
          appearance="primary"
          isDisabled={action.busy || !!hint}
          onClick={() => void submit()}
          testId="enrol-submit"
        >
          {mode === 'register' ? 'Register' : 'Create'}
        </Button>
        {hint ? <Text testId="enrol-hint">{hint}</Text> : null}
      </Inline>
      {notice ? (
        <SectionMessage appearance="success">
          <Stack space="space.100">
            <Text testId="enrol-result">{notice.text}</Text>
            {openButton(notice.accountId, notice.name)}
          </Stack>
        </SectionMessage>
      ) : null}
      {created ? (
        <SectionMessage
          appearance={created.groups.some((g) => g.outcome === 'failed') ? 'warning' : 'success'}
          title={created.conventionName}
        >
          <Stack space="space.050">
            <Text testId="enrol-result">{created.message}</Text>
            {created.groups.map((g) => (
              <Text
                key={g.groupId}
              >{`${g.name}: ${g.outcome === 'done' ? 'added' : g.outcome === 'already' ? 'already a member' : 'failed'} (${g.message})`}</Text>
            ))}
            {openButton(created.accountId, created.displayName)}
          </Stack>
        </SectionMessage>
      ) : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}
