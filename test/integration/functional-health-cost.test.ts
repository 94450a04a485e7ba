import type { Envelope, HealthRun, RegistryPage } from '../../src/contract';
import { registerFunctionalLoad } from '../../local/functional-load';
import type { LocalSite } from '../../local/local-site';
import { USER_BULK_MAX } from '../../local/jira-sim/routes/users';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const REGISTERED = 500;
const GROUP_MEMBER_PAGE = 50;

/**
 * What the daily health check costs Jira for a registry of 500 accounts, read from the simulator's meter:
 * the registry's accounts and owners in `user/bulk` pages at Atlassian's cap, one lookup of the admin
 * groups, and those groups' member pages; never a scan of the directory. The run fans out over Forge's
 * queue, but Jira is asked once per run (when it is prepared), not per slice.
 */
describe('health check cost for 500 registered accounts', () => {
  let site: LocalSite;
  let run: HealthRun;
  const owners: string[] = [NAMED_USERS.regular.accountId, NAMED_USERS.jiraAdmin.accountId];

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 1200, groups: 20 } });
    const team = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
    await registerFunctionalLoad(site, { admin: ADMIN, count: REGISTERED, owners, owningGroupId: team?.groupId ?? '' });
    site.sim.meter.reset();
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    const page = await ok(invokeAs<Envelope<RegistryPage>>(site, ADMIN, 'listFunctional', {}));
    run = page.lastCheck as HealthRun;
  }, 300_000);
  afterAll(() => site.close());

  const appRequests = () => site.sim.meter.requests.filter((r) => r.principal === 'app');

  it('checks every registered account and reports the Jira requests it made', () => {
    expect(run.accounts).toBe(REGISTERED);
    expect(run.jiraRequests).toBe(appRequests().length);
  });

  it('reads the accounts and their owners in user/bulk pages at the cap, never scanning the directory', () => {
    const bulk = appRequests().filter((r) => r.endpoint === '/rest/api/3/user/bulk');
    expect(bulk).toHaveLength(Math.ceil((REGISTERED + owners.length) / USER_BULK_MAX));
    const scans = appRequests().filter((r) =>
      ['/rest/api/3/users/search', '/rest/api/3/user/search', '/rest/api/3/users'].includes(r.endpoint),
    );
    expect(scans).toEqual([]);
  });

  it('costs one admin-group lookup plus those groups’ member pages on top of the user/bulk pages', () => {
    const adminGroups = [...site.sim.state.groups.values()].filter((g) => /admin/i.test(g.name));
    const memberPages = adminGroups.reduce((n, g) => n + Math.max(1, Math.ceil(g.members.size / GROUP_MEMBER_PAGE)), 0);
    const bulkPages = Math.ceil((REGISTERED + owners.length) / USER_BULK_MAX);
    expect(appRequests()).toHaveLength(bulkPages + 1 + memberPages);
    expect(appRequests().filter((r) => r.endpoint === '/rest/api/3/group/member')).toHaveLength(memberPages);
  });
});
