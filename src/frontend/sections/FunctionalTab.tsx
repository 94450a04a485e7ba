/**
 * The Functional accounts tab: the registry (owner, owning group, purpose, credentials, next expiry,
 * findings) with filters (expiring, orphaned, by owning group); "check now"; register an existing account;
 * create one from a role; roles (named sets of groups, with what they grant); credentials and rotation.
 * The app records credential metadata only and never asks for a secret.
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
  Textfield,
} from '@forge/react';
import type {
  CreateFunctionalResult,
  FunctionalAccountView,
  GroupSummary,
  RegistryFilter,
  RoleView,
} from '../../contract';
import { call } from '../api';
import { ErrorBanner } from '../ErrorBanner';
import { type FieldEvent, valueOf } from '../events';
import { useAction } from '../useAction';
import { useResolver } from '../useResolver';
import { GroupPicker } from './GroupPicker';

const FILTERS = [
  { label: 'All accounts', value: '' },
  { label: 'With findings', value: 'any' },
  { label: 'Credentials expiring or expired', value: 'expiring' },
  { label: 'Orphaned (owner inactive or deleted)', value: 'orphaned' },
];
const ENROL_MODES = [
  { label: 'Register an existing account', value: 'register' },
  { label: 'Create a new account from a role', value: 'create' },
];
const CREDENTIAL_TYPES = [
  { label: 'API token', value: 'api-token' },
  { label: 'OAuth client', value: 'oauth-client' },
  { label: 'Other', value: 'other' },
];

function field(id: string, label: string, value: string, set: (v: string) => void) {
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{label}</Label>
      <Textfield id={id} testId={id} value={value} onChange={(e: FieldEvent) => set(valueOf(e))} />
    </Stack>
  );
}

function Registry({ version, onChanged }: { version: number; onChanged: () => void }) {
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
  useEffect(() => {
    if (page) setKnown(page.accounts);
  }, [page]);
  const checkNow = async () => {
    const res = await action.run(() => call('runHealthCheck', {}));
    if (res.ok) onChanged();
  };
  return (
    <Stack space="space.150">
      <Inline space="space.150" alignBlock="center" shouldWrap>
        <Select
          testId="functional-filter"
          options={FILTERS}
          placeholder="All accounts"
          onChange={(o: { value: string } | null) =>
            setFilter({ finding: (o?.value || undefined) as RegistryFilter['finding'] })
          }
        />
        <GroupPicker testId="functional-owning-group" placeholder="Owning group" onPick={setOwningGroup} />
        <Button onClick={() => void checkNow()} isDisabled={action.busy} testId="health-check-now">
          Check now
        </Button>
      </Inline>
      {page?.lastCheck ? (
        <Text testId="last-check">{`Last check ${page.lastCheck.at.replace('T', ' ').slice(0, 16)} UTC: ${page.lastCheck.accounts} accounts, ${page.lastCheck.findings} findings.`}</Text>
      ) : (
        <Text>No health check has run yet.</Text>
      )}
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {page && page.accounts.length === 0 ? <Text testId="registry">No functional accounts match.</Text> : null}
      {page && page.accounts.length > 0 ? (
        <DynamicTable
          testId="registry"
          head={{
            cells: ['Account', 'Owner', 'Owning group', 'Purpose', 'Credentials', 'Next expiry', 'Findings'].map(
              (c) => ({ key: c, content: c }),
            ),
          }}
          rows={page.accounts.map((a) => ({
            key: a.accountId,
            cells: [
              { key: 'Account', content: a.displayName },
              { key: 'Owner', content: a.ownerName ?? a.ownerAccountId },
              { key: 'Owning group', content: a.owningGroupName },
              { key: 'Purpose', content: `${a.purpose} (${a.integration})` },
              {
                key: 'Credentials',
                content: `${a.credentials.filter((c) => c.status === 'active').length} active / ${a.credentials.length}`,
              },
              { key: 'Next expiry', content: a.nextExpiry?.slice(0, 10) ?? '—' },
              {
                key: 'Findings',
                content: (
                  <Inline space="space.050" shouldWrap>
                    {a.findings.map((f) => (
                      <Lozenge
                        key={f.kind}
                        appearance={
                          f.kind.startsWith('credential-expiring-30') || f.kind === 'naming' ? 'moved' : 'removed'
                        }
                      >
                        {f.kind}
                      </Lozenge>
                    ))}
                  </Inline>
                ),
              },
            ],
          }))}
        />
      ) : null}
      {known.length > 0 ? <Credentials accounts={known} onChanged={onChanged} /> : null}
    </Stack>
  );
}

function Credentials({ accounts, onChanged }: { accounts: FunctionalAccountView[]; onChanged: () => void }) {
  const [accountId, setAccountId] = useState<string | undefined>();
  const [type, setType] = useState('api-token');
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
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
    if (res.ok) onChanged();
  };
  const rotate = async (credentialId: string) => {
    const res = await action.run(() => call('rotateCredential', { accountId: accountId as string, credentialId }));
    if (res.ok) onChanged();
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Credentials</Heading>
      <Select
        testId="credential-account"
        placeholder="Account"
        options={accounts.map((a) => ({ label: a.displayName, value: a.accountId }))}
        onChange={(o: { value: string } | null) => setAccountId(o?.value)}
      />
      {account ? (
        <Stack space="space.100">
          {account.credentials.map((c) => (
            <Inline key={c.credentialId} space="space.100" alignBlock="center">
              <Lozenge appearance={c.status === 'active' ? 'success' : 'removed'}>{c.status}</Lozenge>
              <Text>{`${c.type} “${c.label}” · created ${c.createdAt.slice(0, 10)}${c.expiresAt ? ` · expires ${c.expiresAt.slice(0, 10)}` : ''}${c.expiredAt ? ` · expired ${c.expiredAt.slice(0, 16).replace('T', ' ')}` : ''}`}</Text>
              {c.status === 'active' ? (
                <Button appearance="subtle" onClick={() => void rotate(c.credentialId)} testId={`rotate-${c.label}`}>
                  Record rotation
                </Button>
              ) : null}
            </Inline>
          ))}
          <Inline space="space.100" alignBlock="end" shouldWrap>
            <Select
              testId="credential-type"
              options={CREDENTIAL_TYPES}
              value={CREDENTIAL_TYPES.find((t) => t.value === type)}
              onChange={(o: { value: string } | null) => setType(o?.value ?? 'api-token')}
            />
            {field('credential-label', 'Label (a name, never the secret)', label, setLabel)}
            {field('credential-expires', 'Expires (YYYY-MM-DD)', expires, setExpires)}
            <Button onClick={() => void add()} isDisabled={!label || action.busy} testId="credential-add">
              Add credential
            </Button>
          </Inline>
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
  const action = useAction();
  const save = async () => {
    const res = await action.run(() => call('saveRole', { name, groupIds: groups.map((g) => g.groupId) }));
    if (res.ok) {
      setName('');
      setGroups([]);
      onChanged();
    }
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Roles</Heading>
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
      <Inline space="space.100" alignBlock="end" shouldWrap>
        {field('role-name', 'New role', name, setName)}
        <GroupPicker testId="role-group-picker" onPick={setPicked} />
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
  const [account, setAccount] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [owner, setOwner] = useState('');
  const [owningGroup, setOwningGroup] = useState<GroupSummary | undefined>();
  const [roleId, setRoleId] = useState<string | undefined>();
  const [purpose, setPurpose] = useState('');
  const [integration, setIntegration] = useState('');
  const [created, setCreated] = useState<CreateFunctionalResult | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const action = useAction();

  const resolveOne = async (text: string): Promise<string | undefined> => {
    const res = await action.run(() => call('resolveIdentifiers', { text }));
    if (!res.ok) return undefined;
    const hit = res.data[0];
    if (!hit?.accountId) action.setError({ code: 'NOT_FOUND', message: `${text}: ${hit?.problem ?? 'not found'}` });
    return hit?.accountId;
  };
  const submit = async () => {
    if (!owningGroup) return;
    const ownerAccountId = await resolveOne(owner);
    if (!ownerAccountId) return;
    if (mode === 'register') {
      const accountId = await resolveOne(account);
      if (!accountId) return;
      const res = await action.run(() =>
        call('registerFunctional', {
          accountId,
          ownerAccountId,
          owningGroupId: owningGroup.groupId,
          purpose,
          integration,
          ...(roleId ? { roleId } : {}),
        }),
      );
      if (res.ok) {
        setCreated(undefined);
        setNotice(`Registered ${res.data.displayName}.`);
        onChanged();
      }
    } else {
      const res = await action.run(() =>
        call('createFunctional', {
          name,
          roleId: roleId ?? '',
          email: email || undefined,
          ownerAccountId,
          owningGroupId: owningGroup.groupId,
          purpose,
          integration,
        }),
      );
      if (res.ok) {
        setNotice(undefined);
        setCreated(res.data);
        onChanged();
      }
    }
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Add a functional account</Heading>
      <Select
        testId="enrol-mode"
        options={ENROL_MODES}
        value={ENROL_MODES.find((m) => m.value === mode)}
        onChange={(o: { value: string } | null) => setMode((o?.value as 'register' | 'create') ?? 'register')}
      />
      {mode === 'register'
        ? field('enrol-account', 'Account (email, account ID or username)', account, setAccount)
        : null}
      {mode === 'create'
        ? field('enrol-name', 'Name (the account is named <Name>_Func_<SiteId>)', name, setName)
        : null}
      {mode === 'create'
        ? field('enrol-email', 'Mailbox email (Jira creates accounts from an email)', email, setEmail)
        : null}
      <Select
        testId="enrol-role"
        placeholder={mode === 'create' ? 'Role' : 'Role (optional)'}
        options={roles.map((r) => ({ label: r.name, value: r.roleId }))}
        onChange={(o: { value: string } | null) => setRoleId(o?.value)}
      />
      {field('enrol-owner', 'Owner (a person: email, account ID or username)', owner, setOwner)}
      <GroupPicker testId="enrol-owning-group" placeholder="Owning group" onPick={setOwningGroup} />
      {field('enrol-purpose', 'Purpose', purpose, setPurpose)}
      {field('enrol-integration', 'Integration', integration, setIntegration)}
      <Button
        appearance="primary"
        isDisabled={action.busy || !owner || !owningGroup || !purpose || !integration}
        onClick={() => void submit()}
        testId="enrol-submit"
      >
        {mode === 'register' ? 'Register' : 'Create'}
      </Button>
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
              <Text key={g.groupId}>{`${g.name}: ${g.outcome} (${g.message})`}</Text>
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
  const changed = () => setVersion((v) => v + 1);
  const [roles, reloadRoles] = useResolver('listRoles', {});
  useEffect(() => {
    if (version > 0) reloadRoles();
  }, [version, reloadRoles]);
  const roleList = roles.status === 'ready' ? roles.data : [];
  return (
    <Stack space="space.200">
      <Registry version={version} onChanged={changed} />
      {roles.status === 'error' ? <ErrorBanner error={roles.error} /> : null}
      <Enrol roles={roleList} onChanged={changed} />
      <Roles roles={roleList} onChanged={changed} />
    </Stack>
  );
}
