/**
 * The user table: avatar, name (a button that opens the user panel, Jira's `User`, or plain text), email,
 * account type in words, status and the functional badge, and optional per-row actions. Columns sort
 * within the page (UI Kit's DynamicTable sorts by each row cell's `key`, so the keys are the sort values).
 */
import React from 'react';
import { Box, Button, DynamicTable, Image, Inline, Lozenge, Text, User, xcss } from '@forge/react';
import type { UserRow } from '../../contract';
import { accountTypeLabel } from '../words';

export type NameAs = 'button' | 'user' | 'text';

/** The table takes the page's width, whatever the names on the page. */
const fullWidth = xcss({ width: '100%' });

export function UserTable({
  users,
  onOpen,
  actions,
  nameAs,
  testId,
  label,
  emptyText,
}: {
  users: UserRow[];
  onOpen?: (u: UserRow) => void;
  /** Buttons for one row (e.g. Remove), shown in the last column. */
  actions?: (u: UserRow) => React.ReactNode;
  nameAs?: NameAs;
  testId: string;
  /** What the table lists, for assistive technology. */
  label?: string;
  /** What an empty result says ("No customers match."); "No users match." unless given. */
  emptyText?: string;
}) {
  const as: NameAs = nameAs ?? (onOpen ? 'button' : 'text');
  const head = {
    cells: [
      // Widths are percentages of the table (fixed layout, so the columns keep their place page to page).
      { key: 'avatar', content: '', width: 4 },
      { key: 'name', content: 'Name', isSortable: true, width: actions ? 30 : 34 },
      { key: 'email', content: 'Email', isSortable: true, width: actions ? 32 : 42 },
      { key: 'type', content: 'Type', isSortable: true, width: 10 },
      { key: 'status', content: 'Status', isSortable: true, width: 10 },
      ...(actions ? [{ key: 'actions', content: 'Actions', width: 14 }] : []),
    ],
  };
  const rows = users.map((u) => ({
    key: u.accountId,
    cells: [
      {
        key: `avatar-${u.accountId}`,
        content: as !== 'user' && u.avatarUrl ? <Image src={u.avatarUrl} alt="" size="xsmall" /> : '',
      },
      {
        key: u.displayName.toLowerCase(),
        content: (
          <Inline space="space.050" alignBlock="center">
            {as === 'button' && onOpen ? (
              <Button appearance="subtle" onClick={() => onOpen(u)} testId={`open-${u.accountId}`}>
                {u.displayName}
              </Button>
            ) : as === 'user' ? (
              <User accountId={u.accountId} />
            ) : (
              <Text>{u.displayName}</Text>
            )}
            {u.functional ? (
              <Lozenge appearance={u.registered === false ? 'moved' : 'new'}>
                {u.registered === false ? 'Not registered' : 'Functional'}
              </Lozenge>
            ) : null}
          </Inline>
        ),
      },
      { key: (u.email ?? '').toLowerCase(), content: u.email ?? '—' },
      { key: u.accountType, content: accountTypeLabel(u.accountType) },
      {
        key: u.active ? 'active' : u.deleted ? 'deleted' : 'inactive',
        content: (
          <Lozenge appearance={u.active ? 'success' : 'removed'}>
            {u.active ? 'Active' : u.deleted ? 'Deleted' : 'Inactive'}
          </Lozenge>
        ),
      },
      ...(actions ? [{ key: `actions-${u.accountId}`, content: actions(u) }] : []),
    ],
  }));
  // No element-valued props (such as emptyView): ForgeDoc props must serialise across the bridge.
  if (rows.length === 0) return <Text testId={testId}>{emptyText ?? 'No users match.'}</Text>;
  return (
    <Box xcss={fullWidth}>
      <DynamicTable head={head} rows={rows} testId={testId} label={label} isFixedSize />
    </Box>
  );
}
