/**
 * The registry's additions for backups, hand-over and reminders: the owner cell (owner, backups with their
 * warnings, and "owner left" when an account was handed over), the people filters (owned by, backup
 * owner), and the line that says whether anyone is told about expiring credentials.
 */
import React, { useState } from 'react';
import { Lozenge, SectionMessage, Stack, Text, UserPicker } from '@forge/react';
import type { FunctionalAccountView, RegistryFilter } from '../../../../contract';

export function OwnerCell({ account: a }: { account: FunctionalAccountView }) {
  const warned = a.backupOwners.filter((b) => b.warnings.length > 0);
  return (
    <Stack space="space.025">
      <Text>{a.ownerName ?? 'Unknown account (deleted?)'}</Text>
      {a.backupOwners.length > 0 ? <Text>{`Backups: ${a.backupOwners.map((b) => b.name).join(', ')}`}</Text> : null}
      {warned.length > 0 ? <Lozenge appearance="moved">Check backups</Lozenge> : null}
      {a.handoverMark ? (
        <Text testId="registry-handover">
          {`${a.handoverMark.fromName ?? 'The owner'} left (${a.handoverMark.at.slice(0, 10)}): ${
            a.handoverMark.toName ? `now owned by ${a.handoverMark.toName}` : 'the owning group is responsible'
          }.`}
        </Text>
      ) : null}
    </Stack>
  );
}

interface PickedUser {
  id: string;
}

export function PeopleFilters({
  onChange,
}: {
  onChange: (f: Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>) => void;
}) {
  const [current, setCurrent] = useState<Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>>({});
  const set = (patch: Pick<RegistryFilter, 'ownerAccountId' | 'backupAccountId'>) => {
    const next = { ...current, ...patch };
    setCurrent(next);
    onChange(next);
  };
  return (
    <>
      <UserPicker
        label="Owned by"
        name="functional-filter-owner"
        placeholder="Anyone"
        onChange={(u: PickedUser | undefined) => set({ ownerAccountId: u?.id || undefined })}
      />
      <UserPicker
        label="Backup owner"
        name="functional-filter-backup"
        placeholder="Anyone"
        onChange={(u: PickedUser | undefined) => set({ backupAccountId: u?.id || undefined })}
      />
    </>
  );
}

export function RemindersLine({ reminders }: { reminders: { told: boolean; message: string } }) {
  return reminders.told ? (
    <Text testId="registry-reminders">{reminders.message}</Text>
  ) : (
    <SectionMessage appearance="warning" title="Nobody is being told">
      <Text testId="registry-reminders">{reminders.message}</Text>
    </SectionMessage>
  );
}
