/**
 * The warning shown before a change that consumes licences, with the button that goes ahead anyway.
 */
import React from 'react';
import { Button, SectionMessage, Stack, Text } from '@forge/react';

export function LicenceConfirm({
  message,
  onConfirm,
  testId,
  label = 'Add anyway',
}: {
  message: string;
  onConfirm: () => void;
  testId: string;
  label?: string;
}) {
  return (
    <SectionMessage appearance="warning" title="This uses licences">
      <Stack space="space.100">
        <Text>{message}</Text>
        <Button appearance="warning" onClick={onConfirm} testId={testId}>
          {label}
        </Button>
      </Stack>
    </SectionMessage>
  );
}
