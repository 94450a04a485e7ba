/**
 * The Groups tab: search groups; see a group's members page by page (inactive ones on request); add a
 * member (warned first when the group grants product access) or remove one; and bulk changes.
 */
import React, { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Checkbox,
  DynamicTable,
  Heading,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { AppError, GroupMembersPage, GroupSummary, UserRow } from '../../contract';
import { call } from '../api';
import { type FieldEvent, valueOf, checkedOf } from '../events';
import { ErrorBanner } from '../ErrorBanner';
import { LicenceConfirm } from '../LicenceConfirm';
import { useAction } from '../useAction';
import { useLicenceConfirmation } from '../useLicenceConfirmation';
import { useDebounced } from '../useDebounced';
import { useResolver } from '../useResolver';
import { BulkPanel } from './BulkPanel';
import { OffsetPager } from '../OffsetPager';
import { UserTable } from './UserTable';

function GroupMembers({ group }: { group: GroupSummary }) {
  const [startAt, setStartAt] = useState(0);
  const [inactive, setInactive] = useState(false);
  const [page, setPage] = useState<GroupMembersPage | undefined>();
  const [error, setError] = useState<AppError | undefined>();
  const [who, setWho] = useState('');
  const [notice, setNotice] = useState<string | undefined>();
  const action = useAction();
  const licence = useLicenceConfirmation(action);

  const load = useCallback(async () => {
    const res = await call('listGroupMembers', { groupId: group.groupId, startAt, includeInactive: inactive });
    if (res.ok) {
      setPage(res.data);
      setError(undefined);
    } else setError(res.error);
  }, [group.groupId, startAt, inactive]);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (confirmLicence: boolean) => {
    const resolved = await action.run(() => call('resolveIdentifiers', { text: who }));
    if (!resolved.ok) return;
    const target = resolved.data[0];
    if (!target?.accountId) {
      action.setError({ code: 'NOT_FOUND', message: target?.problem ?? 'No such user.' });
      return;
    }
    const res = await licence.attempt(() =>
      call('addGroupMember', { groupId: group.groupId, accountId: target.accountId as string, confirmLicence }),
    );
    if (res?.ok) {
      setNotice(`${target.displayName ?? target.input}: ${res.data.message}`);
      await load();
    }
  };
  const remove = async (u: UserRow) => {
    const res = await action.run(() => call('removeGroupMember', { groupId: group.groupId, accountId: u.accountId }));
    if (res.ok) {
      setNotice(`${u.displayName}: ${res.data.message}`);
      await load();
    }
  };

  return (
    <Stack space="space.150">
      <Heading size="small">{`Members of ${group.name}`}</Heading>
      {group.grantsProducts.length > 0 ? (
        <Lozenge appearance="moved">{`Grants ${group.grantsProducts.join(', ')}: each member uses a licence`}</Lozenge>
      ) : null}
      {group.grantsAdmin ? <Lozenge appearance="removed">Grants administration rights</Lozenge> : null}
      {notice ? (
        <SectionMessage appearance="success">
          <Text>{notice}</Text>
        </SectionMessage>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
      <Label labelFor="add-member">Add a member (email, account ID or username)</Label>
      <Inline space="space.100">
        <Textfield id="add-member" testId="add-member" value={who} onChange={(e: FieldEvent) => setWho(valueOf(e))} />
        <Button
          appearance="primary"
          isDisabled={!who.trim() || action.busy}
          onClick={() => void add(false)}
          testId="add-member-button"
        >
          Add
        </Button>
      </Inline>
      {licence.message ? (
        <LicenceConfirm
          message={licence.message}
          onConfirm={() => void add(true)}
          testId="confirm-licence"
          label="Add anyway"
        />
      ) : null}
      <Checkbox
        testId="include-inactive"
        label="Include inactive users"
        isChecked={inactive}
        onChange={(e: FieldEvent) => {
          setStartAt(0);
          setInactive(checkedOf(e));
        }}
      />
      {page ? (
        <>
          <UserTable users={page.members} testId="group-members" />
          <Inline space="space.100" shouldWrap>
            {page.members.map((u) => (
              <Button
                key={u.accountId}
                appearance="subtle"
                onClick={() => void remove(u)}
                isDisabled={action.busy}
                testId={`remove-member-${u.accountId}`}
              >
                {`Remove ${u.displayName}`}
              </Button>
            ))}
          </Inline>
          <OffsetPager
            start={startAt}
            shown={page.members.length}
            isLast={page.isLast}
            total={page.total}
            onMove={setStartAt}
            testId="members"
          />
        </>
      ) : null}
    </Stack>
  );
}

export function GroupsTab() {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [result] = useResolver('searchGroups', { query });
  const groups = result.status === 'ready' ? result.data : undefined;
  const [open, setOpen] = useState<GroupSummary | undefined>();

  return (
    <Stack space="space.200">
      <Label labelFor="group-search">Search groups</Label>
      <Textfield
        id="group-search"
        testId="group-search"
        placeholder="Group name"
        value={input}
        onChange={(e: FieldEvent) => setInput(valueOf(e))}
      />
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {groups ? (
        <DynamicTable
          testId="group-table"
          head={{
            cells: [
              { key: 'name', content: 'Group' },
              { key: 'grants', content: 'Membership grants' },
            ],
          }}
          rows={groups.groups.map((g) => ({
            key: g.groupId,
            cells: [
              {
                key: 'name',
                content: (
                  <Button appearance="subtle" onClick={() => setOpen(g)} testId={`open-group-${g.name}`}>
                    {g.name}
                  </Button>
                ),
              },
              {
                key: 'grants',
                content: [...g.grantsProducts, ...(g.grantsAdmin ? ['admin rights'] : [])].join(', ') || '—',
              },
            ],
          }))}
        />
      ) : null}
      {groups && groups.total > groups.groups.length ? (
        <Text>{`Showing ${groups.groups.length} of ${groups.total} groups; refine the search to see the others.`}</Text>
      ) : null}
      {open ? <GroupMembers key={open.groupId} group={open} /> : null}
      <BulkPanel />
    </Stack>
  );
}
