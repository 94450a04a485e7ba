import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildFrontend } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import type { LocalSite } from '../../local/local-site';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * The Audit and Functional accounts tabs in real Chromium: the audit log names people and copies its CSV
 * to the clipboard; a functional account is edited and unregistered from its row; a seeded `_Func_`
 * account that is not registered is offered for registration and registered from that prompt.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('Audit and Functional accounts tabs in Chromium', () => {
  let site: LocalSite;
  let web: BrowserHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** Console warnings and errors, and failed requests (a missing favicon included), on any load. */
  const noise: string[] = [];

  beforeAll(async () => {
    site = await startTestSite();
    await buildFrontend();
    web = await startBrowserHost({ host: site.host, state: site.sim.state });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') noise.push(`${m.type()}: ${m.text().slice(0, 200)}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) noise.push(`${r.status()} ${r.url()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await site?.close();
  });

  it('shows who changed what by name and copies the CSV', async () => {
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !u.displayName.includes('_Func_') && u.accountId !== ADMIN,
    );
    const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    if (!person || !group) throw new Error('seed lacks a person or a team group');
    // A bulk change, as the page runs it: its audit entries hold only account IDs.
    const job = (await site.host.invoke(
      'createBulkJob',
      { operation: 'add-users-to-group', accountIds: [person.accountId], groupIds: [group.groupId] },
      ADMIN,
    )) as { ok: boolean; data: { jobId: string } };
    expect(job.ok).toBe(true);
    await site.queue.idle();

    await page.goto(`${web.url}/?as=${encodeURIComponent(ADMIN)}`);
    await page.getByRole('tab', { name: 'Audit' }).click({ timeout: 20_000 });
    const admin = site.sim.state.users.get(ADMIN)?.displayName as string;
    await page.getByTestId('audit-text').fill(person.displayName.split(' ')[0] as string);
    const row = page.getByRole('row').filter({ hasText: person.displayName }).filter({ hasText: group.name });
    await row.first().waitFor({ timeout: 20_000 });
    const text = await row.first().innerText();
    expect(text).toContain(admin);
    expect(text).toContain('Added to group');
    expect(text).not.toContain(person.accountId);
    expect(text).not.toContain(ADMIN);

    await page.getByTestId('audit-export').click();
    // The CSV reaches the admin either way: on the clipboard ("CSV copied"), or, when the browser refuses the
    // clipboard (a headless page can lose the focus writeText needs), in a box to copy by hand. The copied
    // path is also what the a11y sweep's audit-csv-copied state shows.
    const info = page.getByTestId('audit-csv-info');
    await info.waitFor({ timeout: 30_000 });
    // The message says which: "Copied N rows to the clipboard…" or "The browser did not allow copying…".
    const copied = /^Copied /.test(await info.innerText());
    const clip = copied
      ? await page.evaluate(() => navigator.clipboard.readText())
      : await page.locator('textarea[id$="audit-csv-text"]').inputValue();
    expect(clip.split('\n').length).toBeGreaterThan(1);
    expect(clip).toContain(group.name);
    expect(clip).toContain(`"${person.displayName}"`);
    expect(clip).not.toMatch(/@/);
    // No block of text widens the page.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(1440);
    expect(pageErrors).toEqual([]);
  });

  /**
   * Types into a picker (the app's person or group picker, by the end of its input id: the host prefixes ids
   * per app, as Jira does) and chooses the option named `name`.
   */
  const choose = async (inputId: string, query: string, name: string | RegExp) => {
    await page.locator(`[id$="${inputId}"]`).fill(query);
    await page.getByRole('option', { name }).first().click({ timeout: 20_000 });
  };

  /** The person picker's option for `u`: "Name · email" (or "email hidden", and status where unusual). */
  const personOption = (u: { displayName: string }) =>
    new RegExp(`^${u.displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} · (\\S+@\\S+|email hidden|no email)`);

  it('registers a seeded _Func_ account from the prompt, edits it and unregisters it', async () => {
    const func = [...site.sim.state.users.values()].filter((u) => u.displayName.includes('_Func_'));
    const target = func[0];
    if (!target) throw new Error('seed has no _Func_ account');
    const people = [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        !u.displayName.includes('_Func_') &&
        /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.displayName) &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
    const [owner, newOwner] = people.filter((u) => u.active);
    if (!owner || !newOwner) throw new Error('seed lacks people');

    await page.getByRole('tab', { name: 'Functional accounts' }).click();
    const summary = await page.getByTestId('unregistered-summary').innerText({ timeout: 20_000 });
    expect(summary).toMatch(new RegExp(`^${func.length} account`));
    await page.getByTestId(`register-found-${target.accountId}`).click();
    const dialog = page.getByTestId('functional-register-found');
    await dialog.waitFor();
    expect(await page.getByTestId('functional-register-found-hint').innerText()).toMatch(/^Fill in the owner/);
    // The owner picker names each person with their email, so same-named people can be told apart.
    await choose('functional-register-found-owner-input', owner.displayName, personOption(owner));
    await choose('functional-register-found-owning-group-input', 'team-data', /^team-data/);
    await page.getByTestId('functional-register-found-purpose').fill('Imports issues');
    await page.getByTestId('functional-register-found-integration').fill('Importer');
    await page.getByTestId('functional-register-found-save').click();
    expect(await page.getByTestId('functional-notice').innerText({ timeout: 20_000 })).toBe(
      `Registered ${target.displayName}.`,
    );
    const row = page.getByRole('row').filter({ hasText: target.displayName });
    await row.waitFor();
    expect(await row.innerText()).toContain(owner.displayName);

    // Edit: another functional account as owner is warned about; a person is saved.
    const otherFunc = func[1];
    if (!otherFunc) throw new Error('seed has one _Func_ account only');
    await page.getByTestId(`functional-open-${target.accountId}`).click();
    await page.getByTestId('account-details').waitFor({ timeout: 20_000 });
    await page.getByTestId('account-edit').click();
    await page.getByTestId('functional-edit').waitFor();
    await choose('functional-edit-owner-input', otherFunc.displayName, personOption(otherFunc));
    expect(await page.getByTestId('functional-edit-owner-warning').first().innerText({ timeout: 20_000 })).toMatch(
      /itself a functional account/,
    );
    await choose('functional-edit-owner-input', newOwner.displayName, personOption(newOwner));
    await page.getByTestId('functional-edit-owner-warning').waitFor({ state: 'detached' });
    await page.getByTestId('functional-edit-save').click();
    await page.getByText(`Saved ${target.displayName}.`).waitFor({ timeout: 20_000 });
    await page
      .getByTestId('account-details')
      .filter({ hasText: `Owner: ${newOwner.displayName}` })
      .waitFor();

    // Unregister, confirmed; the Jira account stays and the prompt offers it again.
    await page.getByTestId('account-unregister').click();
    await page.getByTestId('functional-unregister-confirm').click();
    await page
      .getByText(`Unregistered ${target.displayName}. The Jira account is unchanged.`)
      .waitFor({ timeout: 20_000 });
    await page.getByTestId(`register-found-${target.accountId}`).waitFor({ timeout: 20_000 });
    expect(site.sim.state.users.get(target.accountId)?.active).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('opens the same tab again after a reload, with no console warnings on the way', async () => {
    await page.getByRole('tab', { name: 'Audit' }).click();
    expect(new URL(page.url()).hash).toBe('#/audit');
    await page.reload();
    const audit = page.getByRole('tab', { name: 'Audit' });
    await page.getByRole('row').filter({ hasText: 'Added to group' }).first().waitFor({ timeout: 20_000 });
    expect(await audit.getAttribute('aria-selected')).toBe('true');
    await page.goBack();
    expect(noise).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
