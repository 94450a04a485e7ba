/**
 * The site summary: who is signed in and the size of the site (users by type, groups, service desks).
 */
import React from 'react';
import { Box, Heading, Inline, Lozenge, Stack, Text } from '@forge/react';
import type { SiteSummary } from '../../contract';

function Figure({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Box padding="space.100" testId={testId}>
      <Stack space="space.050">
        <Heading size="medium">{String(value)}</Heading>
        <Text>{label}</Text>
      </Stack>
    </Box>
  );
}

export function SiteSummaryPanel({ summary }: { summary: SiteSummary }) {
  return (
    <Stack space="space.100">
      <Text>
        Signed in as <Lozenge appearance="inprogress">{summary.caller.displayName}</Lozenge>
      </Text>
      <Inline space="space.200">
        <Figure label="users" value={summary.users.total} testId="summary-users" />
        <Figure label="active" value={summary.users.active} testId="summary-active" />
        <Figure label="customers" value={summary.users.byType.customer} testId="summary-customers" />
        <Figure label="app users" value={summary.users.byType.app} testId="summary-apps" />
        <Figure label="groups" value={summary.groups} testId="summary-groups" />
        <Figure label="service desks" value={summary.serviceDesks} testId="summary-desks" />
      </Inline>
    </Stack>
  );
}
