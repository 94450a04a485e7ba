/**
 * The fields a functional account's registration holds — owner (a person, chosen with the app's person
 * picker, which tells same-named people apart by email and status), owning
 * group, purpose, integration and role — shared by the register, create and edit forms. Choosing an owner
 * asks the app what to warn about (another functional account, an inactive person, not a person), and
 * `missingFields` says which required fields are still empty, so a disabled button can say why.
 */
import React, { useState } from 'react';
import { Label, SectionMessage, Select, Stack, Text, Textfield } from '@forge/react';
import type { GroupSummary, RoleView, UserRow } from '../../../contract';
import { call } from '../../../frontend/api';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { PersonPicker } from '../../../frontend/components/PersonPicker';
import { BackupOwnersField } from './BackupOwnersField';

export interface FunctionalFieldValues {
  ownerAccountId?: string;
  /** Up to three backup owners (BackupOwnersField); undefined leaves them as they are on edit. */
  backupOwnerAccountIds?: string[];
  owningGroup?: GroupSummary;
  purpose: string;
  integration: string;
  roleId?: string;
}

export const EMPTY_FIELDS: FunctionalFieldValues = { purpose: '', integration: '' };

/** The labels of required fields that are still empty, in form order. */
export function missingFields(v: FunctionalFieldValues, extra: Array<[string, boolean]> = []): string[] {
  return [
    ...extra.filter(([, filled]) => !filled).map(([label]) => label),
    ...(
      [
        ['owner', !!v.ownerAccountId],
        ['owning group', !!v.owningGroup],
        ['purpose', !!v.purpose.trim()],
        ['integration', !!v.integration.trim()],
      ] as Array<[string, boolean]>
    )
      .filter(([, filled]) => !filled)
      .map(([label]) => label),
  ];
}

/** "Fill in the owner and purpose to register." — or nothing when all is there. */
export function missingHint(missing: string[], verb: string): string | undefined {
  if (missing.length === 0) return undefined;
  const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
  return `Fill in the ${list} to ${verb}.`;
}

export function textField(id: string, label: string, value: string, set: (v: string) => void) {
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{label}</Label>
      <Textfield id={id} testId={id} value={value} onChange={(e: FieldEvent) => set(valueOf(e))} />
    </Stack>
  );
}

/** A person already chosen (editing): account ID and the name the page shows. */
export interface KnownPerson {
  accountId: string;
  name: string;
}

export function FunctionalFields({
  idPrefix,
  value,
  onChange,
  roles,
  roleLabel = 'Role (optional)',
  initialOwner,
  initialGroup,
  initialBackups,
}: {
  idPrefix: string;
  value: FunctionalFieldValues;
  onChange: (v: FunctionalFieldValues) => void;
  roles: RoleView[];
  roleLabel?: string;
  /** The owner to show first (edit). */
  initialOwner?: KnownPerson;
  initialGroup?: GroupSummary;
  /** The backups to show first (edit). */
  initialBackups?: KnownPerson[];
}) {
  const [warnings, setWarnings] = useState<string[]>([]);
  const set = (patch: Partial<FunctionalFieldValues>) => onChange({ ...value, ...patch });
  const pickOwner = async (user: UserRow | undefined) => {
    set({ ownerAccountId: user?.accountId });
    setWarnings([]);
    if (!user) return;
    const res = await call('checkFunctionalOwner', { accountId: user.accountId });
    setWarnings(res.ok ? res.data.warnings : [res.error.message]);
  };
  const roleOptions = roles.map((r) => ({ label: r.name, value: r.roleId }));
  return (
    <Stack space="space.100">
      <Stack space="space.050">
        <Label labelFor={`${idPrefix}-owner-input`}>Owner (the person who answers for this account)</Label>
        <PersonPicker
          testId={`${idPrefix}-owner`}
          inputId={`${idPrefix}-owner-input`}
          placeholder="Search people by name or email"
          isRequired
          initial={initialOwner}
          onPick={(u) => void pickOwner(u)}
        />
      </Stack>
      {warnings.length > 0 ? (
        <SectionMessage appearance="warning" title="Check the owner">
          <Stack space="space.050">
            {warnings.map((w) => (
              <Text key={w} testId={`${idPrefix}-owner-warning`}>
                {w}
              </Text>
            ))}
          </Stack>
        </SectionMessage>
      ) : null}
      <BackupOwnersField
        idPrefix={idPrefix}
        ownerAccountId={value.ownerAccountId}
        initial={initialBackups}
        onChange={(backupOwnerAccountIds) => set({ backupOwnerAccountIds })}
      />
      <Stack space="space.050">
        <Label labelFor={`${idPrefix}-owning-group-input`}>
          Owning group (keeps the account owned when people leave)
        </Label>
        <GroupPicker
          testId={`${idPrefix}-owning-group`}
          inputId={`${idPrefix}-owning-group-input`}
          placeholder="Search groups"
          initial={initialGroup}
          onPick={(g) => set({ owningGroup: g })}
        />
      </Stack>
      {textField(`${idPrefix}-purpose`, 'Purpose', value.purpose, (purpose) => set({ purpose }))}
      {textField(
        `${idPrefix}-integration`,
        'Integration (the tool or service it runs)',
        value.integration,
        (integration) => set({ integration }),
      )}
      <Stack space="space.050">
        <Label labelFor={`${idPrefix}-role-input`}>{roleLabel}</Label>
        <Select
          inputId={`${idPrefix}-role-input`}
          testId={`${idPrefix}-role`}
          placeholder={roles.length > 0 ? 'Choose a role' : 'No roles yet: define one under Roles'}
          isClearable
          options={roleOptions}
          value={roleOptions.find((o) => o.value === value.roleId) ?? null}
          onChange={(o: { value: string } | null) => set({ roleId: o?.value })}
        />
      </Stack>
    </Stack>
  );
}
