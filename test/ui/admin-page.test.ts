import type { LocalSite } from '../../local/local-site';
import { installFakeBridge, type FakeBridge } from '../../local/host/fake-bridge';
import { byTestId, byType, findAll, textOf, withText } from '../../local/host/forge-doc';
import { NAMED_USERS, startTestSite } from '../support/site';

describe('the UI Kit admin page rendered through a fake bridge', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  beforeAll(async () => {
    site = await startTestSite();
    bridge = installFakeBridge(site.host, NAMED_USERS.siteAdmin.accountId);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src/frontend/index');
  });
  afterAll(async () => {
    await bridge.close();
    await site.close();
  });

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
