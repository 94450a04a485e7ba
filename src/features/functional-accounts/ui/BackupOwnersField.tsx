/**
 * Up to three backup owners for a functional account, each chosen with Jira's own people picker, with
 * warnings in words when a backup is the owner, inactive, another functional account or not a person.
 * Backups are told with the owner at every reminder and inherit the account when the owner leaves.
 */
import React, { useState } from 'react';
import { SectionMessage, Stack, Text, UserPicker } from '@forge/react';
import { MAX_BACKUP_OWNERS } from '../../../contract';
import { call } from '../../../frontend/api';

interface PickedUser {
  id: string;
  name?: string;
}

export function BackupOwnersField({
  idPrefix,
  ownerAccountId,
  initial = [],
  onChange,
}: {
  idPrefix: string;
  ownerAccountId?: string;
  /** Account IDs of the backups to show first (edit). */
  initial?: string[];
  onChange: (accountIds: string[]) => void;
}) {
  const [picked, setPicked] = useState<Array<string | undefined>>(
    Array.from({ length: MAX_BACKUP_OWNERS }, (_, i) => initial[i]),
  );
  const [warnings, setWarnings] = useState<Record<number, string[]>>({});

  const pick = async (slot: number, user: PickedUser | undefined) => {
    const next = [...picked];
    next[slot] = user?.id;
    setPicked(next);
    onChange(next.filter((id): id is string => !!id));
    if (!user?.id) return setWarnings((w) => ({ ...w, [slot]: [] }));
    const own: string[] = [];
    const name = user.name ?? 'This person';
    if (user.id === ownerAccountId) own.push(`${name} is already the owner: choose someone else as a backup.`);
    if (next.filter((id) => id === user.id).length > 1) own.push(`${name} is already a backup owner.`);
    const res = await call('checkFunctionalOwner', { accountId: user.id });
    const server = res.ok ? res.data.warnings : [res.error.message];
    setWarnings((w) => ({ ...w, [slot]: [...own, ...server] }));
  };

  return (
    <Stack space="space.100">
      {picked.map((id, slot) => (
        <Stack key={slot} space="space.050">
          <UserPicker
            label={`Backup owner ${slot + 1} (optional)`}
            name={`${idPrefix}-backup-${slot + 1}`}
            placeholder="Search people by name"
            description={
              slot === 0 ? 'Backups are told with the owner and take over when the owner leaves.' : undefined
            }
            {...(id ? { defaultValue: id } : {})}
            onChange={(u: PickedUser | undefined) => void pick(slot, u)}
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
