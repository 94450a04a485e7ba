/**
 * Search groups by name and pick one; shows what membership grants (products, admin rights). Groups in
 * `exclude` (e.g. those the user already has) are not offered.
 */
import React, { useEffect, useState } from 'react';
import { Select } from '@forge/react';
import type { GroupSummary } from '../../contract';
import { call } from '../api';
import { useDebounced } from '../hooks/useDebounced';

export function groupLabel(g: GroupSummary): string {
  const grants = [...g.grantsProducts, ...(g.grantsAdmin ? ['admin rights'] : [])];
  return grants.length > 0 ? `${g.name} (grants ${grants.join(', ')})` : g.name;
}

export function GroupPicker({
  onPick,
  testId,
  placeholder,
  inputId,
  initial,
  exclude,
}: {
  onPick: (g: GroupSummary | undefined) => void;
  testId: string;
  placeholder?: string;
  /** For a `Label`'s `labelFor`. */
  inputId?: string;
  /** The group shown as picked at first (editing). */
  initial?: GroupSummary;
  /** Group ids not to offer (e.g. the groups the user is already in). */
  exclude?: string[];
}) {
  const [input, setInput] = useState('');
  const query = useDebounced(input);
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [picked, setPicked] = useState<GroupSummary | undefined>(initial);
  useEffect(() => {
    let live = true;
    void call('searchGroups', { query }).then((res) => {
      if (live && res.ok) setGroups(res.data.groups);
    });
    return () => {
      live = false;
    };
  }, [query]);
  return (
    <Select
      testId={testId}
      inputId={inputId ?? `${testId}-input`}
      placeholder={placeholder ?? 'Search groups'}
      isClearable
      options={groups
        .filter((g) => !exclude?.includes(g.groupId))
        .map((g) => ({ label: groupLabel(g), value: g.groupId }))}
      value={picked ? { label: groupLabel(picked), value: picked.groupId } : null}
      onInputChange={(v: string) => setInput(v)}
      onChange={(opt: { value: string } | null) => {
        const g =
          groups.find((x) => x.groupId === opt?.value) ?? (initial?.groupId === opt?.value ? initial : undefined);
        setPicked(g);
        onPick(g);
      }}
    />
  );
}
