/**
 * The user panel: groups, product access, time zone, locale, email and the account ID (read-only field
 * and a Copy button) of one user; add to groups (the picker leaves out the groups they have; the licence
 * warning only when one would be used) or remove from one (confirmed in a dialog), reset their issue-table
 * columns, delete them (a dialog of its own asks for their name).
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
import type { AppError, GroupSummary, UserDetails } from '../../../contract';
import { call } from '../../../frontend/api';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { LicenceConfirm } from '../../../frontend/components/LicenceConfirm';
import { useAction } from '../../../frontend/hooks/useAction';
import { useLicenceConfirmation } from '../../../frontend/hooks/useLicenceConfirmation';
import { ConfirmModal } from '../../../frontend/components/ConfirmModal';
import { copyText } from '../../../frontend/copyText';
import { accountTypeLabel, localeLabel } from '../../../frontend/words';
import { GroupPicker } from '../../../frontend/components/GroupPicker';

export function UserPanel({ accountId, onClose }: { accountId: string; onClose: () => void }) {
  const [user, setUser] = useState<UserDetails | undefined>();
  const [loadError, setLoadError] = useState<AppError | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [group, setGroup] = useState<GroupSummary | undefined>();
  const [confirmName, setConfirmName] = useState('');
  const [deleting, setDeleting] = useState(false);
  const [leaving, setLeaving] = useState<{ groupId: string; name: string } | undefined>();
  /** What the group being left grants (looked up when Remove is pressed), for the dialog's warning. */
  const [leavingGrants, setLeavingGrants] = useState<string[] | undefined>();
  const askLeave = (g: { groupId: string; name: string }) => {
    setLeaving(g);
    setLeavingGrants(undefined);
    void call('searchGroups', { query: g.name }).then((res) => {
      const found = res.ok ? res.data.groups.find((x) => x.groupId === g.groupId) : undefined;
      setLeavingGrants(found ? found.grantsProducts : []);
    });
  };
  const [copied, setCopied] = useState<boolean | undefined>();
  const [pickerKey, setPickerKey] = useState(0);
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
      // The picker starts empty again (and no longer offers the group they are now in).
      setGroup(undefined);
      setPickerKey((k) => k + 1);
      await load();
    }
  };
  const remove = async (g: { groupId: string; name: string }) => {
    const res = await action.run(() => call('removeGroupMember', { groupId: g.groupId, accountId }));
    setLeaving(undefined);
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
    setDeleting(false);
    if (res.ok) setNotice(res.data.message);
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
            <Text>{`Email: ${user.email ?? (user.emailHidden ? 'hidden by the person’s profile visibility' : '—')}`}</Text>
            <Text>{`Account: ${accountTypeLabel(user.accountType)}, ${user.active ? 'active' : 'inactive'} · Time zone: ${user.timeZone ?? '—'} · Language: ${localeLabel(user.locale)}`}</Text>
            <Label labelFor="user-account-id">Account ID</Label>
            <Inline space="space.100" alignBlock="center">
              <Textfield id="user-account-id" testId="user-account-id" value={user.accountId} isReadOnly isMonospaced />
              <Button onClick={() => void copyText(user.accountId).then(setCopied)} testId="copy-account-id">
                Copy
              </Button>
              {copied === true ? <Text>Copied</Text> : null}
              {copied === false ? <Text>Select the ID and copy it by hand</Text> : null}
            </Inline>
            <Text>{`Product access: ${user.products.map((p) => p.name).join(', ') || 'none'}`}</Text>
            <Heading size="small">{`Groups (${user.groups.length})`}</Heading>
            <Stack space="space.050">
              {user.groups.map((g) => (
                <Inline key={g.groupId} space="space.100" alignBlock="center">
                  <Lozenge>{g.name}</Lozenge>
                  <Button
                    appearance="subtle"
                    onClick={() => askLeave(g)}
                    isDisabled={action.busy}
                    testId={`remove-group-${g.name}`}
                  >
                    Remove
                  </Button>
                </Inline>
              ))}
            </Stack>
            <Label labelFor="user-panel-group-picker-input">Add to group</Label>
            <Inline space="space.100" alignBlock="center">
              <GroupPicker
                key={`group-picker-${pickerKey}`}
                testId="user-panel-group-picker"
                exclude={user.groups.map((g) => g.groupId)}
                onPick={(g) => {
                  licence.clear();
                  setNotice(undefined);
                  setGroup(g);
                }}
              />
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
          </Stack>
        ) : null}
      </ModalBody>
      <ModalFooter>
        <Button onClick={onClose}>Close</Button>
      </ModalFooter>
      <ConfirmModal
        isOpen={!!leaving}
        title={`Remove ${user?.displayName ?? ''} from ${leaving?.name ?? ''}?`}
        body={`${user?.displayName ?? ''} will no longer be a member of ${leaving?.name ?? ''}.`}
        warning={
          leavingGrants && leavingGrants.length > 0
            ? `${leaving?.name ?? ''} grants ${leavingGrants.join(', ')}: unless another of their groups does too, they lose that access and its licence is freed.`
            : undefined
        }
        confirmLabel="Remove"
        isBusy={action.busy}
        onConfirm={() => leaving && void remove(leaving)}
        onCancel={() => setLeaving(undefined)}
        testId="confirm-leave-group"
      />
      <ConfirmModal
        isOpen={deleting && !!user}
        title={`Delete ${user?.displayName ?? ''} from the site?`}
        body={`This removes ${user?.displayName ?? ''} from the site (site administrators only) and cannot be undone here. Type their display name to confirm.`}
        confirmLabel="Delete"
        isBusy={action.busy || confirmName !== user?.displayName}
        onConfirm={() => void deleteUser()}
        onCancel={() => setDeleting(false)}
        testId="confirm-delete-user"
      >
        <Label labelFor="confirm-delete">Display name</Label>
        <Textfield
          id="confirm-delete"
          testId="confirm-delete-name"
          value={confirmName}
          onChange={(e: FieldEvent) => setConfirmName(valueOf(e))}
        />
      </ConfirmModal>
    </Modal>
  );
}
