import type { LocalSite } from '../../local/local-site';
import type { FakeBridge } from '../../local/host/fake-bridge';
import { NAMED_USERS } from '../support/site';
import { openUiPage, type UiDriver } from '../support/ui';

/**
 * Issue 20 item 8: the group list and a group's page count the same people (active members), say so in
 * words, and the list follows a change made on the page without counting again.
 */
describe('group member counts in the UI Kit page', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  let close: () => Promise<void>;
  let page: UiDriver;

  beforeAll(async () => {
    ({ site, bridge, page, close } = await openUiPage(NAMED_USERS.siteAdmin.accountId, {
      seed: { users: 200, groups: 8 },
    }));
  });
  afterAll(() => close());

  it('counts active members in the list and on the page, and the list follows a removal', async () => {
    const users = site.sim.state.users;
    const active = (ids: Set<string>) => [...ids].filter((id) => users.get(id)?.active).length;
    // A group with inactive members: counting everyone would show a different figure.
    const target = [...site.sim.state.groups.values()]
      .filter((g) => g.members.size > active(g.members) && active(g.members) > 1)
      .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (!target) throw new Error('the seed has no group with inactive members');
    const before = active(target.members);

    await page.tab(1);
    await page.click('count-members');
    const row = () => page.one('group-table').then((t) => page.rowsOf(t).find((r) => r.startsWith(target.name)) ?? '');
    await page.text('group-table', (t) => t.includes(`${before} active members`));
    expect(await row()).toContain(`${before} active members`);
    expect(await page.text('group-table')).toContain('Active members');

    await page.click(`open-group-${target.name}`);
    expect(await page.text('members-total')).toBe(`${before} active members`);
    await page.check('include-inactive', true);
    const everyone = [...target.members].filter((id) => users.has(id)).length;
    expect(everyone).toBeGreaterThan(before);
    await page.text('members-total', (t) => t === `${everyone} members, active and inactive`);
    await page.check('include-inactive', false);
    await page.text('members-total', (t) => t === `${before} active members`);

    const leaving = [...target.members].find(
      (id) => users.get(id)?.active && id !== NAMED_USERS.siteAdmin.accountId,
    ) as string;
    await page.click(`remove-member-${leaving}`);
    await page.click('confirm-remove-member-confirm');
    await page.text('members-total', (t) => t === `${before - 1} active members`);
    expect(target.members.has(leaving)).toBe(false);

    const counted = bridge.invocations.filter((i) => i.functionKey === 'countGroupMembers').length;
    await page.click('back-to-groups');
    await page.text('group-table', (t) => t.includes(`${before - 1} active members`));
    expect(await row()).toContain(`${before - 1} active members`);
    // Patched from the page's figure, not counted again.
    expect(bridge.invocations.filter((i) => i.functionKey === 'countGroupMembers')).toHaveLength(counted);
  });

  it('drops the counts a bulk change made stale, so they are asked again', async () => {
    const users = site.sim.state.users;
    // A group that grants nothing (no licence question on the way).
    const target = [...site.sim.state.groups.values()].find((g) => g.name === 'jira-users-inactive');
    if (!target) throw new Error('the seed has no jira-users-inactive group');
    const joining = [...users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !target.members.has(u.accountId),
    );
    const row = () => page.one('group-table').then((t) => page.rowsOf(t).find((r) => r.startsWith(target.name)) ?? '');
    expect(await row()).toMatch(/\d+ active members?Open$/);
    await page.type('bulk-users', joining?.email ?? '');
    const opts = await page.options('bulk-group-picker', (o) => o.some((x) => x.label === target.name));
    await page.pick('bulk-group-picker', opts.find((o) => o.label === target.name) ?? null);
    await page.click('bulk-start');
    await page.text('bulk-status', (t) => t.includes('finished'));
    expect(target.members.has(joining?.accountId ?? '')).toBe(true);
    expect(await row()).toBe(`${target.name}——Open`);
    await page.one('count-members');
  });
});
