/**
 * The admin page: the site summary above one tab per section (Users, Groups, Customers, Functional
 * accounts, Audit). `jira:adminPage` with UI Kit is a single page, so sections are tabs; the open tab is
 * kept in the page's address (useTabHistory), so a reload opens it again.
 */
import React, { useState } from 'react';
import { Box, Heading, Spinner, Stack, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import type { SiteSummary } from '../contract';
import { call } from './api';
import { ErrorBanner } from './components/ErrorBanner';
import { AuditTab } from '../features/audit/ui/AuditTab';
import { CustomersTab } from '../features/customers/ui/CustomersTab';
import { FunctionalTab } from '../features/functional-accounts/ui/FunctionalTab';
import { GroupsTab } from '../features/groups/ui/GroupsTab';
import { SiteSummaryPanel } from '../features/directory-index/ui/SiteSummaryPanel';
import { UsersTab } from '../features/people/ui/UsersTab';
import { useResolver } from './hooks/useResolver';
import { useTabHistory } from './hooks/useTabHistory';

export const SECTIONS = ['Users', 'Groups', 'Customers', 'Functional accounts', 'Audit'] as const;
/** Each tab's address under the app's page, in SECTIONS order. */
const SECTION_PATHS = ['/users', '/groups', '/customers', '/functional-accounts', '/audit'] as const;

export function App() {
  const [summary] = useResolver('getSiteSummary', {});
  const [refreshed, setRefreshed] = useState<SiteSummary | undefined>(undefined);
  // Only the open tab's content is mounted, so a tab loads its data when the administrator opens it.
  const [selected, setSelected] = useTabHistory(SECTION_PATHS);
  if (summary.status === 'loading') return <Spinner label="Loading site summary" />;
  if (summary.status === 'error') return <ErrorBanner error={summary.error} />;
  const s = refreshed ?? summary.data;
  return (
    <Stack space="space.200">
      <Heading size="large">User Admin</Heading>
      <SiteSummaryPanel
        summary={s}
        onReload={() =>
          void call('getSiteSummary', {}).then((res) => {
            if (res.ok) setRefreshed(res.data);
          })
        }
        onRefresh={() =>
          void call('refreshSiteSummary', {}).then((res) => {
            if (res.ok) setRefreshed(res.data);
          })
        }
      />
      <Tabs id="sections" selected={selected} onChange={(index: number) => setSelected(index)}>
        <TabList>
          {SECTIONS.map((name) => (
            <Tab key={name}>{name}</Tab>
          ))}
        </TabList>
        <TabPanel>
          <Box paddingBlockStart="space.200">{selected === 0 ? <UsersTab /> : null}</Box>
        </TabPanel>
        <TabPanel>
          <Box paddingBlockStart="space.200">{selected === 1 ? <GroupsTab /> : null}</Box>
        </TabPanel>
        <TabPanel>
          <Box paddingBlockStart="space.200">{selected === 2 ? <CustomersTab /> : null}</Box>
        </TabPanel>
        <TabPanel>
          <Box paddingBlockStart="space.200">{selected === 3 ? <FunctionalTab /> : null}</Box>
        </TabPanel>
        <TabPanel>
          <Box paddingBlockStart="space.200">{selected === 4 ? <AuditTab /> : null}</Box>
        </TabPanel>
      </Tabs>
    </Stack>
  );
}
