/**
 * Lists the pasted entries that could not be resolved to accounts and so were left out.
 */
import React from 'react';
import { SectionMessage, Text } from '@forge/react';

export function UnresolvedWarning({ entries, testId }: { entries: string[]; testId: string }) {
  if (entries.length === 0) return null;
  return (
    <SectionMessage appearance="warning" title="Left out: could not be resolved">
      <Text testId={testId}>{entries.join('; ')}</Text>
    </SectionMessage>
  );
}
