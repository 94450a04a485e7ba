/**
 * "Hand over": every functional account one person owns goes to a new owner in one step (on the queue
 * when there are many), each move audited. Both people are chosen with Jira's people picker, by name.
 */
import React, { useState } from 'react';
import { Button, Heading, SectionMessage, Stack, Text, UserPicker } from '@forge/react';
import { call } from '../../../../frontend/api';

interface PickedUser {
  id: string;
  name?: string;
}

export function HandOverPanel({ onDone }: { onDone?: () => void }) {
  const [from, setFrom] = useState<PickedUser | undefined>();
  const [to, setTo] = useState<PickedUser | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | undefined>();

  const handOver = async () => {
    if (!from?.id || !to?.id) return;
    setBusy(true);
    setResult(undefined);
    const res = await call('handOverAccounts', { fromAccountId: from.id, toAccountId: to.id });
    setBusy(false);
    setResult(res.ok ? { ok: true, message: res.data.message } : { ok: false, message: res.error.message });
    if (res.ok) onDone?.();
  };

  return (
    <Stack space="space.100">
      <Heading size="small">Hand over</Heading>
      <Text>Moves every functional account one person owns to a new owner in one step; each move is audited.</Text>
      <UserPicker
        label="Current owner"
        name="handover-from"
        placeholder="Search people by name"
        onChange={(u: PickedUser | undefined) => setFrom(u)}
      />
      <UserPicker
        label="New owner (an active person)"
        name="handover-to"
        placeholder="Search people by name"
        onChange={(u: PickedUser | undefined) => setTo(u)}
      />
      <Button appearance="primary" isDisabled={busy || !from?.id || !to?.id} onClick={() => void handOver()}>
        Hand over all their accounts
      </Button>
      {result ? (
        <SectionMessage
          appearance={result.ok ? 'success' : 'error'}
          title={result.ok ? 'Handed over' : 'Not handed over'}
        >
          <Text>{result.message}</Text>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}
