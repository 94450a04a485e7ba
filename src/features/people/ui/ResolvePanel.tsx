/**
 * Resolve many at once: paste emails, account IDs or legacy usernames/keys; see which resolved to whom and
 * which could not, and why. Names come first; the account ID is shown as code, ready to copy.
 */
import React, { useState } from 'react';
import { Button, Code, DynamicTable, Heading, Inline, Label, Lozenge, Stack, Text, TextArea } from '@forge/react';
import type { ResolvedIdentifier } from '../../../contract';
import { call } from '../../../frontend/api';
import { type FieldEvent, valueOf } from '../../../frontend/events';
import { ErrorBanner } from '../../../frontend/components/ErrorBanner';
import { useAction } from '../../../frontend/hooks/useAction';
import { count } from '../../../frontend/words';

const HOW: Record<NonNullable<ResolvedIdentifier['how']>, string> = {
  accountId: 'account ID',
  email: 'email',
  username: 'legacy username',
  key: 'legacy user key',
};

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
  // Before the directory index is ready, a long list is looked up in parts: send the pending ones again.
  const pending = rows?.filter((r) => r.pending) ?? [];
  const next = async () => {
    const res = await action.run(() => call('resolveIdentifiers', { text: pending.map((r) => r.input).join('\n') }));
    if (res.ok && rows) {
      const got = new Map(res.data.map((r) => [r.input, r]));
      const merged = rows.map((r) => got.get(r.input) ?? r);
      setRows(merged);
      onResolved?.(merged);
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
      <Inline space="space.100">
        <Button onClick={() => void resolve()} isDisabled={!text.trim() || action.busy} testId="resolve-button">
          Resolve
        </Button>
      </Inline>
      {action.error ? <ErrorBanner error={action.error} /> : null}
      {rows ? (
        <Text testId="resolve-summary">{`${count(rows.length, 'entry', 'entries')} pasted: ${rows.filter((r) => r.accountId).length.toLocaleString('en-US')} resolved, ${rows.filter((r) => !r.accountId && !r.pending).length.toLocaleString('en-US')} not resolved${pending.length > 0 ? `, ${pending.length.toLocaleString('en-US')} not looked up yet` : ''}.`}</Text>
      ) : null}
      {pending.length > 0 ? (
        <Inline space="space.100">
          <Button onClick={() => void next()} isDisabled={action.busy} testId="resolve-next">
            {`Look up the next ${Math.min(pending.length, 50)}`}
          </Button>
        </Inline>
      ) : null}
      {rows ? (
        <DynamicTable
          testId="resolve-results"
          label="Resolved accounts"
          head={{
            cells: [
              { key: 'input', content: 'Pasted', isSortable: true },
              { key: 'result', content: 'Result', isSortable: true, width: 20 },
              { key: 'account', content: 'Account', isSortable: true },
              { key: 'id', content: 'Account ID (to copy)' },
            ],
          }}
          rows={rows.map((r, i) => ({
            key: `${i}`,
            cells: [
              { key: r.input.toLowerCase(), content: r.input },
              {
                key: r.accountId ? `found-${r.how ?? ''}` : r.pending ? 'pending' : 'not-found',
                content: r.accountId ? (
                  <Lozenge appearance="success">{`Found by ${HOW[r.how ?? 'accountId']}`}</Lozenge>
                ) : r.pending ? (
                  <Lozenge appearance="inprogress">Not looked up yet</Lozenge>
                ) : (
                  <Lozenge appearance="removed">Not found</Lozenge>
                ),
              },
              {
                key: (r.displayName ?? r.problem ?? '').toLowerCase(),
                content: r.accountId ? (r.displayName ?? 'Unnamed account') : (r.problem ?? ''),
              },
              { key: r.accountId ?? '', content: r.accountId ? <Code>{r.accountId}</Code> : '—' },
            ],
          }))}
        />
      ) : null}
    </Stack>
  );
}
