/**
 * Previous / next over an offset-paged list (Jira's startAt, JSM's start), with what is shown.
 */
import React from 'react';
import { Button, Inline, Text } from '@forge/react';

export function OffsetPager(props: {
  start: number;
  shown: number;
  isLast: boolean;
  total?: number;
  pageSize?: number;
  onMove: (start: number) => void;
  testId: string;
}) {
  const { start, shown, isLast, total, onMove, testId } = props;
  const size = props.pageSize ?? 50;
  const range = `${shown === 0 ? 0 : start + 1}–${start + shown}`;
  return (
    <Inline space="space.150" alignBlock="center">
      <Button isDisabled={start === 0} onClick={() => onMove(Math.max(start - size, 0))} testId={`${testId}-prev`}>
        Previous
      </Button>
      <Text testId={`${testId}-info`}>
        {total !== undefined ? `${range} of ${total}` : `${range}${isLast ? ' (end of list)' : ''}`}
      </Text>
      <Button isDisabled={isLast} onClick={() => onMove(start + shown)} testId={`${testId}-next`}>
        Next
      </Button>
    </Inline>
  );
}
