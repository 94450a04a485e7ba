/**
 * The Groups tab: a paged, sortable list of groups (with the total Jira gives; member counts on request,
 * since Jira's group list has none and each costs a request); opening one shows its
 * members in place of the list, with a way back. Members are paged (inactive ones on request); each row has
 * its own Remove button, confirmed in a dialog that warns when a licence may go, and the notice after it
 * offers Undo. A member is added with the user picker, warned first only when a licence would be used.
 * Bulk changes sit below.
 */
import React, { useCallback, useEffect, useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  DynamicTable,
  Heading,
  Inline,
  Label,
  Lozenge,
  SectionMessage,
  Spinner,
  Stack,
  Text,
  Textfield,
  UserPicker,
  xcss,
} from '@forge/react';
import type { AppError, GroupMembersPage, GroupSummary, UserRow } from '../../../contract';
import { call } from '../../../frontend/api';
import { ConfirmModal } from '../../../frontend/components/ConfirmModal';
import { type FieldEvent, valueOf, checkedOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { LicenceConfirm } from '../../../frontend/components/LicenceConfirm';
import { OffsetPager } from '../../../frontend/components/OffsetPager';
import { useAction } from '../../../frontend/hooks/useAction';
import { useDebounced } from '../../../frontend/hooks/useDebounced';
import { useLicenceConfirmation } from '../../../frontend/hooks/useLicenceConfirmation';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { count } from '../../../frontend/words';
import { BulkPanel } from '../../bulk-changes/ui/BulkPanel';
import { UserTable } from '../../../frontend/components/UserTable';

const GROUP_PAGE = 50;
/** A steady table width, whatever the names on the page. */
const tableBox = xcss({ width: '100%', minWidth: '640px' });

function grantsWords(g: GroupSummary): string {
  return [...g.grantsProducts, ...(g.grantsAdmin ? ['admin rights'] : [])].join(', ') || '—';
}

interface Picked {
  id: string;
  name: string;
}

function GroupMembers({ group, onBack }: { group: GroupSummary; onBack: () => void }) {
  const [startAt, setStartAt] = useState(0);
  const [inactive, setInactive] = useState(false);
  const [page, setPage] = useState<GroupMembersPage | undefined>();
  const [error, setError] = useState<AppError | undefined>();
  const [who, setWho] = useState<Picked | undefined>();
  const [pickerKey, setPickerKey] = useState(0);
  const [notice, setNotice] = useState<{ text: string; undo?: UserRow } | undefined>();
  const [removing, setRemoving] = useState<UserRow | undefined>();
  const action = useAction();
  const licence = useLicenceConfirmation(action);
  const licensed = group.grantsProducts.length > 0;

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

  const add = async (target: Picked, confirmLicence: boolean) => {
    setNotice(undefined);
    const res = await licence.attempt(() =>
      call('addGroupMember', { groupId: group.groupId, accountId: target.id, confirmLicence }),
    );
    if (res?.ok) {
      setNotice({
        text:
          res.data.outcome === 'already'
            ? `${target.name} is already a member of ${group.name}.`
            : `${target.name} added to ${group.name}.`,
      });
      setWho(undefined);
      setPickerKey((k) => k + 1);
      await load();
    }
  };
  const remove = async (u: UserRow) => {
    setNotice(undefined);
    const res = await action.run(() => call('removeGroupMember', { groupId: group.groupId, accountId: u.accountId }));
    setRemoving(undefined);
    if (res.ok) {
      setNotice(
        res.data.outcome === 'already'
          ? { text: `${u.displayName} was not a member of ${group.name}.` }
          : { text: `${u.displayName} removed from ${group.name}.`, undo: u },
      );
      await load();
    }
  };
  const undo = async (u: UserRow) => {
    // They were a member a moment ago: putting them back is what the administrator already had.
    const res = await action.run(() =>
      call('addGroupMember', { groupId: group.groupId, accountId: u.accountId, confirmLicence: true }),
    );
    if (res.ok) {
      setNotice({ text: `${u.displayName} is back in ${group.name}.` });
      await load();
    }
  };

  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center">
        <Button appearance="subtle" onClick={onBack} testId="back-to-groups">
          ← All groups
        </Button>
      </Inline>
      <Heading size="medium">{`Members of ${group.name}`}</Heading>
      <Inline space="space.100" shouldWrap>
        {licensed ? (
          <Text>{`Membership grants ${group.grantsProducts.join(', ')}: each member uses a licence.`}</Text>
        ) : null}
        {group.grantsAdmin ? <Lozenge appearance="removed">Grants administration rights</Lozenge> : null}
        {page ? <Text testId="members-total">{count(page.total, 'member')}</Text> : null}
      </Inline>
      {notice ? (
        <SectionMessage appearance="success">
          <Inline space="space.100" alignBlock="center">
            <Text testId="members-notice">{notice.text}</Text>
            {notice.undo ? (
              <Button
                appearance="subtle"
                onClick={() => notice.undo && void undo(notice.undo)}
                isDisabled={action.busy}
                testId="members-undo"
              >
                Undo
              </Button>
            ) : null}
          </Inline>
        </SectionMessage>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
      <Inline space="space.100" alignBlock="end">
        <UserPicker
          key={`picker-${pickerKey}`}
          label="Add a member"
          name="add-member"
          placeholder="Search for a person"
          onChange={(u) => {
            licence.clear();
            setNotice(undefined);
            setWho(u ? { id: u.id, name: u.name } : undefined);
          }}
        />
        <Button
          appearance="primary"
          isDisabled={!who || action.busy}
          onClick={() => who && void add(who, false)}
          testId="add-member-button"
        >
          Add
        </Button>
      </Inline>
      {licence.message && who ? (
        <LicenceConfirm
          message={licence.message}
          onConfirm={() => void add(who, true)}
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
          <UserTable
            users={page.members}
            nameAs="user"
            testId="group-members"
            label={`Members of ${group.name}`}
            actions={(u) => (
              <Button
                appearance="subtle"
                onClick={() => setRemoving(u)}
                isDisabled={action.busy}
                testId={`remove-member-${u.accountId}`}
              >
                Remove
              </Button>
            )}
          />
          <OffsetPager
            start={startAt}
            shown={page.members.length}
            isLast={page.isLast}
            total={page.total}
            onMove={setStartAt}
            testId="members"
            noun={['member', 'members']}
          />
        </>
      ) : (
        <Spinner label="Loading members" />
      )}
      <ConfirmModal
        isOpen={!!removing}
        title={`Remove ${removing?.displayName ?? ''} from ${group.name}?`}
        body={`${removing?.displayName ?? ''} will no longer be a member of ${group.name}.`}
        warning={
          licensed
            ? `${group.name} grants ${group.grantsProducts.join(', ')}: unless another group gives them access, they lose it and their licence is freed.`
            : undefined
        }
        confirmLabel="Remove"
        isBusy={action.busy}
        onConfirm={() => removing && void remove(removing)}
        onCancel={() => setRemoving(undefined)}
        testId="confirm-remove-member"
      />
    </Stack>
  );
}

export function GroupsTab() {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [startAt, setStartAt] = useState(0);
  const [result] = useResolver('searchGroups', { query, startAt });
  const groups = result.status === 'ready' ? result.data : undefined;
  const [open, setOpen] = useState<GroupSummary | undefined>();
  const [counts, setCounts] = useState<Record<string, number>>({});
  const counting = useAction();
  const countMembers = async () => {
    if (!groups) return;
    const res = await counting.run(() => call('countGroupMembers', { groupIds: groups.groups.map((g) => g.groupId) }));
    if (res.ok) setCounts((c) => ({ ...c, ...res.data }));
  };
  const uncounted = groups?.groups.some((g) => counts[g.groupId] === undefined) ?? false;

  if (open) return <GroupMembers key={open.groupId} group={open} onBack={() => setOpen(undefined)} />;
  return (
    <Stack space="space.200">
      <Label labelFor="group-search">Search groups</Label>
      <Textfield
        id="group-search"
        testId="group-search"
        placeholder="Group name"
        value={input}
        onChange={(e: FieldEvent) => {
          setStartAt(0);
          setInput(valueOf(e));
        }}
      />
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {result.status === 'loading' ? <Spinner label="Loading groups" /> : null}
      {groups ? (
        <Box xcss={tableBox}>
          <DynamicTable
            testId="group-table"
            label="Groups"
            isFixedSize
            defaultSortKey="name"
            defaultSortOrder="ASC"
            head={{
              cells: [
                { key: 'name', content: 'Group', isSortable: true, width: 38 },
                { key: 'grants', content: 'Membership grants', isSortable: true, width: 34 },
                { key: 'count', content: 'Members', isSortable: true, width: 14 },
                { key: 'open', content: '', width: 14 },
              ],
            }}
            rows={groups.groups.map((g) => ({
              key: g.groupId,
              cells: [
                { key: g.name.toLowerCase(), content: <Text>{g.name}</Text> },
                { key: grantsWords(g), content: grantsWords(g) },
                {
                  key: counts[g.groupId] ?? -1,
                  content: counts[g.groupId] === undefined ? '—' : count(counts[g.groupId] as number, 'member'),
                },
                {
                  key: `open-${g.groupId}`,
                  content: (
                    <Button onClick={() => setOpen(g)} testId={`open-group-${g.name}`}>
                      Open
                    </Button>
                  ),
                },
              ],
            }))}
          />
        </Box>
      ) : null}
      {groups && uncounted ? (
        <Inline space="space.100" alignBlock="center">
          <Button onClick={() => void countMembers()} isDisabled={counting.busy} testId="count-members">
            Count members
          </Button>
          <Text>{`Asks Jira once per group on this page (${count(groups.groups.length, 'request')}).`}</Text>
        </Inline>
      ) : null}
      {counting.error ? <ErrorBanner error={counting.error} /> : null}
      {groups ? (
        <OffsetPager
          start={startAt}
          shown={groups.groups.length}
          isLast={startAt + groups.groups.length >= groups.total}
          total={groups.total}
          pageSize={GROUP_PAGE}
          onMove={setStartAt}
          testId="groups"
          noun={['group', 'groups']}
        />
      ) : null}
      <BulkPanel />
    </Stack>
  );
}
