/**
 * Resolve many at once: paste emails, account IDs or legacy usernames/keys; see which resolved to whom and
 * which could not, and why.
 */
import React, { useState } from 'react';
import { Button, DynamicTable, Heading, Label, Lozenge, Stack, TextArea } from '@forge/react';
import type { ResolvedIdentifier } from '../../contract';
import { call } from '../api';
import { type FieldEvent, valueOf } from '../events';
import { ErrorBanner } from '../ErrorBanner';
import { useAction } from '../useAction';

export function ResolvePanel({ onResolved }: { onResolved?: (rows: ResolvedIdentifier[]) => void }) {
  const [text, setText] = useState('');
  const [rows, setRows] = useState<ResolvedIdentifier[] | undefined>();
  const action = useAction();
  const resolve = async () => {
    const res = await action.run(() => call('resolveIdentifiers', { text }));
    if (res.ok) {
      setRows(res.data);
      onResolved?.(res.data);
    }
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Resolve a list</Heading>
      <Label labelFor="resolve-text">Emails, account IDs or legacy usernames, one per line</Label>
      <TextArea
        id="resolve-text"
        testId="resolve-text"
        value={text}
        onChange={(e: FieldEvent) => setText(valueOf(e))}
      />
      <Button onClick={() => void resolve()} isDisabled={!text.trim() || action.busy} testId="resolve-button">
        Resolve
      </Button>
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {rows ? (
        <DynamicTable
          testId="resolve-results"
          head={{
            cells: [
              { key: 'input', content: 'Input' },
              { key: 'result', content: 'Result' },
              { key: 'account', content: 'Account' },
            ],
          }}
          rows={rows.map((r, i) => ({
            key: `${i}`,
            cells: [
              { key: 'input', content: r.input },
              {
                key: 'result',
                content: r.accountId ? (
                  <Lozenge appearance="success">{`found by ${r.how}`}</Lozenge>
                ) : (
                  <Lozenge appearance="removed">not found</Lozenge>
                ),
              },
              { key: 'account', content: r.accountId ? `${r.displayName ?? ''} ${r.accountId}` : (r.problem ?? '') },
            ],
          }))}
        />
      ) : null}
    </Stack>
  );
}
