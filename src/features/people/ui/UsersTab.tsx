/**
 * The Users tab: search as you type (debounced) by name or email, list everyone page by page, filter by
 * status, account type, group, product access and functional; open a user's panel; resolve a pasted list.
 * Paging is honest: Jira's 1,000-result search cap is shown, never hidden.
 */
import React, { useState } from 'react';
import {
  Button,
  Checkbox,
  Inline,
  Label,
  ModalTransition,
  SectionMessage,
  Select,
  Spinner,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { GroupSummary, UserFilters, UserRow } from '../../../contract';
import { type FieldEvent, valueOf, checkedOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { useCursorPages } from '../../../frontend/hooks/useCursorPages';
import { useDebounced } from '../../../frontend/hooks/useDebounced';
import { useResolver } from '../../../frontend/hooks/useResolver';
import { GroupPicker } from '../../../frontend/components/GroupPicker';
import { ResolvePanel } from './ResolvePanel';
import { UserPanel } from './UserPanel';
import { UserTable } from '../../../frontend/components/UserTable';
import { count } from '../../../frontend/words';

/** "Any status", "Any type": a filter set back to any reads as it did before it was ever set. */
const any = (what: string) => ({ label: `Any ${what}`, value: '' });
const STATUS = [any('status'), { label: 'Active', value: 'active' }, { label: 'Inactive', value: 'inactive' }];
const TYPES = [
  any('type'),
  { label: 'Person', value: 'atlassian' },
  { label: 'App', value: 'app' },
  { label: 'Customer', value: 'customer' },
];

export function UsersTab() {
  const [input, setInput] = useState('');
  const query = useDebounced(input, 300);
  const [filters, setFilters] = useState<UserFilters>({});
  const [group, setGroup] = useState<GroupSummary | undefined>();
  const [open, setOpen] = useState<UserRow | undefined>();
  const [products] = useResolver('listProducts', {});
  const effective: UserFilters = { ...filters, ...(group ? { groupId: group.groupId } : {}) };
  const pages = useCursorPages(JSON.stringify({ query, effective }));
  const [result] = useResolver('listUsers', { query, filters: effective, cursor: pages.cursor });
  const page = result.status === 'ready' ? result.data : undefined;

  const set = (patch: Partial<UserFilters>) => setFilters((f) => ({ ...f, ...patch }));
  const productOptions = [
    any('product'),
    ...(products.status === 'ready' ? products.data.map((p) => ({ label: p.name, value: p.key })) : []),
  ];

  return (
    <Stack space="space.200">
      <Label labelFor="user-search">Search by name or email (type func for functional accounts)</Label>
      <Textfield
        id="user-search"
        testId="user-search"
        placeholder="Name or email"
        value={input}
        onChange={(e: FieldEvent) => setInput(valueOf(e))}
      />
      <Inline space="space.150" shouldWrap alignBlock="end">
        <Stack space="space.050">
          <Label labelFor="filter-status-input">Status</Label>
          <Select
            testId="filter-status"
            inputId="filter-status-input"
            placeholder="Any status"
            options={STATUS}
            value={STATUS.find((o) => o.value === (filters.status ?? ''))}
            onChange={(o: { value: string } | null) =>
              set({ status: (o?.value || undefined) as UserFilters['status'] })
            }
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="filter-type-input">Account type</Label>
          <Select
            testId="filter-type"
            inputId="filter-type-input"
            placeholder="Any type"
            options={TYPES}
            value={TYPES.find((o) => o.value === (filters.accountType ?? ''))}
            onChange={(o: { value: string } | null) =>
              set({ accountType: (o?.value || undefined) as UserFilters['accountType'] })
            }
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="filter-product-input">Product access</Label>
          <Select
            testId="filter-product"
            inputId="filter-product-input"
            placeholder="Any product"
            options={productOptions}
            value={productOptions.find((o) => o.value === (filters.product ?? ''))}
            onChange={(o: { value: string } | null) => set({ product: o?.value || undefined })}
          />
        </Stack>
        <Stack space="space.050">
          <Label labelFor="filter-group-input">Member of group</Label>
          <GroupPicker testId="filter-group" placeholder="Any group" onPick={setGroup} />
        </Stack>
        <Checkbox
          testId="filter-functional"
          label="Functional only"
          isChecked={!!filters.functional}
          onChange={(e: FieldEvent) => set({ functional: checkedOf(e) || undefined })}
        />
      </Inline>
      {result.status === 'error' ? <ErrorBanner error={result.error} /> : null}
      {page?.searchCapReached ? (
        <SectionMessage appearance="warning" title="Jira stops at 1,000 matches">
          <Text>Jira's user search returns at most the first 1,000 matches. Narrow the search to see the others.</Text>
        </SectionMessage>
      ) : null}
      {page?.notice ? (
        <SectionMessage appearance="information">
          <Text testId="users-notice">{page.notice}</Text>
        </SectionMessage>
      ) : null}
      {result.status === 'loading' ? <Spinner label="Loading users" /> : null}
      {page ? <UserTable users={page.users} onOpen={setOpen} testId="user-table" /> : null}
      {page ? (
        <Inline space="space.150" alignBlock="center">
          <Button isDisabled={!pages.canGoBack} onClick={pages.back} testId="users-prev">
            Previous
          </Button>
          <Text testId="users-page-info">{`Page ${pages.pageNumber} · ${page.users.length === 0 ? 'no users' : count(page.users.length, 'user')}${page.nextCursor ? '' : ' · end of the list'}`}</Text>
          <Button isDisabled={!page.nextCursor} onClick={() => pages.forward(page.nextCursor)} testId="users-next">
            Next
          </Button>
        </Inline>
      ) : null}
      <ResolvePanel />
      <ModalTransition>
        {open ? <UserPanel accountId={open.accountId} onClose={() => setOpen(undefined)} /> : null}
      </ModalTransition>
    </Stack>
  );
}
