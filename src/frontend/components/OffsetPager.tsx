/**
 * Previous / next over an offset-paged list (Jira's startAt, JSM's start), with what is shown in words
 * ("1–50 of 60 groups").
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
  /** What is listed, singular and plural ("member", "members"): the text then reads "1–50 of 60 members". */
  noun?: [string, string];
}) {
  const { start, shown, isLast, total, onMove, testId } = props;
  const size = props.pageSize ?? 50;
  const range = `${shown === 0 ? 0 : start + 1}–${start + shown}`;
  const unit = (n: number) => (props.noun ? ` ${n === 1 ? props.noun[0] : props.noun[1]}` : '');
  return (
    <Inline space="space.150" alignBlock="center">
      <Button isDisabled={start === 0} onClick={() => onMove(Math.max(start - size, 0))} testId={`${testId}-prev`}>
        Previous
      </Button>
      <Text testId={`${testId}-info`}>
        {total !== undefined
          ? shown === 0
            ? `No ${props.noun?.[1] ?? 'entries'}`
            : `${range} of ${total.toLocaleString('en-US')}${unit(total)}`
          : shown === 0
            ? start === 0
              ? `No ${props.noun?.[1] ?? 'entries'}`
              : `No more ${props.noun?.[1] ?? 'entries'}`
            : `${range}${unit(2)}${isLast ? ' (end of list)' : ''}`}
      </Text>
      <Button isDisabled={isLast} onClick={() => onMove(start + shown)} testId={`${testId}-next`}>
        Next
      </Button>
    </Inline>
  );
}
