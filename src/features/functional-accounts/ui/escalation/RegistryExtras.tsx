/**
 * The registry's additions for backups, hand-over and reminders: the owner cell (owner, backups with their
 * warnings, and "owner left" with the day, in the page's one date format, when an account was handed over),
 * the people filters (owned by, backup owner, with the app's person picker), and the line that says who is
 * told about expiring credentials.
 */
import React, { useState } from 'react';
import { Label, Lozenge, Stack, Text } from '@forge/react';
import type { FunctionalAccountView, RegistryFilter } from '../../../../contract';
import { PersonPicker } from '../../../../frontend/components/PersonPicker';
import { formatDate } from '../../../../frontend/dates';
import { useViewer } from '../../../../frontend/hooks/useViewer';

export function OwnerCell({ account: a }: { account: FunctionalAccountView }) {
  const viewer = useViewer();
  const warned = a.backupOwners.filter((b) => b.warnings.length > 0);
  return (
    <Stack space="space.025">
      <Text>{a.ownerName ?? 'Unknown account (deleted?)'}</Text>
      {a.backupOwners.length > 0 ? <Text>{`Backups: ${a.backupOwners.map((b) => b.name).join(', ')}`}</Text> : null}
      {warned.length > 0 ? <Lozenge appearance="moved">Check backups</Lozenge> : null}
      {a.handoverMark ? (
        <Text testId="registry-handover">
          {`${a.handoverMark.fromName ?? 'The owner'} left (${formatDate(a.handoverMark.at, viewer)}): ${
            a.handoverMark.toName ? `now owned by ${a.handoverMark.toName}` : 'the owning group is responsible'
          }.`}
        </Text>
      ) : null}
    </Stack>
  );
}

/**
 * "Owned by" and "Backup owner": the app's person picker (name with email and status, so same-named
 * people can be told apart), each labelled. `onActiveOnly` hears whether the last search could find active
 * people only (no directory index yet), for the registry to say so under its filters.
 */
export function PeopleFilters({
  onChange,
  onActiveOnly,
}: {
  onChange: (f: Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>) => void;
  onActiveOnly?: (on: boolean) => void;
}) {
  const [current, setCurrent] = useState<Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>>({});
  const set = (patch: Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>) => {
    const next = { ...current, ...patch };
    setCurrent(next);
    onChange(next);
  };
  return (
    <>
      <Stack space="space.050">
        <Label labelFor="functional-filter-owner-input">Owned by</Label>
        <PersonPicker
          testId="functional-filter-owner"
          inputId="functional-filter-owner-input"
          placeholder="Anyone"
          {...(onActiveOnly ? { activeOnly: onActiveOnly } : {})}
          onPick={(u) => set({ ownerAccountId: u?.accountId })}
        />
      </Stack>
      <Stack space="space.050">
        <Label labelFor="functional-filter-backup-input">Backup owner</Label>
        <PersonPicker
          testId="functional-filter-backup"
          inputId="functional-filter-backup-input"
          placeholder="Anyone"
          {...(onActiveOnly ? { activeOnly: onActiveOnly } : {})}
          onPick={(u) => set({ backupAccountId: u?.accountId })}
        />
      </Stack>
    </>
  );
}

/**
 * Whether anyone is told about expiring credentials, when they are. When nobody is, the Expiry reminders
 * panel says so (once, where a project is chosen), so the registry does not repeat it.
 */
export function RemindersLine({ reminders }: { reminders: { told: boolean; message: string } }) {
  return reminders.told ? <Text testId="registry-reminders">{reminders.message}</Text> : null;
}
