import type { LocalSite } from '../../local/local-site';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { type EscalationDeps, withLease } from '../../src/features/functional-accounts/escalation/escalation';
import { escalationStore } from '../../src/features/functional-accounts/escalation/escalation-store';
import { startTestSite } from '../support/site';

/**
 * The escalation lease on the real @forge/kvs (the local KVS): a delivery that finds an account's lease held
 * never waits and never runs beside the holder; the work it stood for is not lost, because the holder runs
 * once more after releasing; a later delivery of the same event (a dead holder's redelivery) and the successor
 * of a dropped event take a lease over, nobody else does; duplicate deliveries that must wait leave one
 * re-push between them.
 */
describe('escalation lease', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 10, groups: 2 }, rateLimits: { pointsPerHour: 1_000_000 } });
  });
  afterAll(() => site.close());

  const deps = { esc: escalationStore } as unknown as EscalationDeps;
  const inForge = <T>(fn: () => Promise<T>) => runInvocation({ moduleKey: 'lease-test', timeoutMs: 20_000 }, fn);
  const delivery = (eventId: string, retryCount = 0, successorOf?: string) => ({
    eventId,
    retryCount,
    ...(successorOf ? { successorOf } : {}),
  });

  it('a delivery finding the lease held returns at once; the holder runs once more for it', async () => {
    const runs: string[] = [];
    await inForge(() =>
      withLease(deps, 'account:a', delivery('A'), async () => {
        runs.push('A');
        if (runs.length === 1)
          // Another event arrives while A works (a rotation's push): it must not run now, nor be lost.
          await withLease(deps, 'account:a', delivery('B'), async () => {
            runs.push('B');
          });
      }),
    );
    expect(runs).toEqual(['A', 'A']);
    // Nothing left behind: the next event takes the lease and runs once.
    await inForge(() => withLease(deps, 'account:a', delivery('C'), async () => void runs.push('C')));
    expect(runs).toEqual(['A', 'A', 'C']);
  });

  it('a dead holder’s lease is taken over by its own redelivery and its successor, nobody else', async () => {
    const runs: string[] = [];
    // A delivery of event D dies holding the lease (never released: its KVS entry stays until its TTL).
    const dead = await inForge(() => escalationStore.takeLease('account:d', delivery('D', 0), 20));
    expect(dead).toBeDefined();
    await inForge(() => withLease(deps, 'account:d', delivery('E', 0), async () => void runs.push('E')));
    expect(runs).toEqual([]);
    await inForge(() => withLease(deps, 'account:d', delivery('D', 1), async () => void runs.push('D1')));
    // The redelivery ran, once: it started after E marked the work wanted, so it did E's work too.
    expect(runs).toEqual(['D1']);
    // D's last delivery dies too; its successor S takes over, a stranger does not.
    await inForge(() => escalationStore.takeLease('account:d', delivery('D', 4), 20));
    await inForge(() => withLease(deps, 'account:d', delivery('F', 0), async () => void runs.push('F')));
    await inForge(() => withLease(deps, 'account:d', delivery('S', 0, 'D'), async () => void runs.push('S')));
    expect(runs).toEqual(['D1', 'S']);
  });

  it('a concurrent duplicate of the holder’s own event does not run beside it', async () => {
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 50));
      inside -= 1;
    };
    await Promise.all([
      inForge(() => withLease(deps, 'account:g', delivery('G'), work)),
      inForge(() => withLease(deps, 'account:g', delivery('G'), work)),
    ]);
    expect(most).toBe(1);
  });

  it('duplicates that must wait claim one re-push between them', async () => {
    const claims = await Promise.all(
      ['t1', 't2', 't3'].map((token) => inForge(() => escalationStore.claimWaiter('account:h', token, 60))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = ['t1', 't2', 't3'][claims.indexOf(true)] as string;
    // Another token cannot free the claim; the re-pushed event (carrying the winner's token) does.
    await inForge(() => escalationStore.releaseWaiter('account:h', 'someone-else'));
    expect(await inForge(() => escalationStore.claimWaiter('account:h', 't4', 60))).toBe(false);
    await inForge(() => escalationStore.releaseWaiter('account:h', winner));
    expect(await inForge(() => escalationStore.claimWaiter('account:h', 't5', 60))).toBe(true);
  });
});
