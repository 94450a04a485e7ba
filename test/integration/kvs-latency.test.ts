import { kvs } from '@forge/kvs';
import type { LocalSite } from '../../local/local-site';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { startTestSite } from '../support/site';

/**
 * The local KVS's latency option: every call the real @forge/kvs makes waits the configured time, so the
 * bench and scale tests see what a slow store costs. Checked as a lower bound only (a wait never ends early).
 */
describe('KVS latency option', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 10, groups: 2 }, kvsLatencyMs: 20 });
  });
  afterAll(() => site.close());

  const tenCalls = () =>
    runInvocation({ moduleKey: 'latency-test', timeoutMs: 10_000 }, async () => {
      for (let i = 0; i < 5; i += 1) await kvs.set(`latency:${i}`, { i });
      for (let i = 0; i < 5; i += 1) expect(await kvs.get(`latency:${i}`)).toEqual({ i });
    });

  it('delays every KVS call by kvsLatencyMs', async () => {
    const started = performance.now();
    await tenCalls();
    expect(performance.now() - started).toBeGreaterThanOrEqual(10 * 20 - 5);
  });

  it('can be changed on a running site', async () => {
    site.kvs.latencyMs = 50;
    const started = performance.now();
    await tenCalls();
    expect(performance.now() - started).toBeGreaterThanOrEqual(10 * 50 - 5);
    site.kvs.latencyMs = 0;
  });
});
