import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildFrontend } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import type { LocalSite } from '../../local/local-site';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * Issue 20's check, as a new administrator meets the page: every tab and its states (the first open while
 * the directory index is built, lists, a person's panel, a group's members, the bulk form through preview,
 * running and done, customers and desks, the functional accounts registry and an account's own view, the
 * add/register forms with what they still need, audit with filters and paging, empty and error states) at
 * 1440 and 1024 px. On each state and width axe-core runs its WCAG 2.1 A/AA rules over the app (the local
 * host's own top bar is Jira's, not the app's, and is left out), nothing widens the page sideways, and no
 * text is cut off with an ellipsis. Then the keyboard: after each action issue 20 item 16 names, focus is
 * somewhere in the app (the app's frame or a dialog it opened), never on the page body or the host's bar.
 *
 * Everything found is collected and compared with [] at the end of each test, so one run lists every
 * problem. `SWEEP_SHOTS=/tmp/sweep npx jest test/browser/a11y-sweep` also writes a screenshot of every
 * state at both widths, for a person to look at.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;
const WIDTHS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SHOTS = process.env.SWEEP_SHOTS;
/** axe-core is a devDependency (package.json): a node_modules installed before it was added needs `npm ci`. */
function axePath(): string {
  try {
    return require.resolve('axe-core/axe.min.js');
  } catch {
    throw new Error('axe-core is not installed in node_modules: run `npm ci` (package.json lists it).');
  }
}
const AXE_PATH = axePath();

interface AxeViolation {
  id: string;
  help: string;
  nodes: string[];
}

describe('every tab and state at 1440 and 1024 px: axe-core, layout and keyboard focus', () => {
  let site: LocalSite;
  let web: BrowserHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** Every state swept, by name (each at both widths). */
  const swept: string[] = [];
  /** Every problem found: `<state> @<width>: <what>`. */
  const problems: string[] = [];
  const users = () => [...site.sim.state.users.values()];
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name);

  /** axe-core's WCAG 2.1 A/AA rules over everything but the host's bar (dialogs and menus are portals on body). */
  const axe = () =>
    page.evaluate(async (tags) => {
      const w = window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{
            violations: Array<{
              id: string;
              help: string;
              nodes: Array<{ target: unknown[]; failureSummary?: string }>;
            }>;
          }>;
        };
      };
      const result = await w.axe.run(
        { exclude: [['header.jira-bar']] },
        { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
      );
      return result.violations.map((v) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${(n.failureSummary ?? '').slice(0, 200)}`),
      }));
    }, WCAG_TAGS) as Promise<AxeViolation[]>;

  /** How far the page scrolls sideways, and the app's texts cut off with an ellipsis. */
  const layout = () =>
    page.evaluate(() => {
      const overflow = document.documentElement.scrollWidth - window.innerWidth;
      const cut = [...document.querySelectorAll('#app *, .atlaskit-portal *')]
        .filter((el) => {
          const style = getComputedStyle(el);
          return style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1 && el.textContent;
        })
        .map((el) => (el.textContent ?? '').trim().slice(0, 80));
      return { overflow, cut };
    });

  /**
   * Waits for the page's finite animations (a dialog fading in, a message sliding open) to end: axe-core reads
   * colours as they are drawn, and a label half faded in is not what anyone reads. Spinners loop forever and
   * are left alone.
   */
  const settled = () =>
    page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
          .map((a) => a.finished.catch(() => undefined)),
      ).then(() => undefined),
    );

  /** Sweeps the page as it is now, at both widths, and goes back to 1440 px. */
  const sweep = async (state: string) => {
    const t0 = Date.now();
    swept.push(state);
    for (const viewport of WIDTHS) {
      await page.setViewportSize(viewport);
      await settled();
      const at = `${state} @${viewport.width}`;
      for (const v of await axe()) problems.push(`${at}: axe ${v.id} (${v.help}) ${v.nodes.join(' | ')}`);
      const { overflow, cut } = await layout();
      if (overflow > 0) problems.push(`${at}: the page scrolls ${overflow} px sideways`);
      for (const text of cut) problems.push(`${at}: text cut off: "${text}"`);
      if (SHOTS) {
        mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: join(SHOTS, `${state}-${viewport.width}.png`), fullPage: true });
      }
    }
    await page.setViewportSize(WIDTHS[0]);
    if (process.env.SWEEP_TIMING) console.info(`${state}: ${Date.now() - t0} ms`);
  };

  /** Requests the page has under way, and when one last started or ended. */
  let inFlight = 0;
  let lastRequestAt = 0;
  /** Waits (4 s at most) until the page has had no request under way for 400 ms: the app's reloads are done. */
  const quiet = async () => {
    const end = Date.now() + 4_000;
    while (Date.now() < end && (inFlight > 0 || Date.now() - lastRequestAt < 400))
      await new Promise((r) => setTimeout(r, 100));
  };

  /** Where keyboard focus is: in the app (its frame or a dialog/menu it opened), or lost. */
  const focusPlace = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body || a === document.documentElement) return 'the page body';
      if (a.closest('header.jira-bar')) return "the host's top bar";
      if (a.closest('#app') || a.closest('.atlaskit-portal') || a.closest('[role="dialog"]')) return 'app';
      return `outside the app: ${a.outerHTML.slice(0, 120)}`;
    });

  /** After `action` was taken and its result is on screen: focus must be in the app. */
  const focusAfter = async (action: string) => {
    // autoFocus lands when the control mounts, which follows the result by a render: wait for it a little.
    await page
      .waitForFunction(
        () => {
          const a = document.activeElement;
          return !!a && a !== document.body && !a.closest('header.jira-bar');
        },
        undefined,
        { timeout: 3_000 },
      )
      .catch(() => undefined);
    // Focus can be taken back later (a closing dialog returns it to its opener, which a reload then removes):
    // look again once the page's requests have quietened and its animations ended.
    await quiet();
    await settled();
    const place = await focusPlace();
    if (place !== 'app') problems.push(`keyboard: after ${action} focus is on ${place}`);
  };

  const tab = async (name: string) => {
    await page.getByRole('tab', { name }).click();
  };

  beforeAll(async () => {
    site = await startTestSite();
    await buildFrontend();
    web = await startBrowserHost({ host: site.host, state: site.sim.state });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: WIDTHS[0],
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    await context.addInitScript({ path: AXE_PATH });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', () => {
      inFlight += 1;
      lastRequestAt = Date.now();
    });
    const ended = () => {
      inFlight -= 1;
      lastRequestAt = Date.now();
    };
    page.on('requestfinished', ended);
    page.on('requestfailed', ended);
  });
  beforeEach(() => {
    problems.length = 0;
  });
  afterEach(async () => {
    if (SHOTS)
      await page.screenshot({
        path: join(SHOTS, `zz-end-of-${expect.getState().currentTestName?.slice(80, 110).replace(/\W+/g, '-')}.png`),
      });
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await site?.close();
  });

  it('the first open, while the directory index is built, and the Users tab', async () => {
    // The crawl is held back (every directory read is slow) so the first open shows the building state.
    site.sim.faults.configure({ latencyMs: 2_500, paths: ['/rest/api/3/users/search'] });
    await page.goto(`${web.url}/?as=${encodeURIComponent(ADMIN)}`);
    await page.getByText('Building the directory index').waitFor({ timeout: 30_000 });
    await sweep('first-open-building-index');
    site.sim.faults.configure({});
    await site.queue.idle();
    await page.reload();
    await page.getByTestId('summary-users').waitFor({ timeout: 30_000 });
    await page.getByTestId('user-table--table').waitFor({ timeout: 30_000 });
    await sweep('users-list');

    await page.getByTestId('user-search').fill('zzzz-nobody');
    await page.getByText(/No users match/).waitFor({ timeout: 20_000 });
    await sweep('users-empty');

    const person = users().find(
      (u) => u.accountType === 'atlassian' && u.active && /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.displayName),
    );
    if (!person) throw new Error('seed lacks a person');
    await page.getByTestId('user-search').fill(person.displayName);
    await page.getByTestId(`open-${person.accountId}`).click({ timeout: 20_000 });
    await page.getByTestId('user-panel').getByText(person.displayName).first().waitFor({ timeout: 20_000 });
    await page.getByTestId('copy-account-id').waitFor({ timeout: 20_000 });
    await sweep('person-panel');
    await page.getByLabel('Add to group').fill('team-web');
    await page.getByText('team-web', { exact: true }).click({ timeout: 20_000 });
    await page.getByTestId('user-panel-add-group').click();
    await page.getByTestId('user-panel').getByText('team-web: Added to the group.').waitFor({ timeout: 20_000 });
    await focusAfter('Add (to a group, in a person’s panel)');
    await page.getByTestId('user-panel').getByRole('button', { name: 'Close' }).click();
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Groups: the list, a group’s members, removing and Undo, adding; the keyboard stays in the app', async () => {
    await tab('Groups');
    await page.getByTestId('group-table--table').waitFor({ timeout: 20_000 });
    await sweep('groups-list');

    await page.getByTestId('group-search').fill('team-web');
    await page.getByTestId('open-group-team-web').click({ timeout: 20_000 });
    await page.getByTestId('group-members--table').waitFor({ timeout: 20_000 });
    await focusAfter('opening a group');
    await sweep('group-members');

    const web = group('team-web');
    const member = [...(web?.members ?? [])].find((id) => site.sim.state.users.get(id)?.active) as string;
    await page.getByTestId(`remove-member-${member}`).click();
    await page.getByTestId('confirm-remove-member').waitFor();
    await sweep('group-remove-confirm');
    await page.getByTestId('confirm-remove-member-confirm').click();
    await page.getByTestId('members-removed').waitFor({ timeout: 20_000 });
    await focusAfter('removing a member');
    await sweep('group-member-removed');
    await page.getByTestId('members-undo').click();
    await page.getByTestId('members-row-note').waitFor({ timeout: 20_000 });
    await page.getByTestId(`remove-member-${member}`).waitFor({ timeout: 20_000 });
    await focusAfter('Undo');

    const newcomer = users().find(
      (u) =>
        u.accountType === 'atlassian' && u.active && !web?.members.has(u.accountId) && !u.displayName.includes('_'),
    );
    if (!newcomer) throw new Error('seed lacks a newcomer');
    await page.getByLabel('Add a member').fill(newcomer.displayName);
    await page
      .getByRole('option', { name: new RegExp(`^${newcomer.displayName} · `) })
      .first()
      .click({ timeout: 20_000 });
    await page.getByTestId('add-member-button').click();
    await page.getByTestId('members-notice').waitFor({ timeout: 20_000 });
    await focusAfter('Add member');
    await sweep('group-member-added');

    await page.getByTestId('back-to-groups').click();
    await page.getByTestId('group-table--table').waitFor({ timeout: 20_000 });
    await focusAfter('← All groups');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Groups: bulk changes from the form through preview, running and done, and the removal confirmation', async () => {
    const target = group('team-data');
    const people = users()
      .filter((u) => u.accountType === 'atlassian' && u.active && !target?.members.has(u.accountId))
      .slice(0, 3);
    await page.getByTestId('bulk-users').fill([...people.map((u) => u.email), 'not-an-address'].join('\n'));
    await page.getByLabel('Group', { exact: true }).fill('team-data');
    await page.getByRole('option', { name: 'team-data', exact: true }).click({ timeout: 20_000 });
    await sweep('bulk-form');
    await page.getByTestId('bulk-preview').click();
    await page.getByTestId('bulk-preview-summary').waitFor({ timeout: 20_000 });
    await sweep('bulk-preview');

    // Every write to Jira is slowed, so the job is seen running.
    site.sim.faults.configure({ latencyMs: 2_000, paths: ['/rest/api/3/group/user'] });
    await page.getByTestId('bulk-start').click();
    await page.getByTestId('bulk-cancel').waitFor({ timeout: 20_000 });
    await focusAfter('Start');
    await sweep('bulk-running');
    site.sim.faults.configure({});
    await page
      .getByTestId('bulk-status')
      .getByText(/finished/)
      .waitFor({ timeout: 60_000 });
    await focusAfter('a bulk change finishing');
    await sweep('bulk-done');

    // Removing is confirmed first.
    await page.getByLabel('Change', { exact: true }).click();
    await page.getByRole('option', { name: /^Remove/ }).click();
    await page.getByTestId('bulk-users').fill(people[0]?.email ?? '');
    await page.getByLabel('Group', { exact: true }).fill('team-data');
    await page.getByRole('option', { name: 'team-data', exact: true }).click({ timeout: 20_000 });
    await page.getByTestId('bulk-start').click();
    await page.getByTestId('confirm-bulk-remove').waitFor({ timeout: 20_000 });
    await sweep('bulk-remove-confirm');
    await page.getByTestId('confirm-bulk-remove-confirm').click();
    await page
      .getByTestId('bulk-status')
      .getByText(/finished/)
      .waitFor({ timeout: 60_000 });
    await focusAfter('the bulk-remove confirmation');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Customers: no desk, a desk’s customers, creating a customer (refused, then created), bulk preview', async () => {
    await tab('Customers');
    await page.getByTestId('provision-email').waitFor({ timeout: 20_000 });
    await sweep('customers-no-desk');
    await page.locator('[id$="desk-picker-input"]').click();
    await page.locator('[role="option"]').first().click();
    await page.getByTestId('bulk-customers').waitFor({ timeout: 20_000 });
    await sweep('customers-desk');

    await page.getByTestId('provision-email').fill('not an email');
    await page.getByTestId('provision-name').fill('Casey Customer');
    await page.locator('[data-testid^="provision-desk-"] input, input[name^="provision-desk"]').first().check();
    await page.getByTestId('provision-submit').click();
    await page.getByText('Check what you entered').waitFor({ timeout: 20_000 });
    await focusAfter('Create and add, refused');
    await sweep('customers-create-invalid');
    await page.getByTestId('provision-email').fill('casey.customer@example.com');
    await page.getByTestId('provision-submit').click();
    await page.getByTestId('provision-result').waitFor({ timeout: 20_000 });
    await focusAfter('Create and add');
    await sweep('customers-created');

    const customers = users()
      .filter((u) => u.accountType === 'customer')
      .slice(0, 2);
    await page.getByTestId('bulk-customers').fill([...customers.map((c) => c.email), 'nobody@example.com'].join('\n'));
    await page.getByTestId('customers-preview-add').click();
    await page.getByTestId('bulk-preview-summary').waitFor({ timeout: 20_000 });
    await sweep('customers-bulk-preview');
    await page.getByTestId('customers-add').click();
    await page
      .getByTestId('bulk-status')
      .getByText(/finished/)
      .waitFor({ timeout: 30_000 });
    await page.getByLabel('Show outcomes').waitFor({ timeout: 20_000 });
    await focusAfter('Add to desk');
    await sweep('customers-bulk-done');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Functional accounts: registry, register, an account’s own view, credentials, check, add and roles', async () => {
    await tab('Functional accounts');
    await page.getByTestId('unregistered-summary').waitFor({ timeout: 20_000 });
    await sweep('functional-registry-empty');

    const func = users().filter((u) => u.displayName.includes('_Func_'));
    const target = func[0];
    const owner = users().find(
      (u) => u.accountType === 'atlassian' && u.active && /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.displayName),
    );
    if (!target || !owner) throw new Error('seed lacks a _Func_ account or an owner');
    await page.getByTestId(`register-found-${target.accountId}`).click();
    await page.getByTestId('functional-register-found').waitFor();
    await sweep('functional-register-dialog');
    await page.locator('[id$="functional-register-found-owner-input"]').fill(owner.displayName);
    await page
      .getByRole('option', { name: new RegExp(`^${owner.displayName} · `) })
      .first()
      .click({ timeout: 20_000 });
    await page.locator('[id$="functional-register-found-owning-group-input"]').fill('team-data');
    await page
      .getByRole('option', { name: /^team-data/ })
      .first()
      .click({ timeout: 20_000 });
    await page.getByTestId('functional-register-found-purpose').fill('Imports issues');
    await page.getByTestId('functional-register-found-integration').fill('Importer');
    await page.getByTestId('functional-register-found-save').click();
    await page.getByTestId('functional-notice').waitFor({ timeout: 20_000 });
    await focusAfter('Register');
    await sweep('functional-registry');

    await page.getByTestId('health-check-now').click();
    await page.getByTestId('last-check').waitFor({ timeout: 30_000 });
    await focusAfter('Check now');

    await page.getByTestId(`functional-open-${target.accountId}`).click();
    await page.getByTestId('account-details').waitFor({ timeout: 20_000 });
    await sweep('functional-account');
    await page.getByTestId('credential-label').fill('Importer token');
    await sweep('functional-credential-needs-expiry');
    // The date picker's calendar, by keyboard: a week from today.
    await page.locator('[id$="credential-expires"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('credential-expires-words').waitFor({ timeout: 20_000 });
    await page.getByTestId('credential-add').click();
    await page.getByTestId('credential-notice').waitFor({ timeout: 20_000 });
    await focusAfter('Add credential');
    await sweep('functional-account-credential');
    await page.getByTestId('rotate-Importer token').click();
    await page.getByTestId('rotate-confirm').waitFor({ timeout: 20_000 });
    // It opens with focus on Cancel: a date picker focused first would open its calendar over the dialog's
    // explanation and buttons.
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'rotate-confirm-cancel',
      null,
      { timeout: 10_000 },
    );
    await sweep('functional-rotate-dialog');
    await page.getByTestId('rotate-confirm-confirm').click();
    await page
      .getByTestId('credential-notice')
      .getByText(/^Recorded a rotation/)
      .waitFor({ timeout: 20_000 });
    await focusAfter('Record rotation');
    await sweep('functional-account-rotated');
    await page.getByTestId('account-edit').click();
    await page.getByTestId('functional-edit').waitFor({ timeout: 20_000 });
    await sweep('functional-edit-dialog');
    await page.getByTestId('functional-edit').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('functional-edit').waitFor({ state: 'detached' });
    await focusAfter('closing the edit dialog');
    await page.getByTestId('account-unregister').click();
    await page.getByTestId('functional-unregister').waitFor({ timeout: 20_000 });
    await sweep('functional-unregister-dialog');
    await page.getByTestId('functional-unregister-confirm').click();
    await page
      .getByTestId('functional-notice')
      .getByText(/^Unregistered/)
      .waitFor({ timeout: 20_000 });
    await focusAfter('Unregister');

    await page.getByTestId('functional-show-add').click();
    await page.getByTestId('enrol-hint').waitFor({ timeout: 20_000 });
    await sweep('functional-add-register-needs');
    await page.getByLabel('How').click();
    await page.getByRole('option', { name: /^Try to create/ }).click();
    await page.getByTestId('enrol-create-warning').waitFor();
    await sweep('functional-add-create-needs');
    await page.getByTestId('back-to-registry').click();
    await page.getByTestId('functional-show-roles').click();
    await page.getByTestId('role-name').waitFor({ timeout: 20_000 });
    await sweep('functional-roles');
    // A role with a licensed group: its warnings are read in full (issue 20 item 11 saw them cut off).
    await page.getByTestId('role-name').fill('Reporting');
    await page.locator('[id$="role-group-picker-input"]').fill('jira-software-users');
    await page
      .getByRole('option', { name: /^jira-software-users/ })
      .first()
      .click({ timeout: 20_000 });
    await page.getByTestId('role-add-group').click();
    await page.getByTestId('role-save').click();
    await page.getByTestId('role-notice').waitFor({ timeout: 20_000 });
    await focusAfter('Save role');
    await sweep('functional-role-saved');
    await page.getByTestId('back-to-registry').click();
    await page.getByLabel('Show').click();
    await page.getByRole('option', { name: /^Orphaned/ }).click();
    await page.getByText('No functional accounts match.').waitFor({ timeout: 20_000 });
    await sweep('functional-registry-none-match');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('Audit: the log, paged, filtered, copied as CSV, and nothing matching', async () => {
    // More than a page (50) of history: a bulk change of 60 people, each audited.
    const data = group('team-data');
    const people = users()
      .filter((u) => u.accountType === 'atlassian' && u.active && !data?.members.has(u.accountId))
      .slice(0, 60);
    const job = (await site.host.invoke(
      'createBulkJob',
      { operation: 'add-users-to-group', accountIds: people.map((u) => u.accountId), groupIds: [data?.groupId] },
      ADMIN,
    )) as { ok: boolean };
    expect(job.ok).toBe(true);
    await site.queue.idle();
    await tab('Audit');
    await page.getByTestId('audit-table--table').waitFor({ timeout: 20_000 });
    await sweep('audit');
    await page.getByTestId('audit-next').click();
    await page.getByTestId('audit-prev').and(page.locator(':enabled')).waitFor({ timeout: 20_000 });
    await focusAfter('Next page');
    await sweep('audit-page-2');
    await page.getByTestId('audit-prev').click();
    await page.getByTestId('audit-prev').and(page.locator(':disabled')).waitFor({ timeout: 20_000 });
    await focusAfter('Previous page');
    await page.getByLabel('Action').click();
    await page.getByRole('option', { name: 'Added to group' }).first().click();
    await page.getByTestId('audit-table--table').waitFor({ timeout: 20_000 });
    await sweep('audit-filtered');
    await page.getByTestId('audit-export').click();
    await page.getByTestId('audit-csv-info').waitFor({ timeout: 20_000 });
    await focusAfter('Copy as CSV');
    await sweep('audit-csv-copied');
    await page.getByTestId('audit-text').fill('zzzz-nothing');
    await page.getByText('No changes match.').waitFor({ timeout: 20_000 });
    await sweep('audit-none-match');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('error states: a person without admin rights, and Jira failing', async () => {
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.regular.accountId)}`);
    await page.getByText('Only Jira administrators can use User Admin.').waitFor({ timeout: 20_000 });
    await sweep('error-not-admin');
    // A desk's customers are searched in Jira on every search (the desk list may come from the app's cache).
    await page.goto(`${web.url}/?as=${encodeURIComponent(ADMIN)}#/customers`);
    await page.locator('[id$="desk-picker-input"]').click({ timeout: 20_000 });
    await page.locator('[role="option"]').first().click();
    await page.getByTestId('customer-search').waitFor({ timeout: 20_000 });
    site.sim.faults.configure({ serverErrorRate: 1, paths: ['/rest/servicedeskapi/servicedesk/'] });
    await page.getByTestId('customer-search').fill('nobody in particular');
    await page
      .getByText(/Jira could not do this|Something went wrong|Jira is busy/)
      .first()
      .waitFor({ timeout: 60_000 });
    site.sim.faults.configure({});
    await sweep('error-jira-failing');
    expect(problems).toEqual([]);
    expect(pageErrors).toEqual([]);
    // Every state was swept at both widths.
    expect(swept.length).toBeGreaterThanOrEqual(42);
  });
});
