/**
 * The Functional accounts tab. Its main view is the registry, a table to scan (account, owner, owning
 * group, purpose, credentials, next expiry, findings in words) with filters (expiring, orphaned, by owning
 * group) and "Check now"; accounts named `_Func_` that the registry lacks are offered for registration
 * above it. Each account opens its own view (details, credentials, findings, history: AccountView); adding
 * an account (EnrolPanel) and roles (RolesPanel) are views of their own too, so the tab is never one long
 * page. Coming back to the registry puts focus on the control that left it (the row's Open button, "Add a
 * functional account", "Roles"); a message about a change holds focus when the control acted on is gone.
 */
import React, { useEffect, useRef, useState } from 'react';
import { Button, DynamicTable, Inline, Label, Lozenge, SectionMessage, Select, Stack, Text } from '@forge/react';
import { FINDING_LABELS } from '../../../contract';
import type {
  FunctionalAccountView,
  GroupSummary,
  RegistryFilter,
  RoleView,
  UnregisteredFunctional,
} from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { ACTIVE_ONLY_NOTICE } from '../../../frontend/components/PersonPicker';
import { formatDate, formatDateTime } from '../../../frontend/dates';
import { useAction } from '../../../frontend/hooks/useAction';
import { type FocusTarget, useFocusTarget } from '../../../frontend/hooks/useFocusTarget';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { useViewer } from '../../../frontend/hooks/useViewer';
import { AccountView } from './AccountView';
import { Enrol } from './EnrolPanel';
import { findingAppearance } from './findings';
import { RegisterFoundDialog } from './FunctionalDialogs';
import { HealthRunStatus, useHealthRun } from './HealthRunStatus';
import { Roles } from './RolesPanel';
import { EscalationSettings } from './escalation/EscalationSettings';
import { HandOverPanel } from './escalation/HandOverPanel';
import { OwnerCell, PeopleFilters, RemindersLine } from './escalation/RegistryExtras';

const FILTERS = [
  { label: 'All accounts', value: '' },
  { label: 'With findings', value: 'any' },
  { label: 'Credentials expiring or expired', value: 'expiring' },
  { label: 'Orphaned (owner inactive or deleted)', value: 'orphaned' },
];
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** Where focus goes back to in the registry view. */
type Target = 'show-add' | 'show-roles' | 'notice' | `open-${string}`;

