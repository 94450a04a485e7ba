/**
 * The Groups tab: a paged, sortable list of groups (with the total Jira gives; member counts on request,
 * since Jira's group list has none and each costs a request); opening one shows its
 * members in place of the list, with a way back. Members are paged (inactive ones on request); each row has
 * its own Remove button, confirmed in a dialog that warns when a licence may go. A removed member's row
 * stays where it was, saying so with Undo (the admin's eyes and keyboard are on that row, however long the
 * list). A member is added with the person picker (each option with its email and status, so same-named
 * people can be told apart), warned first only when a licence would be used; the
 * result shows beside the Add button. Focus is never dropped: opening a group focuses "← All groups", going
 * back focuses that group's Open button, a removal focuses Undo, Undo focuses the row's Remove button, and
 * Add keeps focus (it is never disabled under the keyboard; pressed with nobody picked, it says so).
 * Bulk changes sit below.
 * The list and a group's page count the same people, active members (inactive ones on the page only when
 * asked, and then said so); after a change the list shows the page's new figure, or asks again.
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
  Spinner,
  Stack,
  Text,
  Textfield,
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
import { useFocusTarget } from '../../../frontend/hooks/useFocusTarget';
import { useLicenceConfirmation } from '../../../frontend/hooks/useLicenceConfirmation';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { count } from '../../../frontend/words';
import { BulkPanel } from '../../bulk-changes/ui/BulkPanel';
import { PersonPicker } from '../../../frontend/components/PersonPicker';
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

/** A removed member's row, kept in place until the page changes: where they were and whether it is undone. */
interface Removed {
  user: UserRow;
  index: number;
}

/** A group's active members, in words ("64 active members"). */
const activeMembers = (n: number) => count(n, 'active member');

/**
 * A group's members. `onBack` says whether the admin changed the membership here and, when this page last
 * read the active members after the last change, how many there are (the list shows that figure).
 */
