/**
 * Search people by name or email and pick one, each option telling same-named people apart: the name with
 * the email (or that it is hidden), and the account's status and type where they are not the usual
 * (Jira's own UserPicker shows names only, so three "Omar Andersen" options could not be told apart).
 * Searches through the app's own people search (`listUsers`), as the Users tab does. A person already chosen
 * (editing) is shown by the name the page knows, never by account ID.
 */
import React, { useEffect, useState } from 'react';
import { Select } from '@forge/react';
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

export function PersonPicker({
  onPick,
  testId,
  inputId,
  placeholder,
  initial,
  isRequired,
}: {
  onPick: (u: UserRow | undefined) => void;
  testId: string;
  /** For a `Label`'s `labelFor`. */
  inputId: string;
  placeholder?: string;
  /** The person shown as chosen at first (editing): their account ID and name. */
  initial?: { accountId: string; name: string };
  isRequired?: boolean;
}) {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [people, setPeople] = useState<UserRow[]>([]);
  const [picked, setPicked] = useState<{ label: string; value: string } | null>(
    initial ? { label: initial.name, value: initial.accountId } : null,
  );
  useEffect(() => {
    if (!query.trim()) {
      setPeople([]);
      return;
    }
    let live = true;
    void call('listUsers', { query, filters: {} }).then((res) => {
      if (live && res.ok) setPeople(res.data.users);
    });
    return () => {
      live = false;
    };
  }, [query]);
  return (
    <Select
      testId={testId}
      inputId={inputId}
      placeholder={placeholder ?? 'Search by name or email'}
      isClearable
      options={people.map((u) => ({ label: personLabel(u), value: u.accountId }))}
      {...(isRequired ? { isRequired } : {})}
      value={picked}
      onInputChange={(v: string) => setInput(v)}
      onChange={(opt: { value: string } | null) => {
        const u = people.find((x) => x.accountId === opt?.value);
        if (!u && opt && opt.value === picked?.value) return; // the person already shown, chosen again
        setPicked(u ? { label: personLabel(u), value: u.accountId } : null);
        onPick(u);
      }}
    />
  );
}
