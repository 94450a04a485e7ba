/**
 * `npm run screenshots`: pictures of every tab of the app on the local Forge site, for the README.
 * Starts the default seeded site (2,000 users) in memory, makes a little history through the resolvers
 * (group changes, a bulk change, a registered functional account with a credential, a health check) so
 * no tab is empty, then opens each tab in headless Chromium (test/support/chromium.ts: a system Chromium
 * or the one inside @sparticuz/chromium) at 1440×900 and 1024×768 and writes full-page PNGs to
 * docs/screenshots/<tab>-<width>.png, once the directory index is built (the page a returning administrator
 * sees, not the first open's "building" state), and dates the README's screenshot section. It prints every console warning or error and every page wider than
 * its window, and exits with status 1 if there were any, so a regression shows up.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { SiteSummary } from '../src/contract';
import { launchChromium } from '../test/support/chromium';
import { buildFrontend } from './host/build-frontend';
import { startBrowserHost } from './host/browser-host';
import { NAMED_USERS } from './jira-sim/seed';
import { startLocalSite, type LocalSite } from './local-site';
import { PROJECT_ROOT } from './manifest';

const OUT = join(PROJECT_ROOT, 'docs', 'screenshots');
const TABS = ['Users', 'Groups', 'Customers', 'Functional accounts', 'Audit'];
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
];
const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DETAILS: Array<[string, (page: Page) => Promise<void>]> = [
  [
    'group-members',
    async (page) => {
      await page.getByRole('tab', { name: 'Groups' }).click();
      const row = page.getByRole('row').filter({ hasText: 'jira-software-users' });
      await row.getByRole('button').first().click({ timeout: 20_000 });
    },
  ],
  [
    'desk-customers',
    async (page) => {
      await page.getByRole('tab', { name: 'Customers' }).click();
      await page.locator('[id$="desk-picker-input"]').click({ timeout: 20_000 });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
    },
  ],
];

async function invoke(site: LocalSite, key: string, payload: unknown): Promise<unknown> {
  const res = (await site.host.invoke(key, payload, ADMIN)) as { ok: boolean; data?: unknown; error?: unknown };
  if (!res.ok) throw new Error(`${key}: ${JSON.stringify(res.error)}`);
  return res.data;
}

/** Opens the page once as an administrator would (which starts the directory crawl) and waits until the index is built. */
async function buildIndex(site: LocalSite): Promise<void> {
  for (let round = 0; round < 200; round += 1) {
    const summary = (await invoke(site, 'getSiteSummary', {})) as SiteSummary;
    if (summary.snapshot.asOf && !summary.snapshot.building) return;
    await site.queue.idle();
  }
  throw new Error('the directory index was not built');
}

/** Some history, as an administrator's first hour would leave it. */
async function makeHistory(site: LocalSite): Promise<void> {
  const users = [...site.sim.state.users.values()];
  const people = users.filter((u) => u.accountType === 'atlassian' && u.active && !u.displayName.includes('_Func_'));
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);
  const web = group('team-web');
  const data = group('team-data');
  if (!web || !data) throw new Error('the seeded site lacks team-web or team-data');
  for (const p of people.slice(10, 13))
    await invoke(site, 'addGroupMember', { groupId: web.groupId, accountId: p.accountId });
  // A bulk change runs on the queue: wait until its consumer has finished.
  await invoke(site, 'createBulkJob', {
    operation: 'add-users-to-group',
    accountIds: people.slice(20, 26).map((p) => p.accountId),
    groupIds: [data.groupId],
  });
  await site.queue.idle();
  const func = users.find((u) => u.displayName.startsWith('Backup_Func_'));
  if (func) {
    await invoke(site, 'registerFunctional', {
      accountId: func.accountId,
      ownerAccountId: people[3]?.accountId,
      owningGroupId: web.groupId,
      purpose: 'Nightly backup of Jira data',
      integration: 'Backup service',
    });
    await invoke(site, 'addCredential', {
      accountId: func.accountId,
      type: 'api-token',
      label: 'backup token',
      expiresAt: new Date(Date.now() + 6 * 86_400_000).toISOString(),
    });
  }
  await invoke(site, 'runHealthCheck', {});
  await site.queue.idle();
}

/** Waits until the page has made no resolver call for a moment. */
async function settle(page: Page, pending: { count: number }): Promise<void> {
  let quietSince = Date.now();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (pending.count > 0) quietSince = Date.now();
    else if (Date.now() - quietSince > 900) return;
    await page.waitForTimeout(100);
  }
}

/** The README says when the pictures were taken (between its screenshot markers), written here, not by hand. */
function stampReadme(): void {
  const file = join(PROJECT_ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const stamp = `<!-- screenshots:date -->Taken on ${new Date().toISOString().slice(0, 10)} by \`npm run screenshots\`, from a site whose directory index is built.<!-- /screenshots:date -->`;
  const next = text.replace(/<!-- screenshots:date -->[\s\S]*?<!-- \/screenshots:date -->/, stamp);
  if (next !== text) writeFileSync(file, next);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const site = await startLocalSite({ seed: { users: 2000 } });
  const problems: string[] = [];
  try {
    await buildIndex(site);
    await makeHistory(site);
    await buildFrontend();
    const web = await startBrowserHost({ host: site.host, state: site.sim.state });
    const browser = await launchChromium();
    try {
      // One page for both sizes: the packaged Chromium runs as a single process, so closing a page ends it.
      const page = await browser.newPage({ viewport: VIEWPORTS[0] });
      let width = VIEWPORTS[0]?.width ?? 0;
      const pending = { count: 0 };
      page.on('request', (r) => {
        if (r.url().endsWith('/api/invoke')) pending.count += 1;
      });
      const done = (r: { url(): string }) => {
        if (r.url().endsWith('/api/invoke')) pending.count -= 1;
      };
      page.on('requestfinished', done);
      page.on('requestfailed', done);
      page.on('console', (m) => {
        if (m.type() === 'warning' || m.type() === 'error')
          problems.push(`${width}px console ${m.type()}: ${m.text().slice(0, 300)}`);
      });
      page.on('pageerror', (e) => problems.push(`${width}px page error: ${e.message}`));
      for (const viewport of VIEWPORTS) {
        width = viewport.width;
        await page.setViewportSize(viewport);
        await page.goto(`${web.url}/?as=${encodeURIComponent(ADMIN)}`);
        for (const tab of TABS) {
          await page.getByRole('tab', { name: tab }).click({ timeout: 30_000 });
          await settle(page, pending);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) problems.push(`${viewport.width}px ${tab}: page is ${overflow}px wider than the window`);
          const file = join(OUT, `${tab.toLowerCase().replace(/\s+/g, '-')}-${viewport.width}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.info(`wrote ${file}`);
        }
        // Two views one step into a tab: a licence-granting group's members, and a service desk's customers.
        for (const [name, open] of DETAILS) {
          try {
            await open(page);
            await settle(page, pending);
            const file = join(OUT, `${name}-${viewport.width}.png`);
            await page.screenshot({ path: file, fullPage: true });
            console.info(`wrote ${file}`);
          } catch (err) {
            problems.push(`${viewport.width}px ${name}: could not open (${err instanceof Error ? err.message : err})`);
          }
        }
      }
    } finally {
      await browser.close();
      await web.close();
    }
  } finally {
    await site.close();
  }
  for (const p of problems) console.warn(p);
  if (problems.length > 0) process.exitCode = 1;
  else stampReadme();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
