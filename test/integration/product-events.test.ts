import { kvs } from '@forge/kvs';
import type { JiraUserEvent } from '../../local/jira-sim/user-events';
import type { LocalSite } from '../../local/local-site';
import { startTestSite } from '../support/site';

/**
 * Jira's user events reach `trigger` modules as Forge delivers them: each delivery its own invocation (no
 * user, the site's installContext, the real @forge/* packages usable), at least once; with faults on, some
 * twice, some again late, some overtaken by later events, repeatably for one seed.
 */
describe('product events to trigger modules', () => {
  let site: LocalSite;
  const received: Array<{ event: JiraUserEvent; context: Record<string, unknown> }> = [];
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 10 } });
    site.productEvents.register({
      key: 'test-user-trigger',
      events: ['avi:jira:updated:user', 'avi:jira:deleted:user'],
      handler: async (event, context) => {
        const e = event as JiraUserEvent;
        received.push({ event: e, context });
        await kvs.set(`seen:${e.user.accountId}`, e.eventType);
      },
    });
  });
  afterAll(() => site.close());
  beforeEach(() => {
    received.length = 0;
    site.productEvents.configure({ duplicateRate: 0, lateRate: 0, reorderWithinMs: 0 });
  });

  const deleted = (accountId: string): JiraUserEvent => ({ eventType: 'avi:jira:deleted:user', user: { accountId } });

  it('delivers a subscribed event once, in its own invocation with the site’s installContext; ignores others', async () => {
    site.productEvents.deliver(deleted('acc-1'));
    site.productEvents.deliver({ eventType: 'avi:jira:issue_created' });
    await site.productEvents.idle();
    expect(received).toHaveLength(1);
    expect(received[0]?.event).toEqual(deleted('acc-1'));
    expect(received[0]?.context).toMatchObject({
      installContext: `ari:cloud:jira::site/${site.sim.state.cloudId}`,
      moduleKey: 'test-user-trigger',
    });
    expect(site.kvs.peek('seen:acc-1')).toBe('avi:jira:deleted:user');
  });

  it('with faults on: every event at least once, some twice, some late and out of order, the same for one seed', async () => {
    const run = async () => {
      received.length = 0;
      site.productEvents.configure({
        duplicateRate: 0.3,
        lateRate: 0.3,
        lateWithinMs: 60,
        reorderWithinMs: 40,
        seed: 7,
      });
      for (let i = 0; i < 20; i += 1) site.productEvents.deliver(deleted(`acc-${i}`));
      await site.productEvents.idle();
      return received.map((r) => r.event.user.accountId);
    };
    const first = await run();
    const ids = Array.from({ length: 20 }, (_, i) => `acc-${i}`);
    expect([...new Set(first)].sort()).toEqual([...ids].sort());
    expect(first.length).toBeGreaterThan(20);
    const firsts = first.filter((id, n) => first.indexOf(id) === n);
    expect(firsts).not.toEqual(ids);
    const kinds = site.productEvents.deliveries.slice(-first.length).map((d) => d.kind);
    expect(kinds).toContain('duplicate');
    expect(kinds).toContain('late');
    // Same seed, same deliveries (which events are doubled or late; the order of first deliveries).
    const again = await run();
    expect([...again].sort()).toEqual([...first].sort());
  });
});
