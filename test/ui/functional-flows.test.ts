import type { LocalSite } from '../../local/local-site';
import type { FakeBridge } from '../../local/host/fake-bridge';
import { findAll, textOf } from '../../local/host/forge-doc';
import { SITE_ID } from '../../local/jira-sim/seed';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS } from '../support/site';
import { openUiPage, type UiDriver } from '../support/ui';

/**
 * The Functional accounts tab through the UI Kit tree: define a role, create an account from it, register
 * another, record a rotation, deactivate an owner in the simulator, check now, and see exactly the
 * expected findings; the Users tab shows the badge and `func` finds them.
 */
describe('functional account flows in the UI Kit page', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  let close: () => Promise<void>;
  let page: UiDriver;
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  /**
   * The owner and backup pickers are the app's person picker (a Select): type the person's name, then choose
   * the option that is this account (options name the person with email and status, never the account ID).
   */
  const pickUser = async (testId: string, accountId: string, ends?: RegExp) => {
    const u = site.sim.state.users.get(accountId);
    await bridge.fire(await page.one(testId), 'onInputChange', u?.displayName ?? '?');
    const opts = await page.options(testId, (o) => o.some((x) => x.value === accountId));
    const option = opts.find((o) => o.value === accountId) ?? null;
    expect(option?.label).toMatch(new RegExp(`^${u?.displayName} · (\\S+@\\S+|email hidden|no email)`));
    if (ends) expect(option?.label).toMatch(ends);
    await page.pick(testId, option);
    await new Promise((r) => setTimeout(r, 350));
  };
  const pickGroup = async (testId: string, name: string) => {
    const opts = await page.options(testId, (o) => o.some((x) => x.label.startsWith(name)));
    await page.pick(testId, opts.find((o) => o.label.startsWith(name)) ?? null);
  };

  beforeAll(async () => {
    // A site where Jira lets the app create accounts (the default simulator refuses, as Jira documents).
    // The queue holds every event until the health check needs it: the directory index (a crawl on the
    // queue, asked for when the page opens) is not built before then, as on a freshly installed site.
    ({ site, bridge, page, close } = await openUiPage(NAMED_USERS.siteAdmin.accountId, {
      seed: { users: 300, groups: 20 },
      allowForgeUserCreation: true,
      queue: { maxConcurrency: 0 },
    }));
  });
  afterAll(() => close());

  it('leads with creating the account in Atlassian Administration, then registering it here', async () => {
    await page.tab(3);
    await page.click('functional-show-add');
    // The site's id comes with the product context, a moment after the view opens.
    await page.text('enrol-steps', (t) => t.includes(`Reports_Func_${SITE_ID}`));
    expect(await page.text('enrol-steps')).toContain('Atlassian Administration');
    expect((await page.one('enrol-submit')).children.map((c) => JSON.stringify(c)).join('')).toContain('Register');
    await page.pick('enrol-mode', {
      label: 'Try to create a new account from a role (refused on real sites)',
      value: 'create',
    });
    expect(await page.text('enrol-create-warning')).toMatch(/does not let Forge apps create accounts on real sites/);
    await page.pick('enrol-mode', {
      label: 'Register an account created in Atlassian Administration (recommended)',
      value: 'register',
    });
    await page.one('enrol-steps');
  });

  it('defines a role, creates an account from it and registers another', async () => {
    await page.tab(3);
    await page.click('back-to-registry');
    // Roles are a view of their own; after a save the form is empty and its name field holds focus.
    await page.click('functional-show-roles');
    expect((await page.one('back-to-registry')).props.autoFocus).toBe(true);
    await page.type('role-name', 'Reporting bots');
    await pickGroup('role-group-picker', 'team-data');
    await page.click('role-add-group');
    await page.click('role-save');
    expect(await page.text('role-notice')).toBe('Saved the role Reporting bots.');
    expect((await page.one('role-name')).props.autoFocus).toBe(true);
    await page.click('back-to-registry');
    expect((await page.one('functional-show-roles')).props.autoFocus).toBe(true);
    await page.click('functional-show-add');
    await page.options('enrol-role', (o) => o.some((x) => x.label === 'Reporting bots'));

    await page.pick('enrol-mode', {
      label: 'Try to create a new account from a role (refused on real sites)',
      value: 'create',
    });
    await page.type('enrol-name', 'Report');
    await page.type('enrol-email', 'report.func@example.com');
    const roles = await page.options('enrol-role', (o) => o.length > 0);
    await page.pick('enrol-role', roles[0] ?? null);
    await pickUser('enrol-owner', NAMED_USERS.regular.accountId);
    await pickGroup('enrol-owning-group', 'team-data');
    await page.type('enrol-purpose', 'Weekly reports');
    await page.type('enrol-integration', 'Reporting tool');
    await page.click('enrol-submit');
    expect(await page.text('enrol-result')).toMatch(new RegExp(`rename it to Report_Func_${SITE_ID}`));
    const created = [...site.sim.state.users.values()].find((u) => u.email === 'report.func@example.com');
    expect(group('team-data')?.members.has(created?.accountId ?? '')).toBe(true);

    // The form starts empty again after a save, and says what is missing.
    await page.pick('enrol-mode', {
      label: 'Register an account created in Atlassian Administration (recommended)',
      value: 'register',
    });
    expect(await page.text('enrol-hint')).toBe(
      'Fill in the account, owner, owning group, purpose and integration to register.',
    );
    await page.type('enrol-account', 'backup.func@example.com');
    await pickUser('enrol-owner', NAMED_USERS.jiraAdmin.accountId);
    await pickGroup('enrol-owning-group', 'team-data');
    await page.type('enrol-purpose', 'Weekly reports');
    expect(await page.text('enrol-hint')).toBe('Fill in the integration to register.');
    await page.type('enrol-integration', 'Reporting tool');
    await page.click('enrol-submit');
    expect(await page.text('enrol-result', (t) => t.startsWith('Registered'))).toBe(
      `Registered Backup_Func_${SITE_ID}.`,
    );
    // The result holds focus (the emptied form's button is disabled), and goes when the form is edited again.
    const open = await page.one('enrol-open');
    expect(open.props.autoFocus).toBe(true);
    await page.type('enrol-purpose', 'x');
    await bridge.waitFor((doc) => (findAll(doc, (n) => n.props.testId === 'enrol-result').length ? undefined : true));
    await page.type('enrol-purpose', '');
    await page.click('back-to-registry');
    expect((await page.one('functional-show-add')).props.autoFocus).toBe(true);
    const registry = await page.text('registry', (t) => t.includes('Backup_Func_') && t.includes('report.func'));
    expect(registry).toContain('Weekly reports');
  });

  it('chooses people for hand-over and the filters by name with email, saying a search finds active people only', async () => {
    // Every person picker on the registry view is labelled (Label + inputId; the host prefixes ids per app).
    const doc = await bridge.waitFor((d) => d);
    const labels = findAll(doc, (n) => n.type === 'Label').map((n) => String(n.props.labelFor));
    for (const id of ['handover-from', 'handover-to', 'functional-filter-owner', 'functional-filter-backup']) {
      const picker = findAll(doc, (n) => n.props.testId === id)[0];
      expect(picker?.type).toBe('Select');
      expect(labels).toContain(picker?.props.inputId);
    }
    // Nobody has left yet: no one is offered before a search.
    expect((await page.one('handover-from')).props.options).toEqual([]);
    expect(findAll(doc, (n) => n.props.testId === 'handover-departed')).toHaveLength(0);
    // No directory index yet: a search finds active people only, and each picker says so.
    const jonas = site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId);
    await bridge.fire(await page.one('handover-from'), 'onInputChange', jonas?.displayName ?? '?');
    const options = await page.options('handover-from', (o) => o.length > 0);
    expect(options.find((o) => o.value === jonas?.accountId)?.label).toBe(`${jonas?.displayName} · ${jonas?.email}`);
    expect(await page.text('handover-from-active-only')).toBe(
      'Active people only until the directory index is built: inactive and deleted people are found then.',
    );
    await bridge.fire(await page.one('handover-from'), 'onInputChange', '');
    await bridge.fire(await page.one('functional-filter-owner'), 'onInputChange', jonas?.displayName ?? '?');
    expect(await page.text('functional-filter-active-only')).toMatch(/^Active people only until the directory index/);
    await bridge.fire(await page.one('functional-filter-owner'), 'onInputChange', '');
  });

  it("records a credential and a rotation in the account's own view", async () => {
    const backupId = [...site.sim.state.users.values()].find(
      (u) => u.displayName === `Backup_Func_${SITE_ID}`,
    )?.accountId;
    await page.click(`functional-open-${backupId}`);
    expect((await page.one('back-to-registry')).props.autoFocus).toBe(true);
    const details = await page.text('account-details');
    expect(details).toContain('Purpose: Weekly reports');
    expect(details).toContain('Integration: Reporting tool');
    expect(details).not.toContain(backupId);
    // Its history: the registration, by name and in words.
    const history = await page.text('account-history', (t) => t.includes('Functional account registered'));
    expect(history).not.toMatch(/functional\.|done/);
    await page.type('credential-label', 'nightly token');
    const picker = await page.one('credential-expires');
    expect(picker.type).toBe('DatePicker');
    await bridge.fire(picker, 'onChange', new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await page.click('credential-add');
    expect(await page.text('credential-notice')).toBe('Recorded “nightly token”.');
    // The emptied form's first field holds focus, ready for the next credential.
    expect((await page.one('credential-label')).props.autoFocus).toBe(true);
    // Record rotation asks first, with the new credential's expiry: 365 days ahead by default, said in words.
    await page.click('rotate-nightly token');
    await page.one('rotate-confirm');
    const backup = [...site.sim.state.users.values()].find((u) => u.displayName === `Backup_Func_${SITE_ID}`);
    const stored = () =>
      JSON.stringify(site.kvs.keys().map((k) => site.kvs.peek(k))).match(/"status":"expired"/g)?.length ?? 0;
    const retiredBefore = stored();
    const defaultDay = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    expect((await page.one('rotate-expires')).props.value).toBe(defaultDay);
    const inWords = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });
    expect(await page.text('rotate-expires-words')).toBe(
      `The new credential expires ${inWords.format(new Date(`${defaultDay}T00:00:00Z`))}.`,
    );
    // Nothing is recorded until the admin confirms; the admin can change the day.
    expect(stored()).toBe(retiredBefore);
    const chosen = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
    await bridge.fire(await page.one('rotate-expires'), 'onChange', chosen);
    const chosenWords = inWords.format(new Date(`${chosen}T00:00:00Z`));
    expect(await page.text('rotate-expires-words', (t) => t.includes(chosenWords))).toBe(
      `The new credential expires ${chosenWords}.`,
    );
    await page.click('rotate-confirm-confirm');
    const text = await bridge.waitFor((doc) => {
      const t = JSON.stringify(doc, (k, v: unknown) =>
        k === 'props' && typeof v === 'object' ? { text: (v as { text?: unknown }).text } : v,
      );
      return t.includes('retired') && !findAll(doc, (n) => n.props.testId === 'rotate-confirm').length ? t : undefined;
    });
    expect(text).toContain('nightly token');
    // The retired credential's button is gone: focus is on the new credential's own "Record rotation", and
    // a message says what was recorded.
    const again = await bridge.waitFor(
      (doc) => findAll(doc, (n) => n.props.testId === 'rotate-nightly token' && n.props.autoFocus === true)[0],
    );
    expect(again.type).toBe('Button');
    expect(await page.text('credential-notice')).toBe(
      `Recorded a rotation of “nightly token”: the new one expires ${chosenWords}.`,
    );
    const record = site.kvs
      .keys()
      .map(
        (k) => site.kvs.peek(k) as { accountId?: string; credentials?: Array<{ status: string; expiresAt?: string }> },
      )
      .find((v) => v?.accountId === backup?.accountId && Array.isArray(v.credentials));
    const active = record?.credentials?.find((c) => c.status === 'active');
    expect(active?.expiresAt?.slice(0, 10)).toBe(chosen);
  });

  it('finds exactly the expected problems after the owner is deactivated', async () => {
    const jonas = site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId);
    if (jonas) jonas.active = false;
    // The health check runs on the queue: let it (and the directory crawl held since the page opened) run.
    site.queue.configure({ maxConcurrency: 8 });
    await page.click('back-to-registry');
    const backupId = [...site.sim.state.users.values()].find(
      (u) => u.displayName === `Backup_Func_${SITE_ID}`,
    )?.accountId;
    expect((await page.one(`functional-open-${backupId}`)).props.autoFocus).toBe(true);
    await page.click('health-check-now');
    await page.text('last-check', (t) => t.includes('2 accounts'));
    const registry = await page.text('registry', (t) => t.includes('Owner inactive'));
    // Backup: orphaned (owner inactive). Report: Jira named it after its email, so it breaks the convention.
    const backupRow = registry.slice(registry.indexOf('Backup_Func_'));
    expect(backupRow).toContain('Owner inactive');
    expect(registry.match(/Owner inactive/g)).toHaveLength(1);
    expect(registry.match(/Name off the convention/g)).toHaveLength(1);
    expect(registry).not.toMatch(/Credential expir/);
    expect(registry).not.toMatch(/owner-inactive|credential-|naming/);

    await page.pick('functional-filter', { label: 'Orphaned (owner inactive or deleted)', value: 'orphaned' });
    const orphaned = await page.text('registry', (t) => !t.includes('report.func'));
    expect(orphaned).toContain(`Backup_Func_${SITE_ID}`);
    await page.pick('functional-filter', { label: 'All accounts', value: '' });
    await page.text('registry', (t) => t.includes('report.func'));
  });

  it('keeps no email in KVS: owners and accounts are stored by account ID', () => {
    const stored = site.kvs.keys().map((k) => JSON.stringify(site.kvs.peek(k)));
    expect(stored.filter((v) => v.includes('"ownerAccountId"')).length).toBeGreaterThanOrEqual(2);
    expect(stored.join('\n')).not.toMatch(/@example\.com/);
  });

  it('shows the functional badge in the Users tab, and func finds registered accounts', async () => {
    await page.tab(0);
    await page.type('user-search', 'func');
    const table = await page.text('user-table', (t) => t.includes('report.func'));
    expect(table).toContain(`Backup_Func_${SITE_ID}`);
    // The badge agrees with the registry: registered accounts are "Functional", a `_Func_` name the registry
    // lacks reads "Not registered".
    const unregistered = [...site.sim.state.users.values()].filter(
      (u) => u.displayName.includes('_Func_') && u.displayName !== `Backup_Func_${SITE_ID}`,
    );
    expect(table.match(/Not registered/g)).toHaveLength(unregistered.length);
    expect(table.match(/Functional/g)).toHaveLength(2);
  });

  it('fixes the orphaned account by editing its owner, and unregisters another from its row', async () => {
    const backup = [...site.sim.state.users.values()].find((u) => u.displayName === `Backup_Func_${SITE_ID}`);
    const report = [...site.sim.state.users.values()].find((u) => u.email === 'report.func@example.com');
    await page.tab(3);
    await page.click(`functional-open-${backup?.accountId}`);
    expect(await page.text('account-findings')).toMatch(/Owner inactive/);
    await page.click('account-edit');
    // Every field is labelled; the current owner shows by name (never the account ID), as do the empty backups.
    const ownerPicker = await page.one('functional-edit-owner');
    expect(ownerPicker.type).toBe('Select');
    // (The host prefixes ids per app, as Jira does.)
    expect(ownerPicker.props.inputId).toMatch(/functional-edit-owner-input$/);
    expect((ownerPicker.props.value as { label?: string } | null)?.label).toBe(
      site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId)?.displayName,
    );
    const doc = await bridge.waitFor((d) => d);
    const labels = findAll(doc, (n) => n.type === 'Label').map((n) => String(n.props.labelFor));
    for (const id of ['owner', 'backup-1', 'backup-2', 'backup-3']) {
      const picker = findAll(doc, (n) => n.props.testId === `functional-edit-${id}`)[0];
      expect(labels).toContain(picker?.props.inputId);
    }
    expect((await page.one('functional-edit-backup-1')).props.value).toBeNull();
    // Choosing an inactive owner warns before anything is saved. The picker searches as the Users tab does:
    // Jira's user search finds active people only, so an inactive one is found from the directory index.
    await buildDirectoryIndex(site);
    await pickUser('functional-edit-owner', NAMED_USERS.jiraAdmin.accountId, /· inactive$/);
    expect(await page.text('functional-edit-owner-warning')).toMatch(/is inactive/);
    // So does another functional account as owner.
    await pickUser('functional-edit-owner', report?.accountId ?? '?');
    expect(await page.text('functional-edit-owner-warning')).toMatch(/itself a functional account/);
    // A backup is chosen the same way, each option telling people apart, and warned about when it is the owner.
    await pickUser('functional-edit-backup-1', report?.accountId ?? '?');
    expect(await page.text('functional-edit-backup-warning')).toMatch(/already the owner/);
    await page.pick('functional-edit-backup-1', null);
    await pickUser('functional-edit-owner', NAMED_USERS.regular.accountId);
    await page.click('functional-edit-save');
    expect(await page.text('account-notice')).toBe(`Saved Backup_Func_${SITE_ID}.`);
    const regular = site.sim.state.users.get(NAMED_USERS.regular.accountId)?.displayName ?? '?';
    await page.text('account-details', (t) => t.includes(`Owner: ${regular}`));
    await page.click('back-to-registry');
    const registry = await page.text('registry', (t) => !t.includes('Owner inactive'));
    expect(registry).toContain(regular);

    await page.click(`functional-open-${report?.accountId}`);
    await page.click('account-unregister');
    await page.click('functional-unregister-confirm');
    expect(await page.text('functional-notice', (t) => t.startsWith('Unregistered'))).toBe(
      'Unregistered report.func. The Jira account is unchanged.',
    );
    // The message holds focus: the view acted in is gone.
    expect((await page.one('functional-notice-dismiss')).props.autoFocus).toBe(true);
    await page.text('registry', (t) => !t.includes('report.func'));
    expect(site.sim.state.users.get(report?.accountId ?? '')?.active).toBe(true);
  });

  it('offers the seeded _Func_ accounts that are not registered, and registers one from the prompt', async () => {
    const unregistered = [...site.sim.state.users.values()].filter(
      (u) => u.displayName.includes('_Func_') && u.displayName !== `Backup_Func_${SITE_ID}`,
    );
    const summary = await page.text('unregistered-summary');
    expect(summary).toMatch(new RegExp(`^${unregistered.length} account`));
    const target = unregistered[0];
    await page.click(`register-found-${target?.accountId}`);
    expect(await page.text('functional-register-found-hint')).toMatch(/^Fill in the owner/);
    await pickUser('functional-register-found-owner', NAMED_USERS.regular.accountId);
    await pickGroup('functional-register-found-owning-group', 'team-data');
    await page.type('functional-register-found-purpose', 'Imports');
    await page.type('functional-register-found-integration', 'Importer');
    await page.click('functional-register-found-save');
    expect(await page.text('functional-notice', (t) => t.startsWith('Registered'))).toBe(
      `Registered ${target?.displayName}.`,
    );
    await page.text('registry', (t) => t.includes(target?.displayName ?? '?'));
  });

  it("shows a role's group warnings in full, as wrapped text", async () => {
    await page.click('functional-show-roles');
    await page.type('role-name', 'Licensed bots');
    await pickGroup('role-group-picker', 'jira-software-users');
    await page.click('role-add-group');
    await page.click('role-save');
    const warning = await bridge.waitFor(
      (doc) => findAll(doc, (n) => n.props.testId === 'role-warning' && textOf(n).includes('jira-software-users'))[0],
    );
    // Text wraps where a lozenge cut it off ("jira-software-users gives acc…").
    expect(warning.type).toBe('Text');
    expect(textOf(warning)).toMatch(/^jira-software-users gives access to .+ \(uses a licence\)\.$/);
    await page.click('back-to-registry');
  });

  it('hands every account of an owner who left to a new owner, offering the departed owner from the registry', async () => {
    const rita = site.sim.state.users.get(NAMED_USERS.regular.accountId);
    const ada = site.sim.state.users.get(NAMED_USERS.siteAdmin.accountId);
    const owned = () =>
      site.kvs
        .keys()
        .map((k) => site.kvs.peek(k) as { ownerAccountId?: string; accountId?: string })
        .filter((v) => v?.ownerAccountId === rita?.accountId && typeof v.accountId === 'string');
    const names = owned().map((v) => site.sim.state.users.get(v.accountId ?? '')?.displayName ?? '?');
    expect(names).toHaveLength(2);
    if (rita) rita.active = false;
    await page.click('health-check-now');
    await page.text('registry', (t) => t.match(/Owner inactive/g)?.length === 2);
    // The check's follow-ups (expiry reminders, the daily hand-over marks) and the index's crawls are done.
    await site.queue.idle();
    // The registry's check found her inactive: she is offered before anything is typed, with her email, her
    // status and the accounts she owns (a search would not find her until the directory index is rebuilt).
    const offered = await page.options('handover-from', (o) => o.some((x) => x.value === rita?.accountId));
    const option = offered.find((o) => o.value === rita?.accountId) ?? null;
    expect(option?.label).toMatch(new RegExp(`^${rita?.displayName} · ${rita?.email} · inactive · owns `));
    for (const n of names) expect(option?.label).toContain(n);
    expect(option?.label).not.toContain(rita?.accountId);
    expect(await page.text('handover-departed')).toMatch(/^Owners who have left are listed first \(one person/);
    await page.pick('handover-from', option);
    // The new owner is chosen among active people: Jonas (inactive, and the index built since knows it) is
    // found by the current-owner search but not offered as a new owner.
    const jonas = site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId);
    const answered = async (testId: string, text: string) => {
      await bridge.fire(await page.one(testId), 'onInputChange', text);
      // (The options once the search for `text` has answered; wrapped, as waitFor takes [] for "not yet".)
      const answer = await bridge.waitFor((doc) => {
        const n = findAll(doc, (x) => x.props.testId === testId)[0];
        return n && n.props.isLoading === false
          ? { options: n.props.options as Array<{ label: string; value: string }> }
          : undefined;
      });
      return answer.options;
    };
    const searched = await page.options('handover-from', () => true);
    expect(searched.map((o) => o.value)).toContain(rita?.accountId);
    const asNew = await answered('handover-to', jonas?.displayName ?? '?');
    expect(asNew.map((o) => o.value)).not.toContain(jonas?.accountId);
    // A functional account as new owner is warned about before anything moves.
    const func = [...site.sim.state.users.values()].find((u) => u.displayName === `Backup_Func_${SITE_ID}`);
    await pickUser('handover-to', func?.accountId ?? '?');
    expect(await page.text('handover-to-warning')).toMatch(/itself a functional account/);
    await pickUser('handover-to', NAMED_USERS.siteAdmin.accountId);
    await bridge.waitFor((doc) =>
      findAll(doc, (n) => n.props.testId === 'handover-to-warning').length ? undefined : true,
    );
    await page.click('handover-submit');
    expect(await page.text('handover-result')).toBe(
      `2 accounts handed over from ${rita?.displayName} to ${ada?.displayName}.`,
    );
    expect(owned()).toHaveLength(0);
    // Nobody who left owns an account any more: no one is offered, and the registry names the new owner.
    await bridge.waitFor((doc) =>
      findAll(doc, (n) => n.props.testId === 'handover-departed').length ? undefined : true,
    );
    const registry = await page.text('registry', (t) => !t.includes('Owner inactive'));
    expect(registry).toContain(ada?.displayName);
  });
});
