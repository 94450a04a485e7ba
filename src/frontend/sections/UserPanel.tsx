/**
 * The user panel: groups, product access, time zone, locale and email of one user; add to / remove from
 * groups (with the licence warning), reset their issue-table columns, delete them (with confirmation).
 */
import React, { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Heading,
  Inline,
  Label,
  Lozenge,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  SectionMessage,
  Spinner,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { AppError, GroupSummary, UserDetails } from '../../contract';
import { call } from '../api';
import { type FieldEvent, valueOf } from '../events';
import { ErrorBanner } from '../ErrorBanner';
import { LicenceConfirm } from '../LicenceConfirm';
import { useAction } from '../useAction';
import { useLicenceConfirmation } from '../useLicenceConfirmation';
import { GroupPicker } from './GroupPicker';

export function UserPanel({ accountId, onClose }: { accountId: string; onClose: () => void }) {
  const [user, setUser] = useState<UserDetails | undefined>();
  const [loadError, setLoadError] = useState<AppError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [group, setGroup] = useState<GroupSummary | undefined>();
  const [confirmName, setConfirmName] = useState('');
  const [deleting, setDeleting] = useState(false);
  const action = useAction();
  const licence = useLicenceConfirmation(action);

  const load = useCallback(async () => {
    const res = await call('getUserDetails', { accountId });
    if (res.ok) setUser(res.data);
    else setLoadError(res.error);
  }, [accountId]);
  useEffect(() => {
    void load();
  }, [load]);

  const add = async (confirmLicence: boolean) => {
    if (!group) return;
    const res = await licence.attempt(() =>
      call('addGroupMember', { groupId: group.groupId, accountId, confirmLicence }),
    );
    if (res?.ok) {
      setNotice(`${group.name}: ${res.data.message}`);
      await load();
    }
  };
  const remove = async (g: { groupId: string; name: string }) => {
    const res = await action.run(() => call('removeGroupMember', { groupId: g.groupId, accountId }));
    if (res.ok) {
      setNotice(`${g.name}: ${res.data.message}`);
      await load();
    }
  };
  const resetColumns = async () => {
    const res = await action.run(() => call('resetUserColumns', { accountId }));
    if (res.ok) setNotice(res.data.message);
  };
  const deleteUser = async () => {
    const res = await action.run(() => call('deleteUser', { accountId, confirm: confirmName }));
    if (res.ok) {
      setNotice(res.data.message);
      setDeleting(false);
    }
  };

  return (
    <Modal onClose={onClose} width="large" testId="user-panel">
      <ModalHeader>
        <ModalTitle>{user?.displayName ?? 'User'}</ModalTitle>
      </ModalHeader>
      <ModalBody>
        {loadError ? <ErrorBanner error={loadError} /> : null}
        {!user && !loadError ? <Spinner label="Loading user" /> : null}
        {user ? (
          <Stack space="space.150">
            {notice ? (
              <SectionMessage appearance="success">
                <Text>{notice}</Text>
              </SectionMessage>
            ) : null}
            {action.error ? <ErrorBanner error={action.error} /> : null}
            <Text>{`Email: ${user.email ?? '—'}`}</Text>
            <Text>{`Account: ${user.accountType}, ${user.active ? 'active' : 'inactive'} · Time zone: ${user.timeZone ?? '—'} · Locale: ${user.locale ?? '—'}`}</Text>
            <Text>{`Product access: ${user.products.map((p) => p.name).join(', ') || 'none'}`}</Text>
            <Heading size="small">{`Groups (${user.groups.length})`}</Heading>
            <Stack space="space.050">
              {user.groups.map((g) => (
                <Inline key={g.groupId} space="space.100" alignBlock="center">
                  <Lozenge>{g.name}</Lozenge>
                  <Button
                    appearance="subtle"
                    onClick={() => void remove(g)}
                    isDisabled={action.busy}
                    testId={`remove-group-${g.name}`}
                  >
                    Remove
                  </Button>
                </Inline>
              ))}
            </Stack>
            <Label labelFor="add-group">Add to group</Label>
            <Inline space="space.100" alignBlock="center">
              <GroupPicker testId="user-panel-group-picker" onPick={setGroup} />
              <Button
                appearance="primary"
                isDisabled={!group || action.busy}
                onClick={() => void add(false)}
                testId="user-panel-add-group"
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
            <Inline space="space.100">
              <Button onClick={() => void resetColumns()} isDisabled={action.busy} testId="reset-columns">
                Reset issue columns
              </Button>
              <Button
                appearance="danger"
                onClick={() => setDeleting(true)}
                isDisabled={action.busy}
                testId="delete-user"
              >
                Delete user…
              </Button>
            </Inline>
            {deleting ? (
              <SectionMessage appearance="error" title="Delete this user from the site?">
                <Stack space="space.100">
                  <Text>{`This removes ${user.displayName} from the site (site administrators only). Type their display name to confirm.`}</Text>
                  <Textfield
                    id="confirm-delete"
                    testId="confirm-delete-name"
                    value={confirmName}
                    onChange={(e: FieldEvent) => setConfirmName(valueOf(e))}
                  />
                  <Button
                    appearance="danger"
                    isDisabled={confirmName !== user.displayName || action.busy}
                    onClick={() => void deleteUser()}
                    testId="confirm-delete"
                  >
                    Delete
                  </Button>
                </Stack>
              </SectionMessage>
            ) : null}
          </Stack>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <Button onClick={onClose}>Close</Button>
      </ModalFooter>
    </Modal>
  );
}
