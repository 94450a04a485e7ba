import { toView } from '../../src/features/functional-accounts/functional-accounts';
import { checkOne, currentFindings, type UserFact } from '../../src/features/functional-accounts/functional-health';
import type { FunctionalRecord } from '../../src/features/functional-accounts/functional-store';

/**
 * `fa-check:<account>` has two writers (issue 19, item 5): a health slice, which read the account's record
 * when it began, and an edit (under the account's lock) that drops owner findings once an active person
 * owns the account. When the slice's write lands after the edit, its owner findings are about the former
 * owner: they carry that owner and are left out of every view, so the edit's fix is not lost.
 */
describe('owner findings written by a slice that read the record before an edit', () => {
  const SITE = 'site1';
  const now = new Date('2026-12-03T12:00:00Z');
  const before: FunctionalRecord = {
    accountId: 'acc-1',
    displayName: `Sync_Func_${SITE}`,
    ownerAccountId: 'old-owner',
    owningGroupId: 'g1',
    owningGroupName: 'team',
    purpose: 'Sync',
    integration: 'Tool',
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'admin',
    credentials: [],
  };
  const edited: FunctionalRecord = { ...before, ownerAccountId: 'new-owner' };
  const users = new Map<string, UserFact>([
    ['acc-1', { active: true, displayName: `Sync_Func_${SITE}`, conventional: true }],
    ['old-owner', { active: false, displayName: 'Old Owner', conventional: false }],
    ['new-owner', { active: true, displayName: 'New Owner', conventional: false }],
  ]);
  // What the slice computed from the record as it was, and wrote after the edit.
  const late = checkOne(before, [], users, new Map(), SITE, now);

  it('tags the check with the owner it was computed for', () => {
    expect(late?.owner).toBe('old-owner');
    expect(late?.findings.map((f) => f.kind)).toEqual(['owner-inactive']);
  });

  it('shows the finding while that person owns the account, and not once the edit gave it a new owner', () => {
    expect(toView(before, now, new Map(), late).findings.map((f) => f.kind)).toEqual(['owner-inactive']);
    expect(toView(edited, now, new Map(), late).findings).toEqual([]);
    expect(currentFindings(edited, late)).toEqual([]);
  });

  it('keeps findings of a check written before owners were recorded, and every other kind of finding', () => {
    const untagged = { findings: late?.findings ?? [], checkedAt: now.toISOString() };
    expect(currentFindings(edited, untagged).map((f) => f.kind)).toEqual(['owner-inactive']);
    const mixed = {
      ...untagged,
      owner: 'old-owner',
      findings: [...untagged.findings, { kind: 'naming' as const, detail: 'x', since: now.toISOString() }],
    };
    expect(currentFindings(edited, mixed).map((f) => f.kind)).toEqual(['naming']);
  });

  it("the next slice does not carry the former owner's finding forward", () => {
    const next = checkOne(edited, currentFindings(edited, late), users, new Map(), SITE, now);
    expect(next?.findings).toEqual([]);
    expect(next?.owner).toBe('new-owner');
  });
});
