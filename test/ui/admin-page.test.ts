import type { LocalSite } from '../../local/local-site';
import type { FakeBridge } from '../../local/host/fake-bridge';
import { byTestId, byType, findAll, textOf, withText } from '../../local/host/forge-doc';
import { NAMED_USERS } from '../support/site';
import { openUiPage } from '../support/ui';

describe('the UI Kit admin page rendered through a fake bridge', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ site, bridge, close } = await openUiPage(NAMED_USERS.siteAdmin.accountId));
  });
  afterAll(() => close());

  it('shows the resolver’s site summary and the five section tabs', async () => {
    const users = await bridge.waitFor((doc) => findAll(doc, byTestId('summary-users'))[0]);
    const state = site.sim.state;
    expect(textOf(users)).toContain(String(state.users.size));
    const doc = bridge.doc();
    if (!doc) throw new Error('nothing rendered');
    expect(textOf(findAll(doc, byTestId('summary-groups'))[0] as never)).toContain(String(state.groups.size));
    expect(textOf(findAll(doc, byTestId('summary-desks'))[0] as never)).toContain(String(state.serviceDesks.size));
    expect(findAll(doc, byType('Tab')).map(textOf)).toEqual([
      'Users',
      'Groups',
      'Customers',
      'Functional accounts',
      'Audit',
    ]);
    expect(findAll(doc, withText('Signed in as Ada Admin')).length).toBeGreaterThan(0);
    expect(bridge.invocations.map((i) => i.functionKey)).toContain('getSiteSummary');
  });
});
