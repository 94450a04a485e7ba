import { join } from 'node:path';
import { loadAppFunctions } from '../../local/app-functions';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { AppManifest } from '../../local/manifest';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

/**
 * Invocations run in containers as on Forge: each container loads its own copy of the app's modules (and of
 * the real @forge/* packages), serves one invocation at a time and stays warm for the next; concurrent
 * invocations get different containers, so module state (counters, caches) is never shared between them.
 */
describe('Forge containers', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 30 } });
  });
  afterAll(() => site.close());

  const manifest = {
    modules: { function: [{ key: 'probe', handler: 'probe.handler' }] },
    resources: [],
    permissions: { scopes: [] },
    app: { id: 'probe-app' },
  } as unknown as AppManifest;
  const functionsDir = join(__dirname, '..', 'fixtures', 'containers');
  type Probe = { instance: string; seen: number; calls: number };
  const call = (fns: ReturnType<typeof loadAppFunctions>, id: string, waitMs = 0) =>
    runInvocation({ moduleKey: 'probe', timeoutMs: 10_000 }, () =>
      (fns.get('probe') as unknown as (e: unknown, c: unknown) => Promise<Probe>)({ id, waitMs }, {}),
    );

  it('two concurrent invocations run in different containers and share no module state', async () => {
    const fns = loadAppFunctions(manifest, { from: 'bundle', functionsDir });
    const [a, b] = await Promise.all([call(fns, 'a', 50), call(fns, 'b', 50)]);
    expect(a?.instance).not.toBe(b?.instance);
    expect([a?.calls, b?.calls]).toEqual([1, 1]);
    expect(fns.containers.stats.coldStarts).toEqual({ probe: 2 });
    // Each wrote through its own copy of @forge/kvs, to the one store.
    expect(site.kvs.peek('probe:a')).toEqual({ instance: a?.instance, seen: 1 });
    expect(site.kvs.peek('probe:b')).toEqual({ instance: b?.instance, seen: 1 });
  });

  it('reuses a warm container for invocations one after another: its module state carries over', async () => {
    const fns = loadAppFunctions(manifest, { from: 'bundle', functionsDir });
    const first = await call(fns, 'c');
    const second = await call(fns, 'd');
    expect(second.instance).toBe(first.instance);
    expect(second.calls).toBe(2);
    expect(fns.containers.stats).toMatchObject({ coldStarts: { probe: 1 }, warmStarts: { probe: 1 }, idle: 1 });
  });

  it('does not reuse a container whose invocation timed out', async () => {
    const fns = loadAppFunctions(manifest, { from: 'bundle', functionsDir });
    const timedOut = runInvocation({ moduleKey: 'probe', timeoutMs: 20 }, () =>
      (fns.get('probe') as unknown as (e: unknown, c: unknown) => Promise<Probe>)({ id: 'e', waitMs: 200 }, {}),
    );
    await expect(timedOut).rejects.toThrow(/timed out/);
    const next = await call(fns, 'f');
    expect(next.calls).toBe(1);
    expect(fns.containers.stats.coldStarts).toEqual({ probe: 2 });
  });

  it('shared mode: one container serves every invocation, concurrently', async () => {
    const fns = loadAppFunctions(manifest, { from: 'bundle', functionsDir }, { mode: 'shared' });
    const [a, b] = await Promise.all([call(fns, 'g', 50), call(fns, 'h', 50)]);
    expect(a?.instance).toBe(b?.instance);
    expect(fns.containers.stats.coldStarts).toEqual({ probe: 1 });
  });

  it('the app: concurrent resolver invocations each ask Jira for the permission answer (no shared cache); a warm one reuses its own', async () => {
    const admin = NAMED_USERS.jiraAdmin.accountId;
    site.functions.containers.drain();
    site.sim.meter.reset();
    await Promise.all([invokeAs(site, admin, 'listProducts'), invokeAs(site, admin, 'listProducts')]);
    expect(site.sim.meter.count({ endpoint: '/rest/api/3/mypermissions' })).toBe(2);
    expect(site.functions.containers.stats.idle).toBe(2);
    site.sim.meter.reset();
    await invokeAs(site, admin, 'listProducts');
    expect(site.sim.meter.count({ endpoint: '/rest/api/3/mypermissions' })).toBe(0);
  });
});
