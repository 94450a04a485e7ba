/**
 * The Functional accounts tab: the registry (owner, owning group, purpose, credentials, next expiry,
 * findings in words) with filters (expiring, orphaned, by owning group), each row editable and
 * unregistrable; "check now"; accounts named `_Func_` that the registry lacks, offered for registration;
 * register an existing account or create one from a role (owner chosen with UserPicker, with a warning
 * when they cannot answer for it); roles (named sets of groups, with what they grant); credentials and
 * rotation. The app records credential metadata only and never asks for a secret.
 */
import React, { useEffect, useState } from 'react';
import {
  Button,
  DatePicker,
  DynamicTable,
  Heading,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Select,
  Stack,
  Text,
  useProductContext,
} from '@forge/react';
import { CREDENTIAL_TYPE_LABELS, FINDING_LABELS } from '../../../contract';
import { conventionName, siteIdOf } from '../../../contract/naming';
import type {
  CredentialType,
  CreateFunctionalResult,
  CredentialView,
  FindingView,
  FunctionalAccountView,
  GroupSummary,
  RegistryFilter,
  RoleView,
  UnregisteredFunctional,
} from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { useAction } from '../../../frontend/hooks/useAction';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { EditFunctionalDialog, RegisterFoundDialog, UnregisterDialog } from './FunctionalDialogs';
import {
  EMPTY_FIELDS,
  FunctionalFields,
  type FunctionalFieldValues,
  missingFields,
  missingHint,
  textField as field,
} from './FunctionalFields';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { HealthRunStatus, useHealthRun } from './HealthRunStatus';
import { RotateDialog } from './RotateDialog';
import { formatDate, formatDateTime } from '../../../frontend/dates';
import { useViewer } from '../../../frontend/hooks/useViewer';

const FILTERS = [
  { label: 'All accounts', value: '' },
  { label: 'With findings', value: 'any' },
  { label: 'Credentials expiring or expired', value: 'expiring' },
  { label: 'Orphaned (owner inactive or deleted)', value: 'orphaned' },
];
const ENROL_MODES = [
  { label: 'Register an account created in Atlassian Administration (recommended)', value: 'register' },
  { label: 'Try to create a new account from a role (refused on real sites)', value: 'create' },
];
const CREDENTIAL_TYPES = Object.entries(CREDENTIAL_TYPE_LABELS).map(([value, label]) => ({ label, value }));
const credentialTypeLabel = (t: string) => CREDENTIAL_TYPE_LABELS[t as CredentialType] ?? t;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

function findingAppearance(f: FindingView): 'moved' | 'removed' {
  return f.kind === 'credential-expiring-30' || f.kind === 'naming' ? 'moved' : 'removed';
}

/** Accounts named like functional accounts that the registry does not hold, each offered for registration. */
function UnregisteredPrompt({
  version,
  roles,
  onChanged,
}: {
  version: number;
  roles: RoleView[];
  onChanged: (m: string) => void;
}) {
  const [found, reload] = useResolver('listUnregisteredFunctional', {});
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const [registering, setRegistering] = useState<UnregisteredFunctional | undefined>();
  if (found.status === 'error') return <ErrorBanner error={found.error} />;
  if (found.status !== 'ready' || found.data.length === 0) return null;
  const n = found.data.length;
  return (
    <SectionMessage appearance="warning" title="Unregistered functional-looking accounts">
      <Stack space="space.100">
        <Text testId="unregistered-summary">{`${n} ${n === 1 ? 'account is' : 'accounts are'} named like functional accounts (_Func_) but not registered, so no owner or credential expiry is tracked for ${n === 1 ? 'it' : 'them'}.`}</Text>
        {found.data.map((a) => (
          <Inline key={a.accountId} space="space.100" alignBlock="center">
            <Text>{`${a.displayName}${a.active ? '' : ' (inactive)'}`}</Text>
            <Button appearance="subtle" onClick={() => setRegistering(a)} testId={`register-found-${a.accountId}`}>
              Register…
            </Button>
          </Inline>
        ))}
        {registering ? (
          <RegisterFoundDialog
            account={registering}
            roles={roles}
            onClose={() => setRegistering(undefined)}
            onDone={(m) => {
              setRegistering(undefined);
              onChanged(m);
            }}
          />
        ) : null}
      </Stack>
    </SectionMessage>
  );
}