function GroupMembers({
  group,
  onBack,
}: {
  group: GroupSummary;
  onBack: (changed: boolean, activeTotal: number | undefined) => void;
}) {
  const [startAt, setStartAt] = useState(0);
  const [inactive, setInactive] = useState(false);
  const [page, setPage] = useState<GroupMembersPage | undefined>();
  const [error, setError] = useState<AppError | undefined>();
  const [who, setWho] = useState<Picked | undefined>();
  const [pickerKey, setPickerKey] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const [removed, setRemoved] = useState<Removed | undefined>();
  /** A word beside one row's button after an action on it ("Back in team-web."). */
  const [rowNote, setRowNote] = useState<{ accountId: string; text: string } | undefined>();
  const [changed, setChanged] = useState(false);
  /** Active members as last read (undefined while inactive ones are shown, or a change is not read yet). */
  const [activeTotal, setActiveTotal] = useState<number | undefined>();
  const [removing, setRemoving] = useState<UserRow | undefined>();
  const focus = useFocusTarget<'add' | `remove-${string}` | `undo-${string}`>();
  const action = useAction();
  const licence = useLicenceConfirmation(action);
  const licensed = group.grantsProducts.length > 0;

  const load = useCallback(async () => {
    const res = await call('listGroupMembers', { groupId: group.groupId, startAt, includeInactive: inactive });
    if (res.ok) {
      setPage(res.data);
      setActiveTotal(inactive ? undefined : res.data.total);
      setError(undefined);
    } else setError(res.error);
  }, [group.groupId, startAt, inactive]);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (target: Picked | undefined, confirmLicence: boolean) => {
    if (action.busy) return;
    setNotice(undefined);
    setRowNote(undefined);
    if (!target) {
      setNotice('Pick a person to add first.');
      return;
    }
    const res = await licence.attempt(() =>
      call('addGroupMember', { groupId: group.groupId, accountId: target.id, confirmLicence }),
    );
    // Focus comes back to Add (the licence question's button, if that was pressed, is gone).
    if (confirmLicence) focus.focus('add');
    if (res?.ok) {
      setNotice(
        res.data.outcome === 'already'
          ? `${target.name} is already a member of ${group.name}.`
          : `${target.name} added to ${group.name}.`,
      );
      if (res.data.outcome !== 'already') {
        setChanged(true);
        setActiveTotal(undefined);
      }
      setWho(undefined);
      setPickerKey((k) => k + 1);
      await load();
    }
  };
  const remove = async (u: UserRow) => {
    setNotice(undefined);
    setRowNote(undefined);
    const index = page?.members.findIndex((m) => m.accountId === u.accountId) ?? 0;
    const res = await action.run(() => call('removeGroupMember', { groupId: group.groupId, accountId: u.accountId }));
    setRemoving(undefined);
    if (res.ok) {
      if (res.data.outcome === 'already') {
        setRowNote({ accountId: u.accountId, text: `Was not a member of ${group.name}.` });
        focus.focus(`remove-${u.accountId}`);
      } else {
        setChanged(true);
        setActiveTotal(undefined);
        setRemoved({ user: u, index: Math.max(index, 0) });
        focus.focus(`undo-${u.accountId}`);
      }
      await load();
    }
  };
  const undo = async (u: UserRow) => {
    if (action.busy) return;
    // They were a member a moment ago: putting them back is what the administrator already had.
    const res = await action.run(() =>
      call('addGroupMember', { groupId: group.groupId, accountId: u.accountId, confirmLicence: true }),
    );
    if (res.ok) {
      setActiveTotal(undefined);
      setRemoved(undefined);
      setRowNote({ accountId: u.accountId, text: `Back in ${group.name}.` });
      focus.focus(`remove-${u.accountId}`);
      await load();
    }
  };
  // The removed member's row stays where it was on this page, until the page or filter changes.
  const rows = page ? [...page.members] : [];
  if (removed && !rows.some((m) => m.accountId === removed.user.accountId))
    rows.splice(Math.min(removed.index, rows.length), 0, removed.user);
  const move = (start: number) => {
    setRemoved(undefined);
    setRowNote(undefined);
    setStartAt(start);
  };

  return (
    <Stack space="space.150">
      <Inline space="space.100" alignBlock="center">
        <Button appearance="subtle" autoFocus onClick={() => onBack(changed, activeTotal)} testId="back-to-groups">
          ← All groups
        </Button>
      </Inline>
      <Heading size="medium">{`Members of ${group.name}`}</Heading>
      <Inline space="space.100" shouldWrap>
        {licensed ? (
          <Text>{`Membership grants ${group.grantsProducts.join(', ')}: each member uses a licence.`}</Text>
        ) : null}
        {group.grantsAdmin ? <Lozenge appearance="removed">Grants administration rights</Lozenge> : null}
        {page ? (
          <Text testId="members-total">
            {inactive ? `${count(page.total, 'member')}, active and inactive` : activeMembers(page.total)}
          </Text>
        ) : null}
      </Inline>
      {error ? <ErrorBanner error={error} /> : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
      <Inline space="space.100" alignBlock="end" shouldWrap>
        <Stack space="space.050">
          <Label labelFor="add-member-input">Add a member</Label>
          <PersonPicker
            key={`picker-${pickerKey}`}
            testId="add-member"
            inputId="add-member-input"
            placeholder="Search for a person"
            onPick={(u) => {
              licence.clear();
              setNotice(undefined);
              setWho(u ? { id: u.accountId, name: u.displayName } : undefined);
            }}
          />
        </Stack>
        <Button
          key={focus.key('add')}
          autoFocus={focus.auto('add')}
          appearance="primary"
          onClick={() => void add(who, false)}
          testId="add-member-button"
        >
          Add
        </Button>
        {notice ? <Text testId="members-notice">{notice}</Text> : null}
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
          move(0);
          setInactive(checkedOf(e));
        }}
      />
      {page ? (
        <>
          <UserTable
            users={rows}
            nameAs="user"
            testId="group-members"
            label={`Members of ${group.name}`}
            actions={(u) =>
              removed?.user.accountId === u.accountId ? (
                <Inline space="space.050" alignBlock="center" shouldWrap>
                  <Text testId="members-removed">Removed.</Text>
                  <Button
                    key={focus.key(`undo-${u.accountId}`)}
                    autoFocus={focus.auto(`undo-${u.accountId}`)}
                    appearance="subtle"
                    onClick={() => void undo(u)}
                    testId="members-undo"
                  >
                    Undo
                  </Button>
                </Inline>
              ) : (
                <Inline space="space.050" alignBlock="center" shouldWrap>
                  {rowNote?.accountId === u.accountId ? <Text testId="members-row-note">{rowNote.text}</Text> : null}
                  <Button
                    key={focus.key(`remove-${u.accountId}`)}
                    autoFocus={focus.auto(`remove-${u.accountId}`)}
                    appearance="subtle"
                    onClick={() => setRemoving(u)}
                    testId={`remove-member-${u.accountId}`}
                  >
                    Remove
                  </Button>
                </Inline>
              )
            }
          />
          <OffsetPager
            start={startAt}
            shown={page.members.length}
            isLast={page.isLast}
            total={page.total}
            onMove={move}
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
  const focus = useFocusTarget<`open-${string}`>();
  const counting = useAction();
  const countMembers = async () => {
    if (!groups) return;
    const res = await counting.run(() => call('countGroupMembers', { groupIds: groups.groups.map((g) => g.groupId) }));
    if (res.ok) setCounts((c) => ({ ...c, ...res.data }));
  };
  const uncounted = groups?.groups.some((g) => counts[g.groupId] === undefined) ?? false;

  if (open)
    return (
      <GroupMembers
        key={open.groupId}
        group={open}
        onBack={(changed, activeTotal) => {
          // The page's own figure after the change is the list's count (both count active members); without
          // one, a count taken before the admin changed the membership is no longer true: it is asked again.
          if (activeTotal !== undefined) setCounts((c) => ({ ...c, [open.groupId]: activeTotal }));
          else if (changed)
            setCounts((c) => Object.fromEntries(Object.entries(c).filter(([id]) => id !== open.groupId)));
          setOpen(undefined);
          focus.focus(`open-${open.groupId}`);
        }}
      />
    );
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
                // "1,234 active members" on one line at a 1024 px window (20 % is about 190 px there); the
                // Open column holds one short button.
                { key: 'name', content: 'Group', isSortable: true, width: 36 },
                { key: 'grants', content: 'Membership grants', isSortable: true, width: 32 },
                { key: 'count', content: 'Active members', isSortable: true, width: 20 },
                { key: 'open', content: '', width: 12 },
              ],
            }}
            rows={groups.groups.map((g) => ({
              key: g.groupId,
              cells: [
                { key: g.name.toLowerCase(), content: <Text>{g.name}</Text> },
                { key: grantsWords(g), content: grantsWords(g) },
                {
                  key: counts[g.groupId] ?? -1,
                  content: counts[g.groupId] === undefined ? '—' : activeMembers(counts[g.groupId] as number),
                },
                {
                  key: `open-${g.groupId}`,
                  content: (
                    <Button
                      key={focus.key(`open-${g.groupId}`)}
                      autoFocus={focus.auto(`open-${g.groupId}`)}
                      onClick={() => setOpen(g)}
                      testId={`open-group-${g.name}`}
                    >
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
          <Text>{`Counts active members, as each group's page does; asks Jira once per group on this page (${count(groups.groups.length, 'request')}).`}</Text>
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
      {/* A bulk change makes the counts it touched stale: they are asked again (Count members). */}
      <BulkPanel onEnded={() => setCounts({})} />
    </Stack>
  );
}
