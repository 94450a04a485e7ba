import type { LocalSite } from '../../local/local-site';
import type { FakeBridge } from '../../local/host/fake-bridge';
import { byTestId, findAll } from '../../local/host/forge-doc';
import { entriesOf } from '../../src/features/audit/audit-store';
import { NAMED_USERS } from '../support/site';
import { openUiPage, type UiDriver } from '../support/ui';

/**
 * The Users, Groups and Audit tabs driven through the UI Kit tree (fake bridge) against the simulator,
 * with assertions on what the simulator ends up holding.
 */
describe('people and groups flows in the UI Kit page', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  let close: () => Promise<void>;
  let page: UiDriver;
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  /** The app's person picker: type the person's name, then choose their option ("Name · email …"). */
  const pickPerson = async (testId: string, accountId: string) => {
    const u = site.sim.state.users.get(accountId);
    await bridge.fire(await page.one(testId), 'onInputChange', u?.displayName ?? '?');
    const opts = await page.options(testId, (o) => o.some((x) => x.value === accountId));
    const option = opts.find((o) => o.value === accountId) ?? null;
    expect(option?.label).toMatch(new RegExp(`^${u?.displayName} · (\\S+@\\S+|email hidden|no email)`));
    await page.pick(testId, option);
  };

  beforeAll(async () => {
    ({ site, bridge, page, close } = await openUiPage(NAMED_USERS.siteAdmin.accountId, {
      seed: { users: 400, groups: 20 },
    }));
  });
  afterAll(() => close());

  it('searches as you type, shows emails even when hidden, and filters', async () => {
    await page.type('user-search', 'Rita');
    const table = await page.text('user-table', (t) => t.includes('Rita Regular') && !t.includes('Ada Admin'));
    expect(table).toContain('rita.regular@example.com');
    const hidden = [...site.sim.state.users.values()].find(
      (u) => !u.emailVisible && u.accountType === 'atlassian' && u.active,
    );
    await page.type('user-search', hidden?.displayName ?? '');
    expect(await page.text('user-table', (t) => t.includes(hidden?.displayName ?? '?'))).toContain(hidden?.email);

    await page.type('user-search', 'func');
    const func = await page.text('user-table', (t) => t.includes('_Func_'));
    // Named like functional accounts but not in the registry (nothing is registered here): the badge says so.
    expect(func).toContain('Not registered');
    expect(func).not.toContain('Rita Regular');

    await page.type('user-search', '');
    await page.pick('filter-status', { label: 'Inactive', value: 'inactive' });
    const inactive = await page.text('user-table', (t) => t.includes('Inactive') && !t.includes('Active'));
    expect(inactive).not.toMatch(/\bActive\b/);
    expect((await page.one('filter-status')).props.value).toEqual({ label: 'Inactive', value: 'inactive' });
    // Set back to any, the filter reads as it did before it was set: "Any status", never a bare "Any".
    await page.pick('filter-status', { label: 'Any status', value: '' });
    expect((await page.one('filter-status')).props.value).toEqual({ label: 'Any status', value: '' });
    expect((await page.one('filter-status')).props.options).toContainEqual({ label: 'Any status', value: '' });
    await page.pick('filter-status', null);
  });

  it('resolves a pasted list line by line and counts entries, not words', async () => {
    const { siteAdmin, regular } = NAMED_USERS;
    await page.type(
      'resolve-text',
      `${siteAdmin.email}\nnot an email\n${regular.email}\nnobody@nowhere.example\nold.user`,
    );
    await page.click('resolve-button');
    const summary = await page.text('resolve-summary');
    expect(summary).toBe('5 entries pasted: 2 resolved, 3 not resolved.');
    expect(await page.text('resolve-results')).toContain('not an email');
    await page.type('resolve-text', '');
  });

  it('opens a user, adds them to a group (with the licence warning) and removes them', async () => {
    await page.type('user-search', 'Nils');
    await page.text('user-table', (t) => t.includes('Nils No-Access'));
    await page.click(`open-${NAMED_USERS.noAccess.accountId}`);
    await page.text('user-panel', (t) => t.includes('nils.noaccess@example.com'));

    const options = await page.options('user-panel-group-picker', (o) => o.some((x) => x.label.startsWith('team-web')));
    await page.pick('user-panel-group-picker', options.find((o) => o.label.startsWith('team-web')) ?? null);
    await page.click('user-panel-add-group');
    await page.text('user-panel', (t) => t.includes('team-web: Added to the group.'));
    expect(group('team-web')?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);

    const licensed = await page.options('user-panel-group-picker', (o) =>
      o.some((x) => x.label.startsWith('jira-servicemanagement-users')),
    );
    await page.pick(
      'user-panel-group-picker',
      licensed.find((o) => o.label.startsWith('jira-servicemanagement-users')) ?? null,
    );
    await page.click('user-panel-add-group');
    const warning = await page.text('user-panel', (t) => t.includes('uses a licence'));
    expect(warning).toContain('Jira Service Management');
    expect(group('jira-servicemanagement-users')?.members.has(NAMED_USERS.noAccess.accountId)).toBe(false);
    await page.click('confirm-licence');
    await page.text('user-panel', (t) => t.includes('jira-servicemanagement-users: Added to the group.'));
    expect(group('jira-servicemanagement-users')?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);

    await page.click('remove-group-team-web');
    await page.click('confirm-leave-group-confirm');
    await page.text('user-panel', (t) => t.includes('team-web: Removed from the group.'));
    expect(group('team-web')?.members.has(NAMED_USERS.noAccess.accountId)).toBe(false);

    // Leaving a product-granting group warns about the access (and licence) that goes; cancelling changes nothing.
    await page.click('remove-group-jira-servicemanagement-users');
    expect(await page.text('confirm-leave-group', (t) => t.includes('grants'))).toContain(
      'jira-servicemanagement-users grants Jira Service Management',
    );
    await page.click('confirm-leave-group-cancel');
    expect(group('jira-servicemanagement-users')?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);
  });

  it('resets a user’s columns and deletes a user only after confirmation', async () => {
    const rita = site.sim.state.users.get(NAMED_USERS.regular.accountId);
    if (rita) rita.columns = ['summary'];
    await page.type('user-search', 'Rita');
    await page.click(`open-${NAMED_USERS.regular.accountId}`);
    await page.click('reset-columns');
    await page.text('user-panel', (t) => t.includes('Issue-table columns reset'));
    expect(site.sim.state.users.get(NAMED_USERS.regular.accountId)?.columns).toBeUndefined();
    await page.click('delete-user');
    await page.type('confirm-delete-name', 'Rita Regular');
    await page.click('confirm-delete-user-confirm');
    await page.text('user-panel', (t) => t.includes('User deleted from the site.'));
    expect(site.sim.state.users.has(NAMED_USERS.regular.accountId)).toBe(false);
  });

  it('runs a bulk change from the Groups tab with progress and per-item outcomes', async () => {
    await page.tab(1);
    const target = group('team-data');
    const people = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !target?.members.has(u.accountId))
      .slice(0, 30);
    const customer = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    await page.type('bulk-users', [...people.map((p) => p.email), customer?.email, 'ghost@nowhere.example'].join('\n'));
    const opts = await page.options('bulk-group-picker', (o) => o.some((x) => x.label === 'team-data'));
    await page.pick('bulk-group-picker', opts.find((o) => o.label === 'team-data') ?? null);
    await page.click('bulk-start');
    const status = await page.text('bulk-status', (t) => t.includes('finished'));
    expect(status).toContain('31 of 31 processed · 30 done · 0 already so · 1 failed');
    const outcomes = await page.text('bulk-outcomes', (t) => t.includes('Failed'));
    expect(outcomes).toMatch(/Customer accounts/);
    expect(outcomes).toContain(customer?.displayName);
    for (const p of people) expect(target?.members.has(p.accountId)).toBe(true);
    expect(await page.text('bulk-unresolved')).toContain('ghost@nowhere.example: No account has this email.');
    // The job is over: the form is empty, so Start cannot run the same job again, and focus is on the outcomes.
    expect((await page.one('bulk-users')).props.value).toBe('');
    expect((await page.one('bulk-start')).props.isDisabled).toBe(true);
    expect((await page.one('bulk-outcomes-filter')).props.autoFocus).toBe(true);
  });

  it('removes people from a group in bulk only after a confirmation dialog', async () => {
    const target = group('team-data');
    const leaving = [...(target?.members ?? [])].slice(0, 2);
    await page.pick('bulk-operation', { label: 'Remove many users from one group', value: 'remove-users-from-group' });
    await page.type('bulk-users', leaving.join('\n'));
    const opts = await page.options('bulk-group-picker', (o) => o.some((x) => x.label === 'team-data'));
    await page.pick('bulk-group-picker', opts.find((o) => o.label === 'team-data') ?? null);
    await page.click('bulk-start');
    expect(await page.text('confirm-bulk-remove')).toContain('Remove 2 people from team-data?');
    for (const id of leaving) expect(target?.members.has(id)).toBe(true);
    await page.click('confirm-bulk-remove-confirm');
    expect(await page.text('bulk-status', (t) => t.includes('finished') && t.startsWith('2 of 2'))).toContain('2 done');
    // The history names the group the earlier job changed.
    expect(await page.text('bulk-recent', (t) => t.includes('team-data'))).toMatch(/: team-data/);
    for (const id of leaving) expect(target?.members.has(id)).toBe(false);
  });

  it('previews adding one user to several groups, with the picker leaving out groups already listed', async () => {
    await page.pick('bulk-operation', { label: 'Add one user to many groups', value: 'add-user-to-groups' });
    const outsider = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !group('team-data')?.members.has(u.accountId),
    );
    await page.type('bulk-users', outsider?.email ?? '');
    for (const name of ['team-data', 'team-web']) {
      const opts = await page.options('bulk-group-picker', (o) => o.some((x) => x.label === name));
      await page.pick('bulk-group-picker', opts.find((o) => o.label === name) ?? null);
      await page.click('bulk-add-group');
    }
    await page.options('bulk-group-picker', (o) => o.length > 0 && !o.some((x) => x.label === 'team-data'));
    await page.click('bulk-drop-group-team-web');
    await page.click('bulk-preview');
    expect(await page.text('bulk-preview-summary')).toBe('1 change to make out of 1 item.');
    expect(group('team-data')?.members.has(outsider?.accountId ?? '')).toBe(false);
  });

  it('keeps a removed member’s row in place with Undo, and never drops focus', async () => {
    const team = group('team-web');
    await page.tab(1);
    await page.type('group-search', 'team-web');
    await page.click('open-group-team-web');
    // Opening a group focuses the way back.
    expect((await page.one('back-to-groups')).props.autoFocus).toBe(true);
    // Rows name people with Jira's User component: a row is known by its account ID.
    const order = async () => {
      const table = await page.one('group-members');
      const rows = table.children.find((c) => c.type === 'ContentWrapper' && c.props.name === 'rows');
      return (rows?.children ?? []).map(
        (r) => findAll(r, (n) => n.type === 'User')[0]?.props.accountId as string | undefined,
      );
    };
    const shown = await order();
    const last = shown.filter((id): id is string => !!id && !!site.sim.state.users.get(id)?.active).pop() as string;
    const before = shown.indexOf(last);
    await page.click(`remove-member-${last}`);
    await page.click('confirm-remove-member-confirm');
    // The row acted on says so, where it was, with Undo holding focus.
    await page.text('members-removed');
    expect(team?.members.has(last)).toBe(false);
    expect((await order()).indexOf(last)).toBe(before);
    const rows = page.rowsOf(await page.one('group-members'));
    expect(rows[before]).toContain('Removed.');
    expect((await page.one('members-undo')).props.autoFocus).toBe(true);
    await page.click('members-undo');
    expect(await page.text('members-row-note')).toBe('Back in team-web.');
    expect(team?.members.has(last)).toBe(true);
    expect((await page.one(`remove-member-${last}`)).props.autoFocus).toBe(true);
    // Add keeps focus: pressed with nobody picked, it says so instead of being disabled.
    expect((await page.one('add-member-button')).props.isDisabled).toBeFalsy();
    await page.click('add-member-button');
    expect(await page.text('members-notice')).toBe('Pick a person to add first.');
    // The person picker tells people apart: each option carries the email (or says it is hidden) and status.
    const picker = await page.one('add-member');
    await bridge.fire(picker, 'onInputChange', 'a');
    const options = await page.options('add-member', (o) => o.length > 1);
    for (const o of options) expect(o.label).toMatch(/ · (\S+@\S+|email hidden|no email)/);
    expect(new Set(options.map((o) => o.label)).size).toBe(options.length);
    expect(options.map((o) => o.label).join('\n')).not.toMatch(/[0-9a-f]{6}:[0-9a-f-]{20,}/);
    // Back to the list: focus on the group's Open button.
    await page.click('back-to-groups');
    expect((await page.one('open-group-team-web')).props.autoFocus).toBe(true);
  });

  it('shows every change in the Audit tab, filters it and exports CSV without emails', async () => {
    await page.tab(4);
    const table = await page.text('audit-table', (t) => t.includes('Added to group'));
    expect(table).toContain('User deleted');
    expect(table).toContain('Issue columns reset');
    await page.pick('audit-result', { label: 'Failed', value: 'failed' });
    const failed = await page.text('audit-table', (t) => !t.includes('Done'));
    expect(failed).toContain('Failed');
    await page.click('audit-export');
    // Node has no clipboard, so the page offers the CSV to copy by hand in a read-only box.
    const info = await page.text('audit-csv-info');
    expect(info).toMatch(/1 row\./);
    const csv = await bridge.waitFor((doc) => findAll(doc, byTestId('audit-csv-text'))[0]);
    expect(csv.type).toBe('TextArea');
    expect(csv.props.isReadOnly).toBe(true);
    expect(String(csv.props.value).split('\n')[0]).toMatch(/^"?When \(UTC\)"?,/);
    expect(String(csv.props.value)).toContain('Cannot add user. Customer accounts');
    // The box to copy from holds focus; the button was never disabled under the keyboard.
    expect(csv.props.autoFocus).toBe(true);
    expect((await page.one('audit-export')).props.isDisabled).toBeFalsy();
    // "Changed by" narrows to one administrator's changes; nobody else changed anything here. It is the
    // app's person picker, labelled, each option naming the person with their email.
    const changedBy = await page.one('audit-actor');
    expect(changedBy.type).toBe('Select');
    const doc = await bridge.waitFor((d) => d);
    expect(findAll(doc, (n) => n.type === 'Label').map((n) => n.props.labelFor)).toContain(changedBy.props.inputId);
    await pickPerson('audit-actor', NAMED_USERS.jiraAdmin.accountId);
    expect(await page.text('audit-table', (t) => t === 'No changes match.')).toBe('No changes match.');
    // The CSV described the rows before the filter changed: its message is gone.
    await bridge.waitFor((doc) => (findAll(doc, byTestId('audit-csv-info')).length === 0 ? true : undefined));
    await pickPerson('audit-actor', NAMED_USERS.siteAdmin.accountId);
    expect(await page.text('audit-table', (t) => t.includes('Failed'))).toContain('Ada Admin');
    // (A bulk job's entries are stored in packs, several to a value: count them unpacked.)
    const entries = site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:'))
      .flatMap((k) => entriesOf(site.kvs.peek(k)))
      .map((e) => JSON.stringify(e));
    expect(entries.length).toBeGreaterThan(30);
    for (const e of entries) expect(e).not.toMatch(/@/);
  });

  it('pages the audit log without losing keyboard focus at either end', async () => {
    // Three pages (50, 50, 20): 120 entries of an action nothing else here did, each with its own detail (the
    // keys' suffix keeps them together, newest first), and the Action filter on it.
    const key = site.kvs.keys().find((k) => k.startsWith('audit:')) ?? '?';
    const entry = site.kvs.peek(key) as { id: string };
    const copy = (i: number) => `copy ${String(i).padStart(3, '0')}`;
    for (let i = 0; i < 120; i++) {
      const answer = site.kvs.handle('/api/v1/set', {
        key: `${key}:c${String(i).padStart(3, '0')}`,
        value: { ...entry, id: `${entry.id}-${i}`, action: 'functional.role.delete', detail: copy(i) },
      });
      expect(answer.status).toBeLessThan(300);
    }
    // Every entry: the filters of the test before are cleared.
    await page.pick('audit-result', null);
    await page.pick('audit-actor', null);
    await page.pick('audit-action', { label: 'Role deleted', value: 'functional.role.delete' });
    const shows = (page1: string) => page.text('audit-table', (t) => t.includes(page1));
    await shows(copy(0));
    expect((await page.one('audit-prev')).props.isDisabled).toBe(true);
    const next = await page.one('audit-next');
    // Next on a middle page: the pressed button stays enabled and mounted (same key), so it keeps focus.
    await page.click('audit-next');
    await shows(copy(50));
    expect((await page.one('audit-next')).key).toBe(next.key);
    expect((await page.one('audit-next')).props.isDisabled).toBeFalsy();
    expect((await page.one('audit-prev')).props.autoFocus).toBeFalsy();
    // Next to the last page, where Next is disabled: focus is handed to Previous (remounted with autoFocus).
    await page.click('audit-next');
    await shows(copy(100));
    await bridge.waitFor(
      (doc) => findAll(doc, (n) => n.props.testId === 'audit-prev' && n.props.autoFocus === true)[0],
    );
    expect((await page.one('audit-next')).props.isDisabled).toBe(true);
    expect((await page.one('audit-next')).props.autoFocus).toBeFalsy();
    // Back to the first page: Previous is disabled there, so Next takes focus.
    await page.click('audit-prev');
    await shows(copy(50));
    await page.click('audit-prev');
    await shows(copy(0));
    expect((await page.one('audit-prev')).props.isDisabled).toBe(true);
    expect((await page.one('audit-next')).props.autoFocus).toBe(true);
    expect((await page.one('audit-next')).props.isDisabled).toBeFalsy();
  });
});
