import type { Browser, Page } from 'playwright-core';
import { buildFrontend } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import type { LocalSite } from '../../local/local-site';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * The browser host in real Chromium: the app's UI Kit bundle renders through the browser bridge with
 * Atlaskit, its invoke reaches the resolver host as the chosen user, and the main flow works end to end.
 */
describe('browser host in Chromium', () => {
  let site: LocalSite;
  let web: BrowserHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    site = await startTestSite();
    await buildFrontend();
    web = await startBrowserHost({ host: site.host, state: site.sim.state });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await site?.close();
  });

  it('renders the site summary with Atlaskit for a site admin', async () => {
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.siteAdmin.accountId)}`);
    const users = page.getByTestId('summary-users');
    await users.waitFor({ timeout: 20_000 });
    expect(await users.innerText()).toContain(String(site.sim.state.users.size));
    expect(await page.getByTestId('summary-groups').innerText()).toContain(String(site.sim.state.groups.size));
    expect(pageErrors).toEqual([]);
  });

  it('walks the main flow: search, open a user, add them to a group, see it in the audit log', async () => {
    await page.getByTestId('user-search').fill('Nils');
    await page.getByTestId(`open-${NAMED_USERS.noAccess.accountId}`).click({ timeout: 20_000 });
    const panel = page.getByTestId('user-panel');
    await panel.getByText('nils.noaccess@example.com').waitFor();
    await page.getByLabel('Add to group').fill('team-web');
    await page.getByText('team-web', { exact: true }).click();
    await page.getByTestId('user-panel-add-group').click();
    await panel.getByText('team-web: Added to the group.').waitFor();
    const teamWeb = [...site.sim.state.groups.values()].find((g) => g.name === 'team-web');
    expect(teamWeb?.members.has(NAMED_USERS.noAccess.accountId)).toBe(true);
    await page.screenshot({ path: 'test-results/user-panel.png' });
    await panel.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('tab', { name: 'Audit' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Added to group' });
    await row.first().waitFor();
    expect(await row.first().innerText()).toContain('team-web');
    await page.screenshot({ path: 'test-results/audit.png' });
    expect(pageErrors).toEqual([]);
  });

  it('renders the Functional accounts tab and runs a health check from it', async () => {
    await page.getByRole('tab', { name: 'Functional accounts' }).click();
    await page.getByTestId('health-check-now').click({ timeout: 20_000 });
    await page.getByTestId('last-check').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('last-check').innerText()).toMatch(/0 accounts, 0 findings/);
    await page.screenshot({ path: 'test-results/functional.png' });
    // Adding an account and roles are views of their own; going back puts focus on the button that left.
    await page.getByTestId('functional-show-roles').click();
    await page.getByTestId('role-name').waitFor();
    await page.getByTestId('back-to-registry').click();
    await page.getByTestId('functional-show-add').click();
    await page.getByTestId('enrol-purpose').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('back-to-registry');
    await page.getByTestId('back-to-registry').click();
    await page.getByTestId('functional-show-add').waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('functional-show-add');
    expect(pageErrors).toEqual([]);
  });

  it('shows a non-admin the refusal', async () => {
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.regular.accountId)}`);
    await page.getByText('Only Jira administrators can use User Admin.').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('summary-users').count()).toBe(0);
  });
});
