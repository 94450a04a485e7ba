import type { LocalSite } from '../../local/local-site';
import type { FakeBridge } from '../../local/host/fake-bridge';
import { SITE_ID } from '../../local/jira-sim/seed';
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
  const pickGroup = async (testId: string, name: string) => {
    const opts = await page.options(testId, (o) => o.some((x) => x.label.startsWith(name)));
    await page.pick(testId, opts.find((o) => o.label.startsWith(name)) ?? null);
  };

  beforeAll(async () => {
    // A site where Jira lets the app create accounts (the default simulator refuses, as Jira documents).
    ({ site, bridge, page, close } = await openUiPage(NAMED_USERS.siteAdmin.accountId, {
      seed: { users: 300, groups: 20 },
      allowForgeUserCreation: true,
    }));
  });
  afterAll(() => close());

  it('defines a role, creates an account from it and registers another', async () => {
    await page.tab(3);
    await page.type('role-name', 'Reporting bots');
    await pickGroup('role-group-picker', 'team-data');
    await page.click('role-add-group');
    await page.click('role-save');
    await page.options('enrol-role', (o) => o.some((x) => x.label === 'Reporting bots'));

    await page.pick('enrol-mode', { label: 'Create a new account from a role', value: 'create' });
    await page.type('enrol-name', 'Report');
    await page.type('enrol-email', 'report.func@example.com');
    const roles = await page.options('enrol-role', (o) => o.length > 0);
    await page.pick('enrol-role', roles[0] ?? null);
    await page.type('enrol-owner', NAMED_USERS.regular.email);
    await pickGroup('enrol-owning-group', 'team-data');
    await page.type('enrol-purpose', 'Weekly reports');
    await page.type('enrol-integration', 'Reporting tool');
    await page.click('enrol-submit');
    expect(await page.text('enrol-result')).toMatch(new RegExp(`rename it to Report_Func_${SITE_ID}`));
    const created = [...site.sim.state.users.values()].find((u) => u.email === 'report.func@example.com');
    expect(group('team-data')?.members.has(created?.accountId ?? '')).toBe(true);

    await page.pick('enrol-mode', { label: 'Register an existing account', value: 'register' });
    await page.type('enrol-account', 'backup.func@example.com');
    await page.type('enrol-owner', NAMED_USERS.jiraAdmin.email);
    await page.click('enrol-submit');
    expect(await page.text('enrol-result', (t) => t.startsWith('Registered'))).toBe(
      `Registered Backup_Func_${SITE_ID}.`,
    );
    const registry = await page.text('registry', (t) => t.includes('Backup_Func_') && t.includes('report.func'));
    expect(registry).toContain('Weekly reports');
  });

  it('records a credential and a rotation', async () => {
    const accounts = await page.options('credential-account', (o) => o.some((x) => x.label.startsWith('Backup_Func_')));
    await page.pick('credential-account', accounts.find((o) => o.label.startsWith('Backup_Func_')) ?? null);
    await page.type('credential-label', 'nightly token');
    await page.type('credential-expires', new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10));
    await page.click('credential-add');
    await page.click('rotate-nightly token');
    const text = await bridge.waitFor((doc) => {
      const t = JSON.stringify(doc, (k, v: unknown) =>
        k === 'props' && typeof v === 'object' ? { text: (v as { text?: unknown }).text } : v,
      );
      return t.includes('expired') ? t : undefined;
    });
    expect(text).toContain('nightly token');
  });

  it('finds exactly the expected problems after the owner is deactivated', async () => {
    const jonas = site.sim.state.users.get(NAMED_USERS.jiraAdmin.accountId);
    if (jonas) jonas.active = false;
    await page.click('health-check-now');
    await page.text('last-check', (t) => t.includes('2 accounts'));
    const registry = await page.text('registry', (t) => t.includes('owner-inactive'));
    // Backup: orphaned (owner inactive). Report: Jira named it after its email, so it breaks the convention.
    const backupRow = registry.slice(registry.indexOf('Backup_Func_'));
    expect(backupRow).toContain('owner-inactive');
    expect(registry.match(/owner-inactive/g)).toHaveLength(1);
    expect(registry.match(/naming/g)).toHaveLength(1);
    expect(registry).not.toMatch(/credential-expir/);

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
    expect(table).toContain('Functional');
  });
});
