/**
 * Roles, in their own view of the Functional accounts tab: named sets of groups to create accounts with,
 * each with what its groups grant and every warning in full (wrapped text, never cut off), and the form to
 * define one. After a save the form starts empty and focus goes back to its name field.
 */
import React, { useState } from 'react';
import { Button, Heading, Inline, Label, SectionMessage, Stack, Text, Textfield } from '@forge/react';
import type { GroupSummary, RoleView } from '../../../contract';
import { call } from '../../../frontend/api';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { useAction } from '../../../frontend/hooks/useAction';
import { useFocusTarget } from '../../../frontend/hooks/useFocusTarget';

export function Roles({ roles, onChanged }: { roles: RoleView[]; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [picked, setPicked] = useState<GroupSummary | undefined>();
  const [formKey, setFormKey] = useState(0);
  const [notice, setNotice] = useState<string | undefined>();
  const focus = useFocusTarget<'name'>();
  const action = useAction();
  const save = async () => {
    const res = await action.run(() => call('saveRole', { name, groupIds: groups.map((g) => g.groupId) }));
    if (res.ok) {
      setNotice(`Saved the role ${res.data.name}.`);
      setName('');
      setGroups([]);
      setPicked(undefined);
      setFormKey((k) => k + 1);
      focus.focus('name');
      onChanged();
    }
  };
  return (
    <Stack space="space.150">
      <Heading size="small">Roles</Heading>
      {roles.length === 0 ? <Text>No roles yet. A role is a named set of groups to create accounts with.</Text> : null}
      <Stack space="space.150" testId="role-list">
        {roles.map((r) => (
          <Stack key={r.roleId} space="space.050">
            <Text>{`${r.name}: ${r.groups.map((g) => g.name).join(', ')}`}</Text>
            {r.warnings.length > 0 ? (
              <SectionMessage appearance="warning">
                <Stack space="space.050">
                  {r.warnings.map((w) => (
                    <Text key={w} testId="role-warning">
                      {w}
                    </Text>
                  ))}
                </Stack>
              </SectionMessage>
            ) : null}
          </Stack>
        ))}
      </Stack>
      <Heading size="xsmall">Define a role</Heading>
      <Inline space="space.150" alignBlock="end" shouldWrap>
        <Stack space="space.050">
          <Label labelFor="role-name">New role</Label>
          <Textfield
            key={focus.key('name')}
            autoFocus={focus.auto('name')}
            id="role-name"
            testId="role-name"
            value={name}
            onChange={(e: FieldEvent) => {
              setNotice(undefined);
              setName(valueOf(e));
            }}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="role-group-picker-input">Group</Label>
          <GroupPicker key={formKey} testId="role-group-picker" inputId="role-group-picker-input" onPick={setPicked} />
        </Stack>
        <Button
          isDisabled={!picked}
          onClick={() => picked && setGroups((g) => (g.some((x) => x.groupId === picked.groupId) ? g : [...g, picked]))}
          testId="role-add-group"
        >
          Add group
        </Button>
        <Button
          appearance="primary"
          isDisabled={!name || groups.length === 0 || action.busy}
          onClick={() => void save()}
          testId="role-save"
        >
          Save role
        </Button>
      </Inline>
      <Text>
        {groups.length > 0 ? `Groups: ${groups.map((g) => g.name).join(', ')}` : 'Pick the groups the role grants.'}
      </Text>
      {notice ? <Text testId="role-notice">{notice}</Text> : null}
      {action.error ? <ErrorBanner error={action.error} /> : null}
    </Stack>
  );
}
