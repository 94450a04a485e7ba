import type { Browser, Page } from 'playwright-core';
import { buildFrontend } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import type { LocalSite } from '../../local/local-site';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * The Groups tab in real Chromium (issue 10): a member is removed from their own row only after a
 * confirmation dialog; adding someone who is already a member of a licensed group shows no licence
 * warning; a bulk change's outcome list names the people.
 */
describe('Groups tab and bulk changes in Chromium', () => {
  let site: LocalSite;
  let web: BrowserHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  const nameOf = (id: string) => site.sim.state.users.get(id)?.displayName ?? '?';

  /**
   * Form fields with no accessible name (axe-core's `label` rule; axe-core itself is not installed here).
   * The local host's own top bar is left out: it is not the app.
   */
  const unlabelledFields = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('#app input, #app textarea, #app select')]
        .map((el) => el as HTMLInputElement)
        .filter((e) => e.type !== 'hidden')
        .filter(
          (e) =>
            !(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'),
        )
        .map((e) => e.outerHTML.slice(0, 160)),
    );

  const openGroup = async (name: string) => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByTestId('group-search').fill(name);
    await page.getByTestId(`open-group-${name}`).click({ timeout: 20_000 });
    await page.getByRole('heading', { name: `Members of ${name}` }).waitFor();
  };

  beforeAll(async () => {
    site = await startTestSite();
    await buildFrontend();
    web = await startBrowserHost({ host: site.host, state: site.sim.state });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.siteAdmin.accountId)}`);
    await page.getByTestId('summary-users').waitFor({ timeout: 20_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await site?.close();
  });

  it('removes a member from their row only after confirming, and says who left', async () => {
    const team = group('team-web');
    const member = [...(team?.members ?? [])].find((id) => site.sim.state.users.get(id)?.active) as string;
    await openGroup('team-web');
    // Opening a group puts focus on the way back, not on the page body.
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(await focused()).toBe('back-to-groups');
    await page.getByTestId(`remove-member-${member}`).click({ timeout: 20_000 });
    const dialog = page.getByTestId('confirm-remove-member');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(`Remove ${nameOf(member)} from team-web?`);
    await page.screenshot({ path: 'test-results/group-remove-confirm.png' });
    // Nothing changes until the administrator confirms.
    expect(team?.members.has(member)).toBe(true);
    await page.getByTestId('confirm-remove-member-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(team?.members.has(member)).toBe(true);

    await page.getByTestId(`remove-member-${member}`).click();
    await page.getByTestId('confirm-remove-member-confirm').click();
    // The row acted on says so, in place, with Undo holding focus.
    await page.getByTestId('members-removed').waitFor();
    expect(team?.members.has(member)).toBe(false);
    await page.getByTestId(`remove-member-${member}`).waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'members-undo');
    await page.getByTestId('members-undo').click();
    await page.getByTestId('members-row-note').getByText('Back in team-web.').waitFor({ timeout: 20_000 });
    expect(team?.members.has(member)).toBe(true);
    expect(await focused()).toBe(`remove-member-${member}`);
    expect(await unlabelledFields()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('adds an existing member of a licensed group without a licence warning', async () => {
    const jsm = group('jira-servicemanagement-users');
    const member = [...(jsm?.members ?? [])].find((id) => site.sim.state.users.get(id)?.active) as string;
    const size = jsm?.members.size;
    await page.getByTestId('back-to-groups').click();
    await openGroup('jira-servicemanagement-users');
    await page.getByLabel('Add a member').fill(nameOf(member));
    // Each option names the person with their email, so same-named people can be told apart.
    await page
      .getByRole('option', { name: new RegExp(`^${nameOf(member)} · `) })
      .filter({ hasText: site.sim.state.users.get(member)?.email ?? '?' })
      .click({ timeout: 20_000 });
    await page.getByTestId('add-member-button').click();
    await page
      .getByTestId('members-notice')
      .getByText(`${nameOf(member)} is already a member of jira-servicemanagement-users.`)
      .waitFor();
    expect(await page.getByTestId('confirm-licence').count()).toBe(0);
    expect(await page.getByText('This uses licences').count()).toBe(0);
    expect(jsm?.members.size).toBe(size);
    expect(pageErrors).toEqual([]);
  });

  it('lists a bulk change’s outcomes by name', async () => {
    await page.getByTestId('back-to-groups').click();
    const target = group('team-data');
    const member = [...(target?.members ?? [])][0] as string;
    const newcomers = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !target?.members.has(u.accountId))
      .slice(0, 3);
    const customer = [...site.sim.state.users.values()].find((u) => u.accountType === 'customer');
    const lines = [...newcomers.map((u) => u.email), site.sim.state.users.get(member)?.email, customer?.email];
    await page.getByTestId('bulk-users').fill(lines.join('\n'));
    await page.getByLabel('Group', { exact: true }).fill('team-data');
    await page.getByRole('option', { name: 'team-data', exact: true }).click({ timeout: 20_000 });

    await page.getByTestId('bulk-preview').click();
    const preview = page.getByTestId('bulk-preview-summary');
    await preview.waitFor({ timeout: 20_000 });
    expect(await preview.innerText()).toContain('3 changes to make out of 5 items');
    expect(await page.getByTestId('bulk-preview-already').innerText()).toContain(nameOf(member));

    await page.getByTestId('bulk-start').click();
    await page
      .getByTestId('bulk-status')
      .getByText(/finished/)
      .waitFor({ timeout: 30_000 });
    // The job is over: the form is empty and Start is disabled, so it cannot run twice by one more click.
    expect(await page.getByTestId('bulk-users').inputValue()).toBe('');
    expect(await page.getByTestId('bulk-start').isDisabled()).toBe(true);
    // Failures are shown first; the customer is named with Jira's reason, and no retry is offered for it.
    // Atlaskit's DynamicTable puts `--table` after the test id.
    const outcomes = page.getByTestId('bulk-outcomes--table');
    await outcomes.getByText(customer?.displayName ?? '?').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('bulk-retry').count()).toBe(0);
    await page.getByLabel('Show outcomes').click();
    await page.getByRole('option', { name: 'All (5)' }).click();
    for (const u of newcomers) await outcomes.getByText(u.displayName, { exact: true }).waitFor();
    const text = await outcomes.innerText();
    expect(text).toContain(nameOf(member));
    expect(text).toContain('was already in team-data');
    expect(text).not.toMatch(/[0-9a-f]{6}:[0-9a-f-]{20,}/);
    for (const u of newcomers) expect(target?.members.has(u.accountId)).toBe(true);
    await page.screenshot({ path: 'test-results/bulk-outcomes.png', fullPage: true });
    expect(await unlabelledFields()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('labels every field of the Users and Customers tabs', async () => {
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByTestId('user-search').waitFor();
    expect(await unlabelledFields()).toEqual([]);
    await page.getByRole('tab', { name: 'Customers' }).click();
    await page.getByLabel('Service desk').click({ timeout: 20_000 });
    await page.locator('#app [role="option"]').first().click();
    await page.getByTestId('bulk-customers').waitFor();
    expect(await unlabelledFields()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('fits a 1024×768 screen: no sideways scrolling on the Users, Groups and Customers tabs', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.getByRole('tab', { name: 'Users' }).click();
    await page.getByTestId('user-search').fill('a');
    await page.getByTestId('user-table--table').waitFor({ timeout: 20_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByTestId('group-table--table').waitFor({ timeout: 20_000 });
    await page.getByTestId('count-members').click();
    const web = page.getByRole('row').filter({ hasText: 'team-web' });
    const activeWeb = [...(group('team-web')?.members ?? [])].filter(
      (id) => site.sim.state.users.get(id)?.active,
    ).length;
    await web.getByText(`${activeWeb} active members`).waitFor({ timeout: 20_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByTestId('open-group-team-web').click();
    await page.getByTestId('group-members--table').waitFor({ timeout: 20_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/group-members-1024.png' });
    await page.getByRole('tab', { name: 'Customers' }).click();
    await page.getByTestId('provision-email').waitFor({ timeout: 20_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
  });
});
