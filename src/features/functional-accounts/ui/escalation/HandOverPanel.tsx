/**
 * "Hand over": every functional account one person owns goes to a new owner in one step (on the queue
 * when there are many), each move audited. Both people are chosen with the app's person picker, whose
 * options name each person with their email (or "email hidden") and status, so same-named people can be
 * told apart. The current owner is usually someone who has left: a search finds inactive people only once
 * the directory index is built (the picker says so meanwhile), so the registry's owners who have left
 * (its health check found them inactive or deleted) are offered first, each with the accounts they own.
 * The new owner is chosen among active people (a search offers no one else), and what the app would warn
 * about as an owner (another functional account) is said before anything moves.
 */
import React, { useEffect, useState } from 'react';
import { Button, Heading, Inline, Label, SectionMessage, Stack, Text } from '@forge/react';
import type { UserRow } from '../../../../contract';
import { call } from '../../../../frontend/api';
import { PersonPicker, type SuggestedPerson, personLabel } from '../../../../frontend/components/PersonPicker';

/** At most this many departed owners are offered (each is looked up once); the rest are found by search. */
const MAX_OFFERED = 20;
/**
 * Registry pages read for departed owners (100 accounts a page), when the tab opens and after a change: past
 * 1,000 registered accounts the rest of their owners are found by search (with the directory index).
 */
const MAX_PAGES = 10;

/** "Backup_Func_X", "A_Func_X and B_Func_X", "3 functional accounts (A_Func_X, B_Func_X, …)". */
function ownsWords(accounts: string[]): string {
  if (accounts.length === 1) return `owns ${accounts[0]}`;
  if (accounts.length === 2) return `owns ${accounts[0]} and ${accounts[1]}`;
  return `owns ${accounts.length} functional accounts (${accounts.slice(0, 2).join(', ')}, …)`;
}

/** The registry's owners whom its last health check found inactive or deleted, as picker options. */
async function departedOwners(): Promise<SuggestedPerson[]> {
  const owners = new Map<string, { name?: string; deleted: boolean; accounts: string[] }>();
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const res = await call('listFunctional', { finding: 'orphaned', ...(cursor ? { cursor } : {}) });
    if (!res.ok) break;
    for (const a of res.data.accounts) {
      const left = a.findings.find((f) => f.kind === 'owner-inactive' || f.kind === 'owner-deleted');
      if (!left) continue;
      const o = owners.get(a.ownerAccountId) ?? {
        ...(a.ownerName ? { name: a.ownerName } : {}),
        deleted: left.kind === 'owner-deleted',
        accounts: [],
      };
      o.accounts.push(a.displayName);
      owners.set(a.ownerAccountId, o);
    }
    cursor = res.data.nextCursor;
    if (!cursor) break;
  }
  const offered = [...owners.entries()].slice(0, MAX_OFFERED);
  return Promise.all(
    offered.map(async ([accountId, o]) => {
      // Their email (as the hidden-email policy allows) and status, as every option shows them.
      const details = o.deleted ? undefined : await call('getUserDetails', { accountId });
      if (details?.ok) {
        const { accountId: id, displayName, email, emailHidden, accountType, active, functional } = details.data;
        const user: UserRow = {
          accountId: id,
          displayName,
          ...(email ? { email } : {}),
          ...(emailHidden ? { emailHidden } : {}),
          accountType,
          active,
          functional,
        };
        return { user, label: `${personLabel(user)} · ${ownsWords(o.accounts)}` };
      }
      const name = o.name ?? 'Former user';
      const user: UserRow = {
        accountId,
        displayName: name,
        accountType: 'atlassian',
        active: false,
        ...(o.deleted ? { deleted: true } : {}),
        functional: false,
      };
      return { user, label: `${name} · ${o.deleted ? 'deleted' : 'inactive'} · ${ownsWords(o.accounts)}` };
    }),
  );
}

export function HandOverPanel({ version = 0, onDone }: { version?: number; onDone?: () => void }) {
  const [from, setFrom] = useState<UserRow | undefined>();
  const [to, setTo] = useState<UserRow | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | undefined>();
  const [departed, setDeparted] = useState<SuggestedPerson[]>([]);
  const [loaded, setLoaded] = useState(0);
  /** What the app warns about the new owner (another functional account, …), before anything moves. */
  const [toWarnings, setToWarnings] = useState<string[]>([]);

  const pickTo = async (u: UserRow | undefined) => {
    setTo(u);
    setResult(undefined);
    setToWarnings([]);
    if (!u) return;
    const res = await call('checkFunctionalOwner', { accountId: u.accountId });
    setToWarnings(res.ok ? res.data.warnings : [res.error.message]);
  };

  useEffect(() => {
    let live = true;
    void departedOwners().then((list) => {
      if (live) setDeparted(list);
    });
    return () => {
      live = false;
    };
  }, [version, loaded]);

  const handOver = async () => {
    // The button stays enabled while a hand-over runs (a disabled button drops keyboard focus).
    if (busy || !from || !to) return;
    setBusy(true);
    setResult(undefined);
    const res = await call('handOverAccounts', { fromAccountId: from.accountId, toAccountId: to.accountId });
    setBusy(false);
    setResult(res.ok ? { ok: true, message: res.data.message } : { ok: false, message: res.error.message });
    if (res.ok) {
      setLoaded((n) => n + 1);
      onDone?.();
    }
  };

  return (
    <Stack space="space.100">
      <Heading size="small">Hand over</Heading>
      <Text>Moves every functional account one person owns to a new owner in one step; each move is audited.</Text>
      <Stack space="space.050">
        <Label labelFor="handover-from-input">Current owner</Label>
        <PersonPicker
          testId="handover-from"
          inputId="handover-from-input"
          placeholder={departed.length > 0 ? 'Choose someone who left, or search' : 'Search by name or email'}
          suggested={departed}
          activeOnly="below"
          onPick={(u) => {
            setFrom(u);
            setResult(undefined);
          }}
        />
        {departed.length > 0 ? (
          <Text testId="handover-departed">
            {`Owners who have left are listed first (${departed.length === 1 ? 'one person' : `${departed.length} people`} from the registry's last check): open the list, or type a name or email.`}
          </Text>
        ) : null}
      </Stack>
      <Stack space="space.050">
        <Label labelFor="handover-to-input">New owner (an active person)</Label>
        <PersonPicker
          testId="handover-to"
          inputId="handover-to-input"
          placeholder="Search by name or email"
          accept={(u) => u.active && !u.deleted && u.accountType === 'atlassian'}
          onPick={(u) => void pickTo(u)}
        />
        {toWarnings.length > 0 ? (
          <SectionMessage appearance="warning" title="Check the new owner">
            <Stack space="space.050">
              {toWarnings.map((w) => (
                <Text key={w} testId="handover-to-warning">
                  {w}
                </Text>
              ))}
            </Stack>
          </SectionMessage>
        ) : null}
      </Stack>
      <Inline>
        <Button appearance="primary" isDisabled={!from || !to} onClick={() => void handOver()} testId="handover-submit">
          {busy ? 'Handing over…' : 'Hand over all their accounts'}
        </Button>
      </Inline>
      {result ? (
        <SectionMessage
          appearance={result.ok ? 'success' : 'error'}
          title={result.ok ? 'Handed over' : 'Not handed over'}
        >
          <Text testId="handover-result">{result.message}</Text>
        </SectionMessage>
      ) : null}
    </Stack>
  );
}
