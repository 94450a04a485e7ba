/**
 * Search people by name or email and pick one, each option telling same-named people apart: the name with
 * the email (or that it is hidden), and the account's status and type where they are not the usual
 * (Jira's own UserPicker shows names only, so three "Omar Andersen" options could not be told apart).
 * Searches through the app's own people search (`listUsers`), as the Users tab does. A person already chosen
 * (editing) is shown by the name the page knows, never by account ID.
 *
 * Until the directory index is built, a search finds active people only (Jira's user search returns active
 * accounts): `activeOnly` says so under the field ('below') or hands the fact to the caller, which says it
 * where its layout has room. `suggested` people (e.g. the registry's owners who have left, whom a search
 * cannot find yet) are offered first, before anything is typed; typing narrows them as it does any option.
 * The field shows it is loading until the search for what is typed has answered.
 */
import React, { useEffect, useState } from 'react';
import { Select, Stack, Text } from '@forge/react';
import type { UserRow } from '../../contract';
import { call } from '../api';
import { useDebounced } from '../hooks/useDebounced';
import { accountTypeLabel } from '../words';

/** "Omar Andersen · omar.a@example.com", "Omar Andersen · email hidden · inactive". */
export function personLabel(u: UserRow): string {
  const parts = [u.displayName, u.email ?? (u.emailHidden ? 'email hidden' : 'no email')];
  if (u.deleted) parts.push('deleted');
  else if (!u.active) parts.push('inactive');
  if (u.accountType !== 'atlassian') parts.push(accountTypeLabel(u.accountType).toLowerCase());
  return parts.join(' · ');
}

/** What the picker says while a search can find active people only. */
export const ACTIVE_ONLY_NOTICE =
  'Active people only until the directory index is built: inactive and deleted people are found then.';

/** A person offered before any search, with the words that tell them apart (their own label). */
export interface SuggestedPerson {
  user: UserRow;
  label: string;
}

export function PersonPicker({
  onPick,
  testId,
  inputId,
  placeholder,
  initial,
  isRequired,
  activeOnly,
  suggested = [],
  accept,
}: {
  onPick: (u: UserRow | undefined) => void;
  testId: string;
  /** For a `Label`'s `labelFor`. */
  inputId: string;
  placeholder?: string;
  /** The person shown as chosen at first (editing): their account ID and name. */
  initial?: { accountId: string; name: string };
  isRequired?: boolean;
  /**
   * Where to say that a search found active people only (no directory index yet): 'below' the field
   * (testId `<testId>-active-only`), or told to the caller after each search. Absent: not said.
   */
  activeOnly?: 'below' | ((on: boolean) => void);
  /** People offered first, before anything is typed. */
  suggested?: SuggestedPerson[];
  /** Only people this accepts are offered from a search (e.g. active people for a new owner). */
  accept?: (u: UserRow) => boolean;
}) {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [people, setPeople] = useState<UserRow[]>([]);
  /** The search text the options answer (the field shows it is loading until they answer what is typed). */
  const [answered, setAnswered] = useState('');
  const [limited, setLimited] = useState(false);
  const [picked, setPicked] = useState<{ label: string; value: string } | null>(
    initial ? { label: initial.name, value: initial.accountId } : null,
  );
  const tell = typeof activeOnly === 'function' ? activeOnly : undefined;
  useEffect(() => {
    if (!query.trim()) {
      setPeople([]);
      setAnswered(query);
      return;
    }
    let live = true;
    void call('listUsers', { query, filters: {} }).then((res) => {
      if (!live) return;
      setAnswered(query);
      if (!res.ok) return;
      setPeople(res.data.users);
      setLimited(!!res.data.activeOnly);
      tell?.(!!res.data.activeOnly);
    });
    return () => {
      live = false;
    };
    // (`tell` is the caller's setter or callback: a new function each render must not search again.)
  }, [query]);
  const offered = new Set(suggested.map((s) => s.user.accountId));
  const options = [
    ...suggested.map((s) => ({ label: s.label, value: s.user.accountId })),
    ...people
      .filter((u) => !offered.has(u.accountId) && (!accept || accept(u)))
      .map((u) => ({ label: personLabel(u), value: u.accountId })),
  ];
  const select = (
    <Select
      testId={testId}
      inputId={inputId}
      placeholder={placeholder ?? 'Search by name or email'}
      isClearable
      isLoading={input.trim() !== '' && input !== answered}
      options={options}
      {...(isRequired ? { isRequired } : {})}
      value={picked}
      onInputChange={(v: string) => setInput(v)}
      onChange={(opt: { value: string } | null) => {
        const s = suggested.find((x) => x.user.accountId === opt?.value);
        const u = s?.user ?? people.find((x) => x.accountId === opt?.value);
        if (!u && opt && opt.value === picked?.value) return; // the person already shown, chosen again
        setPicked(u ? { label: s?.label ?? personLabel(u), value: u.accountId } : null);
        onPick(u);
      }}
    />
  );
  if (activeOnly !== 'below') return select;
  return (
    <Stack space="space.050">
      {select}
      {limited ? <Text testId={`${testId}-active-only`}>{ACTIVE_ONLY_NOTICE}</Text> : null}
    </Stack>
  );
}
