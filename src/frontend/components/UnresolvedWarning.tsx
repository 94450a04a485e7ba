/**
 * Lists the pasted entries that could not be resolved to accounts and so were left out, one per line.
 */
import React from 'react';
import { SectionMessage, Stack, Text } from '@forge/react';
import { count } from '../words';

export function UnresolvedWarning({ entries, testId }: { entries: string[]; testId: string }) {
  if (entries.length === 0) return null;
  return (
    <SectionMessage appearance="warning" title={`Left out: ${count(entries.length, 'line')} could not be resolved`}>
      <Stack space="space.050" testId={testId}>
        {entries.map((e) => (
          <Text key={e}>{e}</Text>
        ))}
      </Stack>
    </SectionMessage>
  );
}
