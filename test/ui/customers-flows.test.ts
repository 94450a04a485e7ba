import type { FakeBridge } from '../../local/host/fake-bridge';
import { findAll } from '../../local/host/forge-doc';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS } from '../support/site';
import { openUiPage, type UiDriver } from '../support/ui';

/**
 * The Customers tab through the UI Kit tree: create a customer, provision them to two desks, remove them
 * from one; the simulator holds exactly that.
 */
describe('customers flows in the UI Kit page', () => {
  let site: LocalSite;
  let close: () => Promise<void>;
  let page: UiDriver;
  let bridge: FakeBridge;
  const desk = (key: string) => [...site.sim.state.serviceDesks.values()].find((d) => d.projectKey === key);

  beforeAll(async () => {
    ({ site, page, close, bridge } = await openUiPage(NAMED_USERS.siteAdmin.accountId, {
      seed: { users: 400, groups: 12, serviceDesks: 3 },
    }));
  });
  afterAll(() => close());

  it('creates a customer, provisions them to two desks, removes them from one', async () => {
    await page.tab(2);
    await page.type('provision-email', 'pat.client@clients.example.org');
    await page.type('provision-name', 'Pat Client');
    await page.check('provision-desk-ITH', true);
    await page.check('provision-desk-HRS', true);
    await page.click('provision-submit');
    expect(await page.text('provision-result')).toBe('Created customer Pat Client.');
    // The form starts empty for the next customer, with focus in its first field.
    expect((await page.one('provision-email')).props.value).toBe('');
    expect((await page.one('provision-email')).props.autoFocus).toBe(true);
    const pat = [...site.sim.state.users.values()].find((u) => u.email === 'pat.client@clients.example.org');
    expect(pat?.accountType).toBe('customer');
    expect(desk('ITH')?.customers.has(pat?.accountId ?? '')).toBe(true);
    expect(desk('HRS')?.customers.has(pat?.accountId ?? '')).toBe(true);

    const hrs = desk('HRS');
    await page.pick('desk-picker', { label: 'HR Services (HRS)', value: hrs?.id ?? '' });
    // A search that finds no one speaks of customers, and never reads "0–0 customers".
    await page.type('customer-search', 'Zzqx nobody');
    expect(await page.text('desk-customers', (t) => t.startsWith('No'))).toBe('No customers match.');
    expect(await page.text('customers-info')).toBe('No customers');
    await page.type('customer-search', 'Pat');
    expect(await page.text('desk-customers', (t) => t.includes('Pat Client'))).toContain(
      'pat.client@clients.example.org',
    );
    await page.type('bulk-customers', 'pat.client@clients.example.org');
    await page.click('customers-preview-remove');
    expect(await page.text('bulk-preview-summary')).toBe('1 change to make out of 1 item.');
    await page.click('customers-remove');
    expect(
      await page.text('confirm-remove-customers', (t) => t.includes('Remove 1 customer from HR Services?')),
    ).toContain('accounts stay active');
    expect(desk('HRS')?.customers.has(pat?.accountId ?? '')).toBe(true);
    await page.click('confirm-remove-customers-confirm');
    expect(await page.text('bulk-status', (t) => t.includes('finished'))).toContain('1 of 1 processed · 1 done');
    expect(desk('HRS')?.customers.has(pat?.accountId ?? '')).toBe(false);
    expect(desk('ITH')?.customers.has(pat?.accountId ?? '')).toBe(true);
    expect(site.sim.state.users.get(pat?.accountId ?? '')?.active).toBe(true);
    // The job is over: its form is empty (Start cannot run it twice) and focus is on the outcomes.
    expect((await page.one('bulk-customers')).props.value).toBe('');
    expect((await page.one('customers-outcomes-filter')).props.autoFocus).toBe(true);
  });

  it('drops "No account has this email" once that customer is created', async () => {
    await page.type('bulk-customers', 'sam.new@clients.example.org');
    await page.click('customers-preview-add');
    expect(await page.text('customers-unresolved')).toContain('sam.new@clients.example.org');
    await page.type('provision-email', 'sam.new@clients.example.org');
    await page.type('provision-name', 'Sam New');
    await page.check('provision-desk-ITH', true);
    await page.click('provision-submit');
    await page.text('provision-result', (t) => t.includes('Sam New'));
    await bridge.waitFor((doc) =>
      findAll(doc, (n) => n.props.testId === 'customers-unresolved').length === 0 ? true : undefined,
    );
  });

  it('links an existing account instead of failing, and says so', async () => {
    await page.type('provision-email', NAMED_USERS.regular.email);
    await page.type('provision-name', 'Rita as customer');
    await page.click('provision-submit');
    expect(await page.text('provision-result', (t) => t.includes('already had an account'))).toContain(
      'linked it instead',
    );
    expect(desk('ITH')?.customers.has(NAMED_USERS.regular.accountId)).toBe(true);
  });
});
