import type { IndexManifest } from '../../src/features/directory-index/directory-store';
import {
  mergeChange,
  patchFromBase,
  type AccountChange,
  type PatchRecord,
} from '../../src/features/directory-index/index-patches';

/**
 * Merging changes into an account's patch is order-safe by the time each state was observed: whatever
 * order the same set of changes arrives in (events late, repeated, reordered; the app's own writes in
 * between), the result is the newest state of each part, and a deletion is final.
 */
const manifest: IndexManifest = {
  gen: 3,
  asOf: '2026-12-01T00:00:00.000Z',
  products: [
    { key: 'jira-software', name: 'Jira' },
    { key: 'jira-servicedesk', name: 'JSM' },
  ],
  counts: { users: 1, active: 1, byType: { atlassian: 1, app: 0, customer: 0 }, groups: 2, serviceDesks: 0 },
  lists: {},
  buckets: 8,
  groups: [
    { groupId: 'g-sw', products: ['jira-software'] },
    { groupId: 'g-jsm', products: ['jira-servicedesk'] },
  ],
  byId: true,
};
const ID = '712020:aaaa';
const base = patchFromBase(manifest, [ID, 'Ada', 'a', 1, 1, 0], [0]);

const observed = (at: number, active: boolean, name = 'Ada', groups = ['g-sw']): AccountChange => ({
  kind: 'observed',
  accountId: ID,
  at,
  displayName: name,
  type: 'a',
  active,
  productKeys: groups.includes('g-jsm') ? ['jira-software', 'jira-servicedesk'] : ['jira-software'],
  groupIds: groups,
});

function apply(changes: AccountChange[]): PatchRecord {
  let p: PatchRecord | undefined = base;
  for (const c of changes) p = mergeChange(manifest, p, c) ?? p;
  return p as PatchRecord;
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('index patches: order-safe merging', () => {
  it('every order of the same observations (with repeats) ends in the newest state', () => {
    const changes = [observed(10, true, 'Ada'), observed(20, false, 'Ada L'), observed(30, true, 'Ada Lovelace')];
    for (const order of permutations([...changes, changes[0] as AccountChange])) {
      const p = apply(order);
      expect([p.n, p.a, p.v]).toEqual(['Ada Lovelace', 1, 30]);
    }
  });

  it('a group change by the app between observations wins over an older observation and loses to a newer one', () => {
    const add: AccountChange = { kind: 'group', accountId: ID, at: 15, op: 'add', groupId: 'g-jsm' };
    expect(apply([add, observed(10, true)]).p).toEqual(['jira-software', 'jira-servicedesk']);
    expect(apply([observed(10, true), add]).p).toEqual(['jira-software', 'jira-servicedesk']);
    // Removed again in Jira later (observed at 20): the newer observation holds in either order.
    expect(apply([add, observed(20, true)]).p).toEqual(['jira-software']);
    expect(apply([observed(20, true), add]).p).toEqual(['jira-software']);
  });

  it('removing a product group keeps the products other groups still grant', () => {
    const both = apply([observed(10, true, 'Ada', ['g-sw', 'g-jsm'])]);
    const removed = mergeChange(manifest, both, {
      kind: 'group',
      accountId: ID,
      at: 11,
      op: 'remove',
      groupId: 'g-jsm',
    });
    expect(removed?.p).toEqual(['jira-software']);
    expect(removed?.g).toEqual(['g-sw']);
  });

  it('a deletion is final: no observation, however new its time, brings the account back', () => {
    const del: AccountChange = { kind: 'deleted', accountId: ID, at: 15 };
    for (const order of permutations([observed(10, true), del, observed(20, true)])) {
      const p = apply(order);
      expect(p.d).toBe(1);
      expect(p.a).toBe(0);
      expect(p.p).toEqual([]);
      expect(p.n).not.toBe('');
    }
  });

  it('a change no newer than what is recorded writes nothing (idempotent)', () => {
    const p = apply([observed(10, false)]);
    expect(mergeChange(manifest, p, observed(10, false))).toBeUndefined();
    expect(mergeChange(manifest, p, observed(5, true))).toBeUndefined();
  });
});