function Registry({
  version,
  roles,
  onChanged,
}: {
  version: number;
  roles: RoleView[];
  onChanged: (message?: string) => void;
}) {
  const viewer = useViewer();
  const [filter, setFilter] = useState<RegistryFilter>({});
  const [owningGroup, setOwningGroup] = useState<GroupSummary | undefined>();
  const [result] = useResolver('listFunctional', {
    ...filter,
    ...(owningGroup ? { owningGroupId: owningGroup.groupId } : {}),
    version,
  } as RegistryFilter);
  const action = useAction();
  const page = result.status === 'ready' ? result.data : undefined;
  // The credentials panel keeps its account selected while the registry reloads after a change.
  const [known, setKnown] = useState<FunctionalAccountView[]>([]);
  const [editing, setEditing] = useState<FunctionalAccountView | undefined>();
  const [removing, setRemoving] = useState<FunctionalAccountView | undefined>();
  useEffect(() => {
    if (page) setKnown(page.accounts);
  }, [page]);
  const done = (message: string) => {
    setEditing(undefined);
    setRemoving(undefined);
    onChanged(message);
  };
  const health = useHealthRun(page?.running, () => onChanged());
  const checkNow = async () => {
    const res = await action.run(() => call('runHealthCheck', {}));
    if (res.ok) health.setStarted(res.data);
  };
  return (
    <Stack space="space.150">
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Stack space="space.050">
          <Label labelFor="functional-filter-input">Show</Label>
          <Select
            inputId="functional-filter-input"
            testId="functional-filter"
            options={FILTERS}
            placeholder="All accounts"
            onChange={(o: { value: string } | null) =>
              setFilter({ finding: (o?.value || undefined) as RegistryFilter['finding'] })
            }
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="functional-owning-group-input">Owning group</Label>
          <GroupPicker
            testId="functional-owning-group"
            inputId="functional-owning-group-input"
            placeholder="Any group"
            onPick={setOwningGroup}
          />
        </Stack>
        <Button
          onClick={() => void checkNow()}
          isDisabled={action.busy || (health.current !== undefined && health.current.status !== 'done')}
          testId="health-check-now"
        >
          Check now
        </Button>
      </Inline>
      {page?.lastCheck ? (
        <Text testId="last-check">{`Last check ${formatDateTime(page.lastCheck.at, viewer)}: ${plural(page.lastCheck.accounts, 'account')}, ${plural(page.lastCheck.findings, 'finding')}.`}</Text>
      ) : (
        <Text>No health check has run yet.</Text>
      )}
      <HealthRunStatus run={health.current} />
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {page && page.accounts.length === 0 ? <Text testId="registry">No functional accounts match.</Text> : null}
      {page && page.accounts.length > 0 ? (
        <DynamicTable
          testId="registry"
          head={{
            cells: [
              { key: 'account', content: 'Account', width: 16 },
              { key: 'owner', content: 'Owner', width: 12 },
              { key: 'group', content: 'Owning group', width: 12 },
              { key: 'purpose', content: 'Purpose', width: 16 },
              { key: 'credentials', content: 'Credentials', width: 9 },
              { key: 'expiry', content: 'Next expiry', width: 9 },
              { key: 'findings', content: 'Findings', width: 14 },
              { key: 'actions', content: 'Actions', width: 12 },
            ],
          }}
          rows={page.accounts.map((a) => ({
            key: a.accountId,
            cells: [
              { key: 'account', content: a.displayName },
              { key: 'owner', content: a.ownerName ?? 'Unknown account (deleted?)' },
              { key: 'group', content: a.owningGroupName },
              { key: 'purpose', content: `${a.purpose} (${a.integration})` },
              {
                key: 'credentials',
                content: `${a.credentials.filter((c) => c.status === 'active').length} active of ${a.credentials.length}`,
              },
              { key: 'expiry', content: formatDate(a.nextExpiry, viewer) },
              {
                key: 'findings',
                content:
                  a.findings.length === 0 ? (
                    'None'
                  ) : (
                    <Inline space="space.050" shouldWrap>
                      {a.findings.map((f) => (
                        <Lozenge key={f.kind} appearance={findingAppearance(f)}>
                          {FINDING_LABELS[f.kind] ?? f.kind}
                        </Lozenge>
                      ))}
                    </Inline>
                  ),
              },
              {
                key: 'actions',
                content: (
                  <Inline space="space.050" shouldWrap>
                    <Button appearance="subtle" onClick={() => setEditing(a)} testId={`functional-edit-${a.accountId}`}>
                      Edit
                    </Button>
                    <Button
                      appearance="subtle"
                      onClick={() => setRemoving(a)}
                      testId={`functional-unregister-${a.accountId}`}
                    >
                      Unregister
                    </Button>
                  </Inline>
                ),
              },
            ],
          }))}
        />
      ) : null}
      {editing ? (
        <EditFunctionalDialog account={editing} roles={roles} onClose={() => setEditing(undefined)} onDone={done} />
      ) : null}
      {removing ? <UnregisterDialog account={removing} onClose={() => setRemoving(undefined)} onDone={done} /> : null}
      {known.length > 0 ? <Credentials accounts={known} onChanged={onChanged} /> : null}
    </Stack>
  );
}

