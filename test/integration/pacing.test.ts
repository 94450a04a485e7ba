import { getAppContext } from '@forge/api';
import type { LocalSite } from '../../local/local-site';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { jira } from '../../src/jira';
import { sharedPacer } from '../../src/jira/transport/pacer';
import type { Envelope } from '../../src/contract';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

/**
 * Every Jira request is paced to the burst limit Jira announces: 240 writes from 4 concurrent
 * workers under a low per-endpoint burst limit meet under 5 % 429s, and every write lands.
 */
describe('pacing Jira requests to the burst limit', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
    await site.queue.idle(); // let any background crawl finish before measuring
  });
  afterAll(() => site.close());

  it('240 adds at 4 workers under a 40/s burst limit: < 5 % answered 429, all applied', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.members.size < 20);
    if (!group) throw new Error('no small group in the seed');
    const targets = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId))
      .slice(0, 240)
      .map((u) => u.accountId);
    expect(targets.length).toBe(240);
    sharedPacer.reset();
    site.sim.rateLimiter.configure({ burstPerEndpoint: { 'POST /rest/api/3/group/user': 40 } });
    site.sim.meter.reset();
    const queue = [...targets];
    const installation = await runInvocation(
      { accountId: NAMED_USERS.siteAdmin.accountId, moduleKey: 'test', timeoutMs: 120_000 },
      async () => {
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            for (let id = queue.shift(); id; id = queue.shift()) await jira.addUserToGroup(group.groupId, id);
          }),
        );
        return String(getAppContext().installationAri);
      },
    );
    site.sim.rateLimiter.configure({});
    const writes = site.sim.meter.requests.filter(
      (r) => r.method === 'POST' && r.endpoint === '/rest/api/3/group/user',
    );
    const limited = writes.filter((r) => r.status === 429);
    expect(writes.length - limited.length).toBe(240);
    expect(targets.every((id) => group.members.has(id))).toBe(true);
    expect(limited.length / writes.length).toBeLessThan(0.05);
    // The pacer learned the limit from Jira's headers (40 a second, kept with 5 % headroom).
    expect(sharedPacer.stats(installation).limits['Add user to group']).toBe(38);
  });

  it('a Retry-After longer than the invocation has left answers RATE_LIMITED at once instead of sleeping', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.members.size < 20);
    const user = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId),
    );
    sharedPacer.reset();
    site.sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 60, paths: ['/rest/api/3/group/user'] });
    site.sim.meter.reset();
    const res = await invokeAs<Envelope<unknown>>(site, NAMED_USERS.siteAdmin.accountId, 'addGroupMember', {
      groupId: group?.groupId,
      accountId: user?.accountId,
      confirmLicence: true,
    });
    site.sim.faults.configure({});
    sharedPacer.reset();
    expect(res.ok).toBe(false);
    expect(res.ok ? undefined : res.error.code).toBe('RATE_LIMITED');
    // One refused write, no repeat: the 60 s wait was handed back, not slept (the resolver has 25 s).
    const writes = site.sim.meter.requests.filter((r) => r.endpoint === '/rest/api/3/group/user');
    expect(writes.map((r) => r.status)).toEqual([429]);
    expect(group?.members.has(user?.accountId ?? '')).toBe(false);
  });
});
