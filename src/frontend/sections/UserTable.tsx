/**
 * The user table: avatar, name (opens the user panel), email, type, status and the functional badge.
 */
import React from 'react';
import { Button, DynamicTable, Image, Inline, Lozenge, Text } from '@forge/react';
import type { UserRow } from '../../contract';

const HEAD = {
  cells: [
    { key: 'avatar', content: '' },
    { key: 'name', content: 'Name' },
    { key: 'email', content: 'Email' },
    { key: 'type', content: 'Type' },
    { key: 'status', content: 'Status' },
  ],
};

export function UserTable({
  users,
  onOpen,
  testId,
}: {
  users: UserRow[];
  onOpen?: (u: UserRow) => void;
  testId: string;
}) {
  const rows = users.map((u) => ({
    key: u.accountId,
    cells: [
      { key: 'avatar', content: u.avatarUrl ? <Image src={u.avatarUrl} alt="" size="xsmall" /> : '' },
      {
        key: 'name',
        content: (
          <Inline space="space.050" alignBlock="center">
            {onOpen ? (
              <Button appearance="subtle" onClick={() => onOpen(u)} testId={`open-${u.accountId}`}>
                {u.displayName}
              </Button>
            ) : (
              <Text>{u.displayName}</Text>
            )}
            {u.functional ? <Lozenge appearance="new">Functional</Lozenge> : null}
          </Inline>
        ),
      },
      { key: 'email', content: u.email ?? '—' },
      { key: 'type', content: u.accountType },
      {
        key: 'status',
        content: <Lozenge appearance={u.active ? 'success' : 'removed'}>{u.active ? 'Active' : 'Inactive'}</Lozenge>,
      },
    ],
  }));
  // No element-valued props (such as emptyView): ForgeDoc props must serialise across the bridge.
  if (rows.length === 0) return <Text testId={testId}>No users match.</Text>;
  return <DynamicTable head={HEAD} rows={rows} testId={testId} />;
}