function Credentials({ accounts, onChanged }: { accounts: FunctionalAccountView[]; onChanged: () => void }) {
  const viewer = useViewer();
  const [accountId, setAccountId] = useState<string | undefined>();
  const [type, setType] = useState('api-token');
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  // Bumped after a save, so the date picker starts empty again.
  const [formKey, setFormKey] = useState(0);
  const action = useAction();
  const account = accounts.find((a) => a.accountId === accountId);
  const add = async () => {
    const res = await action.run(() =>
      call('addCredential', {
        accountId: accountId as string,
        type: type as 'api-token',
        label,
        expiresAt: expires || undefined,
      }),
    );
    if (res.ok) {
      setLabel('');
      setExpires('');
      setFormKey((k) => k + 1);
      onChanged();
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
      <Stack space="space.050">
        <Label labelFor="credential-account-input">Account</Label>
        <Select
          inputId="credential-account-input"
          testId="credential-account"
          placeholder="Choose a registered account"
          options={accounts.map((a) => ({ label: a.displayName, value: a.accountId }))}
          onChange={(o: { value: string } | null) => setAccountId(o?.value)}
        />
      </Stack>
      {account ? (
        <Stack space="space.100">
          {account.credentials.length === 0 ? <Text>No credentials recorded yet.</Text> : null}
          {account.credentials.map((c) => (
            <Inline key={c.credentialId} space="space.100" alignBlock="center" shouldWrap>
              <Lozenge appearance={c.status === 'active' ? 'success' : 'removed'}>
                {c.status === 'active' ? 'Active' : 'Expired'}
              </Lozenge>
              <Text>{`${credentialTypeLabel(c.type)} “${c.label}” · created ${formatDate(c.createdAt, viewer)}${c.expiresAt && !c.expiredAt ? ` · expires ${formatDate(c.expiresAt, viewer)}` : ''}${c.expiredAt ? ` · ${c.expiresAt && c.expiredAt < c.expiresAt ? 'retired' : 'expired'} ${formatDateTime(c.expiredAt, viewer)}` : ''}`}</Text>
              {c.status === 'active' ? (
                <Button appearance="subtle" onClick={() => setRotating(c)} testId={`rotate-${c.label}`}>
                  Record rotation
                </Button>
              ) : null}
            </Inline>
          ))}
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
            {field('credential-label', 'Label (a name, never the secret)', label, setLabel)}
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
              {expires ? (
                <Text testId="credential-expires-words">{`Expires ${formatDate(expires, viewer)}.`}</Text>
              ) : null}
            </Stack>
            <Button onClick={() => void add()} isDisabled={!!hint || action.busy} testId="credential-add">
              Add credential
            </Button>
          </Inline>
          {hint ? <Text testId="credential-hint">{hint}</Text> : null}
          {rotating ? (
            <RotateDialog
              accountId={account.accountId}
              credential={rotating}
              onClose={() => setRotating(undefined)}
              onDone={() => {
                setRotating(undefined);
                onChanged();
              }}
            />
          ) : null}
        </Stack>
      ) : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}

function Roles({ roles, onChanged }: { roles: RoleView[]; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [picked, setPicked] = useState<GroupSummary | undefined>();
  const [formKey, setFormKey] = useState(0);
  const action = useAction();
  const save = async () => {
    const res = await action.run(() => call('saveRole', { name, groupIds: groups.map((g) => g.groupId) }));
    if (res.ok) {
      setName('');
      setGroups([]);
      setPicked(undefined);
      setFormKey((k) => k + 1);
      onChanged();
    }
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Roles</Heading>
      {roles.length === 0 ? <Text>No roles yet. A role is a named set of groups to create accounts with.</Text> : null}
      {roles.map((r) => (
        <Stack key={r.roleId} space="space.050">
          <Text>{`${r.name}: ${r.groups.map((g) => g.name).join(', ')}`}</Text>
          {r.warnings.map((w) => (
            <Lozenge key={w} appearance="moved">
              {w}
            </Lozenge>
          ))}
        </Stack>
      ))}
      <Inline space="space.150" alignBlock="end" shouldWrap>
        {field('role-name', 'New role', name, setName)}
        <Stack space="space.050">
          <Label labelFor="role-group-picker-input">Group</Label>
          <GroupPicker key={formKey} testId="role-group-picker" inputId="role-group-picker-input" onPick={setPicked} />
        </Stack>
        <Button
          isDisabled={!picked}
          onClick={() => picked && setGroups((g) => (g.some((x) => x.groupId === picked.groupId) ? g : [...g, picked]))}
          testId="role-add-group"
        >
          Add group
        </Button>
        <Button
          appearance="primary"
          isDisabled={!name || groups.length === 0 || action.busy}
          onClick={() => void save()}
          testId="role-save"
        >
          Save role
        </Button>
      </Inline>
      <Text>
        {groups.length > 0 ? `Groups: ${groups.map((g) => g.name).join(', ')}` : 'Pick the groups the role grants.'}
      </Text>
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}

function Enrol({ roles, onChanged }: { roles: RoleView[]; onChanged: () => void }) {
  const [mode, setMode] = useState<'register' | 'create'>('register');
  const siteId = siteIdOf((useProductContext() as { cloudId?: string } | undefined)?.cloudId);
  const [account, setAccount] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [fields, setFields] = useState<FunctionalFieldValues>(EMPTY_FIELDS);
  // Bumped after a save: the pickers (which keep their own selection) start empty again.
  const [formKey, setFormKey] = useState(0);
  const [created, setCreated] = useState<CreateFunctionalResult | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const action = useAction();

  const reset = () => {
    setAccount('');
    setName('');
    setEmail('');
    setFields(EMPTY_FIELDS);
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
        setCreated(undefined);
        setNotice(`Registered ${res.data.displayName}.`);
        reset();
        onChanged();
      }
    } else {
      const res = await action.run(() =>
        call('createFunctional', { name, roleId: fields.roleId ?? '', email: email || undefined, ...common() }),
      );
      if (res.ok) {
        setNotice(undefined);
        setCreated(res.data);
        reset();
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
          onChange={(o: { value: string } | null) => setMode((o?.value as 'register' | 'create') ?? 'register')}
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
        ? field('enrol-account', 'Account to register (email, account ID or username)', account, setAccount)
        : null}
      {mode === 'create'
        ? field('enrol-name', 'Name (the account is named <Name>_Func_<SiteId>)', name, setName)
        : null}
      {mode === 'create'
        ? field('enrol-email', 'Mailbox email (Jira creates accounts from an email)', email, setEmail)
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
          <Text testId="enrol-result">{notice}</Text>
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
          </Stack>
        </SectionMessage>
      ) : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}

export function FunctionalTab() {
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const changed = (message?: string) => {
    setNotice(message);
    setVersion((v) => v + 1);
  };
  const [roles, reloadRoles] = useResolver('listRoles', {});
  useEffect(() => {
    if (version > 0) reloadRoles();
  }, [version, reloadRoles]);
  const roleList = roles.status === 'ready' ? roles.data : [];
  return (
    <Stack space="space.200">
      {notice ? (
        <SectionMessage appearance="success">
          <Text testId="functional-notice">{notice}</Text>
        </SectionMessage>
      ) : null}
      <UnregisteredPrompt version={version} roles={roleList} onChanged={changed} />
      <Registry version={version} roles={roleList} onChanged={changed} />
      {roles.status === 'error' ? <ErrorBanner error={roles.error} /> : null}
      <Enrol roles={roleList} onChanged={() => changed()} />
      <Roles roles={roleList} onChanged={() => changed()} />
    </Stack>
  );
}