/** Accounts named like functional accounts that the registry does not hold, each offered for registration. */
function UnregisteredPrompt({
  version,
  roles,
  onChanged,
  onLoaded,
}: {
  version: number;
  roles: RoleView[];
  onChanged: (m: string) => void;
  /** Called each time the list has arrived (again). */
  onLoaded: () => void;
}) {
  const [found, reload] = useResolver('listUnregisteredFunctional', {});
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const loaded = useRef(onLoaded);
  loaded.current = onLoaded;
  useEffect(() => {
    if (found.status === 'ready') loaded.current();
  }, [found]);
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

interface RegistryQuery {
  filter: RegistryFilter;
  owningGroup?: GroupSummary;
}

function Registry({
  version,
  query,
  setQuery,
  focus,
  onOpen,
  onShow,
  onChanged,
}: {
  version: number;
  query: RegistryQuery;
  setQuery: (q: RegistryQuery) => void;
  focus: FocusTarget<Target>;
  onOpen: (a: FunctionalAccountView) => void;
  onShow: (view: 'add' | 'roles') => void;
  onChanged: () => void;
}) {
  const viewer = useViewer();
  // The owner/backup filter lives with its pickers (which keep their own selection), so it starts empty
  // whenever the registry is shown again.
  const [people, setPeople] = useState<Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>>({});
  /** The people filters' last search could find active people only (no directory index yet). */
  const [activeOnly, setActiveOnly] = useState(false);
  const [result] = useResolver('listFunctional', {
    ...query.filter,
    ...people,
    ...(query.owningGroup ? { owningGroupId: query.owningGroup.groupId } : {}),
    version,
  } as RegistryFilter);
  const action = useAction();
  const page = result.status === 'ready' ? result.data : undefined;
  const health = useHealthRun(page?.running, onChanged);
  // "Check now" stays enabled (a disabled button drops keyboard focus): asking while a check runs is
  // answered with that check (`alreadyRunning`), never a second one.
  const checkNow = async () => {
    if (action.busy) return;
    const res = await action.run(() => call('runHealthCheck', {}));
    if (res.ok) health.setStarted(res.data);
  };
  return (
    <Stack space="space.150">
      {/* The actions on a row of their own: beside four filters they wrapped one by one ("Roles" alone at 1440 px). */}
      <Inline space="space.100" shouldWrap>
        <Button onClick={() => void checkNow()} testId="health-check-now">
          Check now
        </Button>
        <Button
          key={focus.key('show-add')}
          autoFocus={focus.auto('show-add')}
          onClick={() => onShow('add')}
          testId="functional-show-add"
        >
          Add a functional account
        </Button>
        <Button
          key={focus.key('show-roles')}
          autoFocus={focus.auto('show-roles')}
          onClick={() => onShow('roles')}
          testId="functional-show-roles"
        >
          Roles
        </Button>
      </Inline>
      <Inline space="space.150" alignBlock="end" shouldWrap>
        <Stack space="space.050">
          <Label labelFor="functional-filter-input">Show</Label>
          <Select
            inputId="functional-filter-input"
            testId="functional-filter"
            options={FILTERS}
            value={FILTERS.find((f) => f.value === (query.filter.finding ?? ''))}
            onChange={(o: { value: string } | null) =>
              setQuery({ ...query, filter: { finding: (o?.value || undefined) as RegistryFilter['finding'] } })
            }
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="functional-owning-group-input">Owning group</Label>
          <GroupPicker
            testId="functional-owning-group"
            inputId="functional-owning-group-input"
            placeholder="Any group"
            initial={query.owningGroup}
            onPick={(g) => setQuery({ ...query, owningGroup: g })}
          />
        </Stack>
        <PeopleFilters onChange={setPeople} onActiveOnly={setActiveOnly} />
      </Inline>
      {activeOnly ? <Text testId="functional-filter-active-only">{ACTIVE_ONLY_NOTICE}</Text> : null}
      {page?.lastCheck ? (
        <Text testId="last-check">{`Last check ${formatDateTime(page.lastCheck.at, viewer)}: ${plural(page.lastCheck.accounts, 'account')}, ${plural(page.lastCheck.findings, 'finding')}.`}</Text>
      ) : (
        <Text>No health check has run yet.</Text>
      )}
      <HealthRunStatus run={health.current} />
      {page?.reminders ? <RemindersLine reminders={page.reminders} /> : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {page && page.accounts.length === 0 ? <Text testId="registry">No functional accounts match.</Text> : null}
      {page && page.accounts.length > 0 ? (
        <DynamicTable
          testId="registry"
          label="Functional accounts"
          head={{
            cells: [
              { key: 'account', content: 'Account', width: 16 },
              { key: 'owner', content: 'Owner', width: 12 },
              { key: 'group', content: 'Owning group', width: 12 },
              { key: 'purpose', content: 'Purpose', width: 15 },
              { key: 'credentials', content: 'Credentials', width: 9 },
              { key: 'expiry', content: 'Next expiry', width: 13 },
              { key: 'findings', content: 'Findings', width: 15 },
              { key: 'open', content: '', width: 8 },
            ],
          }}
          rows={page.accounts.map((a) => ({
            key: a.accountId,
            cells: [
              { key: 'account', content: a.displayName },
              { key: 'owner', content: <OwnerCell account={a} /> },
              { key: 'group', content: a.owningGroupName },
              { key: 'purpose', content: `${a.purpose} (${a.integration})` },
              {
                key: 'credentials',
                content: `${a.credentials.filter((c) => c.status === 'active').length} active of ${a.credentials.length}`,
              },
              // One line: the date never wraps (non-breaking spaces), and its column (13 %, about 100 px of the
              // table at a 1024 px window) is wider than the longest date, so it is never broken mid-word either.
              {
                key: 'expiry',
                content: (
                  <Text>{`${formatDate(a.nextExpiry, viewer).replace(/ /g, '\u00a0')}${a.escalation?.issueKey ? ` · ${a.escalation.issueKey}${a.escalation.closed ? ' (done)' : ''}` : ''}`}</Text>
                ),
              },
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
                key: 'open',
                content: (
                  <Button
                    key={focus.key(`open-${a.accountId}`)}
                    autoFocus={focus.auto(`open-${a.accountId}`)}
                    onClick={() => onOpen(a)}
                    testId={`functional-open-${a.accountId}`}
                  >
                    Open
                  </Button>
                ),
              },
            ],
          }))}
        />
      ) : null}
    </Stack>
  );
}

type View =
  { kind: 'registry' } | { kind: 'add' } | { kind: 'roles' } | { kind: 'account'; account: FunctionalAccountView };

export function FunctionalTab() {
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const [view, setView] = useState<View>({ kind: 'registry' });
  const [query, setQuery] = useState<RegistryQuery>({ filter: {} });
  const focus = useFocusTarget<Target>();
  /** Set when a registration from the prompt has put a notice up: see UnregisteredPrompt's onLoaded. */
  const focusNoticeOnLoad = useRef(false);
  const reload = () => setVersion((v) => v + 1);
  const [roles, reloadRoles] = useResolver('listRoles', {});
  useEffect(() => {
    if (version > 0) reloadRoles();
  }, [version, reloadRoles]);
  const roleList = roles.status === 'ready' ? roles.data : [];
  /** Shows `next`; a message about an earlier change goes, since the admin has moved on from it. */
  const show = (next: View, focusOn?: Target) => {
    setNotice(undefined);
    setView(next);
    if (focusOn) focus.focus(focusOn);
  };
  const back = (focusOn: Target) => () => show({ kind: 'registry' }, focusOn);
  const backButton = (focusOn: Target) => (
    <Inline>
      <Button appearance="subtle" autoFocus onClick={back(focusOn)} testId="back-to-registry">
        ← All functional accounts
      </Button>
    </Inline>
  );
  if (view.kind === 'account')
    return (
      <AccountView
        key={view.account.accountId}
        initial={view.account}
        version={version}
        roles={roleList}
        onBack={back(`open-${view.account.accountId}`)}
        onChanged={reload}
        onUnregistered={(m) => {
          setView({ kind: 'registry' });
          setNotice(m);
          focus.focus('notice');
          reload();
        }}
      />
    );
  if (view.kind === 'add')
    return (
      <Stack space="space.200">
        {backButton('show-add')}
        <Enrol
          roles={roleList}
          onChanged={reload}
          onOpen={(accountId) =>
            void call('listFunctional', {}).then((res) => {
              const account = res.ok ? res.data.accounts.find((a) => a.accountId === accountId) : undefined;
              if (account) show({ kind: 'account', account });
            })
          }
        />
      </Stack>
    );
  if (view.kind === 'roles')
    return (
      <Stack space="space.200">
        {backButton('show-roles')}
        <Roles roles={roleList} onChanged={reload} />
        {roles.status === 'error' ? <ErrorBanner error={roles.error} /> : null}
      </Stack>
    );
  return (
    <Stack space="space.200">
      {notice ? (
        <SectionMessage appearance="success">
          <Inline space="space.100" alignBlock="center" shouldWrap>
            <Text testId="functional-notice">{notice}</Text>
            <Button
              key={focus.key('notice')}
              autoFocus={focus.auto('notice')}
              appearance="subtle"
              onClick={() => {
                setNotice(undefined);
                focusNoticeOnLoad.current = false;
                focus.focus('show-add');
              }}
              testId="functional-notice-dismiss"
            >
              Dismiss
            </Button>
          </Inline>
        </SectionMessage>
      ) : null}
      <UnregisteredPrompt
        version={version}
        roles={roleList}
        onChanged={(m) => {
          setNotice(m);
          focus.focus('notice');
          focusNoticeOnLoad.current = true;
          reload();
        }}
        onLoaded={() => {
          // The register dialog, as it closes, gives focus back to the "Register…" button it came from (Atlaskit's
          // focus lock, a moment after the notice took it), and that button goes once the list has arrived
          // again: the notice takes focus once more then, so it is never left on the page body.
          if (!focusNoticeOnLoad.current) return;
          focusNoticeOnLoad.current = false;
          focus.focus('notice');
        }}
      />
      <Registry
        version={version}
        query={query}
        setQuery={setQuery}
        focus={focus}
        onOpen={(account) => show({ kind: 'account', account })}
        onShow={(kind) => show({ kind })}
        onChanged={reload}
      />
      <HandOverPanel version={version} onDone={reload} />
      <EscalationSettings />
    </Stack>
  );
}
