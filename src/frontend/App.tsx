/**
 * The admin page: the site summary above one tab per section (Users, Groups, Customers, Functional
 * accounts, Audit). `jira:adminPage` with UI Kit is a single page, so sections are tabs.
 */
import React from 'react';
import { Heading, Spinner, Stack, Tab, TabList, TabPanel, Tabs, Text } from '@forge/react';
import { ErrorBanner } from './ErrorBanner';
import { SiteSummaryPanel } from './sections/SiteSummaryPanel';
import { useResolver } from './useResolver';

export const SECTIONS = ['Users', 'Groups', 'Customers', 'Functional accounts', 'Audit'] as const;

export function App() {
  const [summary] = useResolver('getSiteSummary', {});
  if (summary.status === 'loading') return <Spinner label="Loading site summary" />;
  if (summary.status === 'error') return <ErrorBanner error={summary.error} />;
  const s = summary.data;
  return (
    <Stack space="space.200">
      <Heading size="large">User Admin</Heading>
      <SiteSummaryPanel summary={s} />
      <Tabs id="sections">
        <TabList>
          {SECTIONS.map((name) => (
            <Tab key={name}>{name}</Tab>
          ))}
        </TabList>
        <TabPanel>
          <Text>{`${s.users.total} accounts: ${s.users.byType.atlassian} Atlassian, ${s.users.byType.app} app, ${s.users.byType.customer} customer; ${s.users.active} active.`}</Text>
        </TabPanel>
        <TabPanel>
          <Text>{`${s.groups} groups on this site.`}</Text>
        </TabPanel>
        <TabPanel>
          <Text>{`${s.serviceDesks} service desks on this site.`}</Text>
        </TabPanel>
        <TabPanel>
          <Text>Functional account tracking is not available in this version yet.</Text>
        </TabPanel>
        <TabPanel>
          <Text>The audit log is not available in this version yet.</Text>
        </TabPanel>
      </Tabs>
    </Stack>
  );
}
