/**
 * Up to three backup owners for a functional account, each chosen with the app's person picker (name with
 * email and status, so same-named people can be told apart), with
 * warnings in words when a backup is the owner, inactive, another functional account or not a person.
 * Backups are told with the owner at every reminder and inherit the account when the owner leaves.
 */
import React, { useState } from 'react';
import { Label, SectionMessage, Stack, Text } from '@forge/react';
import { MAX_BACKUP_OWNERS, type UserRow } from '../../../contract';
import { call } from '../../../frontend/api';
import { PersonPicker } from '../../../frontend/components/PersonPicker';
import type { KnownPerson } from './FunctionalFields';

export function BackupOwnersField({
  idPrefix,
  ownerAccountId,
  initial = [],
  onChange,
}: {
  idPrefix: string;
  ownerAccountId?: string;
  /** The backups to show first (edit). */
  initial?: KnownPerson[];
  onChange: (accountIds: string[]) => void;
}) {
  const [picked, setPicked] = useState<Array<string | undefined>>(
    Array.from({ length: MAX_BACKUP_OWNERS }, (_, i) => initial[i]?.accountId),
  );
  const [warnings, setWarnings] = useState<Record<number, string[]>>({});

  const pick = async (slot: number, user: UserRow | undefined) => {
    const next = [...picked];
    next[slot] = user?.accountId;
    setPicked(next);
    onChange(next.filter((id): id is string => !!id));
    if (!user) return setWarnings((w) => ({ ...w, [slot]: [] }));
    const own: string[] = [];
    const name = user.displayName;
    if (user.accountId === ownerAccountId) own.push(`${name} is already the owner: choose someone else as a backup.`);
    if (next.filter((id) => id === user.accountId).length > 1) own.push(`${name} is already a backup owner.`);
    const res = await call('checkFunctionalOwner', { accountId: user.accountId });
    const server = res.ok ? res.data.warnings : [res.error.message];
    setWarnings((w) => ({ ...w, [slot]: [...own, ...server] }));
  };

  return (
    <Stack space="space.100">
      <Text>Backups are told with the owner and take over when the owner leaves.</Text>
      {picked.map((_, slot) => (
        <Stack key={slot} space="space.050">
          <Label labelFor={`${idPrefix}-backup-${slot + 1}-input`}>{`Backup owner ${slot + 1} (optional)`}</Label>
          <PersonPicker
            testId={`${idPrefix}-backup-${slot + 1}`}
            inputId={`${idPrefix}-backup-${slot + 1}-input`}
            placeholder="Search people by name or email"
            initial={initial[slot]}
            onPick={(u) => void pick(slot, u)}
          />
          {(warnings[slot] ?? []).length > 0 ? (
            <SectionMessage appearance="warning" title={`Check backup owner ${slot + 1}`}>
              <Stack space="space.050">
                {(warnings[slot] ?? []).map((w) => (
                  <Text key={w} testId={`${idPrefix}-backup-warning`}>
                    {w}
                  </Text>
                ))}
              </Stack>
            </SectionMessage>
          ) : null}
        </Stack>
      ))}
    </Stack>
  );
}
