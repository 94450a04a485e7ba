/**
 * The site summary: who is signed in and the size of the site (users by type, groups, service desks),
 * from the background snapshot with its "as of" time and a refresh action. While a snapshot is being
 * built the panel says so and looks again every few seconds.
 */
import React, { useEffect } from 'react';
import { Box, Button, Heading, Inline, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import type { SiteSummary } from '../../../contract';
import { formatDateTime } from '../../../frontend/dates';
import { useViewer } from '../../../frontend/hooks/useViewer';

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

export function SiteSummaryPanel({
  summary,
  onReload,
  onRefresh,
}: {
  summary: SiteSummary;
  /** Reads the summary again (polling while a snapshot is built). */
  onReload?: () => void;
  /** Asks for a new snapshot. */
  onRefresh?: () => void;
}) {
  const { snapshot } = summary;
  const viewer = useViewer();
  useEffect(() => {
    if (!snapshot.building || !onReload) return undefined;
    const timer = setTimeout(onReload, 3000);
    return () => clearTimeout(timer);
  }, [snapshot.building, onReload]);
  return (
    <Stack space="space.100">
      <Text>
        Signed in as <Lozenge appearance="inprogress">{summary.caller.displayName}</Lozenge>
      </Text>
      {summary.users ? (
        <Inline space="space.200">
          <Figure label="users" value={summary.users.total} testId="summary-users" />
          <Figure label="active" value={summary.users.active} testId="summary-active" />
          <Figure label="customers" value={summary.users.byType.customer} testId="summary-customers" />
          <Figure label="app users" value={summary.users.byType.app} testId="summary-apps" />
          <Figure label="groups" value={summary.groups ?? 0} testId="summary-groups" />
          <Figure label="service desks" value={summary.serviceDesks ?? 0} testId="summary-desks" />
        </Inline>
      ) : null}
      <Inline space="space.100" alignBlock="center">
        <Text testId="summary-as-of">
          {snapshot.asOf ? `Counts as of ${formatDateTime(snapshot.asOf, viewer)}.` : 'No counts yet.'}
          {snapshot.building ? ` ${snapshot.progress ?? 'A new snapshot is being built.'}` : ''}
        </Text>
        {onRefresh && !snapshot.building ? (
          <Button appearance="subtle" onClick={onRefresh} testId="summary-refresh">
            Refresh counts
          </Button>
        ) : null}
      </Inline>
      {snapshot.asOf && (snapshot.reconciled || snapshot.changesSince) ? (
        <Text testId="summary-freshness">
          {`${snapshot.changesSince ? `${snapshot.changesSince} ${snapshot.changesSince === 1 ? 'account' : 'accounts'} changed since then, already shown. ` : ''}${snapshot.reconciled ? `The last reconciliation with Jira corrected ${snapshot.reconciled.corrected} ${snapshot.reconciled.corrected === 1 ? 'entry' : 'entries'}.` : ''}`}
        </Text>
      ) : null}
      {!snapshot.asOf ? (
        <SectionMessage appearance="information" title="Building the directory index">
          <Text>
            The app is reading the directory in the background (it takes a while on large sites). Until it is done,
            filters read Jira page by page, name and email search find active people only, and pasted emails are
            resolved 50 at a time.
          </Text>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}
