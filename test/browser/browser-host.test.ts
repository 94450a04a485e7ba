import type { Browser, Page } from 'playwright-core';
import { buildFrontend } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import type { LocalSite } from '../../local/local-site';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * The browser host in real Chromium: the app's UI Kit bundle renders through the browser bridge with
 * Atlaskit, its invoke reaches the resolver host as the chosen user, and a non-admin is refused.
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
    page = await browser.newPage();
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
    // Atlaskit tabs render as ARIA tabs; choosing one shows its panel.
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('tabpanel').getByText(`${site.sim.state.groups.size} groups on this site.`).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('shows a non-admin the refusal', async () => {
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.regular.accountId)}`);
    await page.getByText('Only Jira administrators can use User Admin.').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('summary-users').count()).toBe(0);
  });
});
