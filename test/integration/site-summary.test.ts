import type { Envelope, SiteSummary } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

describe('getSiteSummary resolver against the simulator', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  it('counts every user, group and service desk for a Jira admin', async () => {
    const res = await invokeAs<Envelope<SiteSummary>>(site, NAMED_USERS.jiraAdmin.accountId, 'getSiteSummary');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const state = site.sim.state;
    const users = [...state.users.values()];
    expect(res.data.caller).toEqual({
      accountId: NAMED_USERS.jiraAdmin.accountId,
      displayName: 'Jonas Jira-Admin',
    });
    expect(res.data.users.total).toBe(users.length);
    expect(res.data.users.active).toBe(users.filter((u) => u.active).length);
    expect(res.data.users.byType.customer).toBe(users.filter((u) => u.accountType === 'customer').length);
    expect(res.data.groups).toBe(state.groups.size);
    expect(res.data.serviceDesks).toBe(state.serviceDesks.size);
  });

  it('checks ADMINISTER as the user, live, before any other Jira call', async () => {
    site.sim.meter.reset();
    await invokeAs(site, NAMED_USERS.siteAdmin.accountId, 'getSiteSummary');
    const first = site.sim.meter.requests[0];
    expect(first?.endpoint).toBe('/rest/api/3/mypermissions');
    expect(first?.principal).toBe(`user:${NAMED_USERS.siteAdmin.accountId}`);
  });
});
