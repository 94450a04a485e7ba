import type { Envelope, SiteSummary } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { buildDirectoryIndex } from '../support/directory';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

describe('getSiteSummary resolver against the simulator', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  it('says the snapshot is being built on first use, without reading the directory', async () => {
    const res = await invokeAs<Envelope<SiteSummary>>(site, NAMED_USERS.jiraAdmin.accountId, 'getSiteSummary');
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data.users).toBeUndefined();
    expect(res.data.snapshot).toMatchObject({ building: true });
    const resolverRequests = site.sim.meter.requests.filter((r) => r.principal !== 'app');
    // Authorization (mypermissions, then myself: the caller is a person), and the summary's own `myself` (the caller's name).
    expect(resolverRequests.map((r) => r.endpoint).sort()).toEqual([
      '/rest/api/3/mypermissions',
      '/rest/api/3/myself',
      '/rest/api/3/myself',
    ]);
    await site.queue.idle();
  });

  it('counts every user, group and service desk from the background snapshot, with its time', async () => {
    const summary = await buildDirectoryIndex(site, NAMED_USERS.jiraAdmin.accountId);
    const state = site.sim.state;
    const users = [...state.users.values()];
    expect(summary.caller).toEqual({ accountId: NAMED_USERS.jiraAdmin.accountId, displayName: 'Jonas Jira-Admin' });
    expect(summary.users?.total).toBe(users.length);
    expect(summary.users?.active).toBe(users.filter((u) => u.active).length);
    expect(summary.users?.byType.customer).toBe(users.filter((u) => u.accountType === 'customer').length);
    expect(summary.groups).toBe(state.groups.size);
    expect(summary.serviceDesks).toBe(state.serviceDesks.size);
    expect(Date.now() - Date.parse(summary.snapshot.asOf ?? '')).toBeLessThan(60_000);
  });

  it('checks ADMINISTER as the user, live, before any other Jira call', async () => {
    site.sim.meter.reset();
    await invokeAs(site, NAMED_USERS.siteAdmin.accountId, 'getSiteSummary');
    const first = site.sim.meter.requests[0];
    expect(first?.endpoint).toBe('/rest/api/3/mypermissions');
    expect(first?.principal).toBe(`user:${NAMED_USERS.siteAdmin.accountId}`);
  });
});
