import { kvs, WhereConditions } from '@forge/kvs';
import api, { route } from '@forge/api';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, startTestSite } from '../support/site';

/**
 * The runtime emulation runs the real @forge/kvs and @forge/api unchanged and enforces Forge's limits.
 */
describe('Forge runtime emulation', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 50 } });
  });
  afterAll(() => site.close());
  beforeEach(() => site.kvs.clear());

  const inInvocation = <T>(fn: () => Promise<T>, timeoutMs = 5000) =>
    runInvocation({ accountId: NAMED_USERS.siteAdmin.accountId, moduleKey: 'test', timeoutMs }, fn);

  it('stores, reads and deletes values through @forge/kvs', async () => {
    await inInvocation(async () => {
      await kvs.set('job:1', { state: 'running', done: 3 });
      expect(await kvs.get('job:1')).toEqual({ state: 'running', done: 3 });
      await kvs.delete('job:1');
      expect(await kvs.get('job:1')).toBeUndefined();
    });
  });

  it('queries by key prefix, page by page with a cursor', async () => {
    await inInvocation(async () => {
      for (let i = 0; i < 7; i += 1) await kvs.set(`audit:${String(i).padStart(3, '0')}`, { i });
      await kvs.set('other:1', { i: -1 });
      const first = await kvs.query().where('key', WhereConditions.beginsWith('audit:')).limit(5).getMany();
      expect(first.results.map((r) => r.key)).toEqual([
        'audit:000',
        'audit:001',
        'audit:002',
        'audit:003',
        'audit:004',
      ]);
      expect(first.nextCursor).toBeDefined();
      const second = await kvs
        .query()
        .where('key', WhereConditions.beginsWith('audit:'))
        .limit(5)
        .cursor(first.nextCursor as string)
        .getMany();
      expect(second.results.map((r) => r.key)).toEqual(['audit:005', 'audit:006']);
      expect(second.nextCursor).toBeUndefined();
    });
  });

  it('refuses a query page over 100, a key over 500 characters and a value over 240 KiB', async () => {
    await inInvocation(async () => {
      await expect(
        kvs
          .query()
          .limit(FORGE_LIMITS.kvsQueryMaxLimit + 1)
          .getMany(),
      ).rejects.toMatchObject({ code: 'INVALID_LIMIT' });
      await expect(kvs.set('k'.repeat(FORGE_LIMITS.kvsKeyChars + 1), 1)).rejects.toMatchObject({
        code: 'KEY_TOO_LONG',
      });
      await expect(kvs.set('big', 'x'.repeat(FORGE_LIMITS.kvsValueBytes + 1))).rejects.toMatchObject({
        code: 'VALUE_TOO_LARGE',
      });
    });
    expect(site.kvs.keys()).toEqual([]);
  });

  it('honours FAIL_IF_EXISTS, batches of at most 25, and keeps secrets apart', async () => {
    await inInvocation(async () => {
      await kvs.set('once', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
      await expect(kvs.set('once', 2, { keyPolicy: 'FAIL_IF_EXISTS' })).rejects.toMatchObject({
        code: 'KEY_CONFLICT',
      });
      const items = Array.from({ length: 26 }, (_, i) => ({ key: `b:${i}`, value: i }));
      await expect(kvs.batchSet(items)).rejects.toMatchObject({ code: 'BATCH_TOO_LARGE' });
      const ok = await kvs.batchSet(items.slice(0, 25));
      expect(ok.successfulKeys).toHaveLength(25);
      await kvs.setSecret('token', 's3cret');
      expect(await kvs.getSecret('token')).toBe('s3cret');
      expect(await kvs.get('token')).toBeUndefined();
    });
    expect(await inInvocation(() => kvs.get('once'))).toBe(1);
  });

  it('times an invocation out and lets it make no request afterwards', async () => {
    let lateRequest: Promise<unknown> | undefined;
    await expect(
      inInvocation(async () => {
        await new Promise((r) => setTimeout(r, 80));
        lateRequest = kvs.set('late', true);
        await lateRequest;
      }, 40),
    ).rejects.toThrow(/timed out after 40 ms/);
    // The invocation's own code goes on running (as a frozen Lambda's would not); its request is refused.
    await new Promise((r) => setTimeout(r, 100));
    await expect(lateRequest).rejects.toThrow(/has timed out/);
    expect(site.kvs.keys()).not.toContain('late');
  });

  it('refuses an invoke payload over 500 KB before running the resolver', async () => {
    site.sim.meter.reset();
    const huge = { blob: 'x'.repeat(FORGE_LIMITS.invokeRequestBytes) };
    await expect(site.host.invoke('getSiteSummary', huge, NAMED_USERS.siteAdmin.accountId)).rejects.toThrow(
      /Invoke payload/,
    );
    expect(site.sim.meter.requests).toEqual([]);
  });

  it('sends asUser requests as the invoking user and asApp requests as the app', async () => {
    site.sim.meter.reset();
    await inInvocation(async () => {
      await api.asUser().requestJira(route`/rest/api/3/myself`);
      await api.asApp().requestJira(route`/rest/api/3/myself`);
    });
    expect(site.sim.meter.requests.map((r) => r.principal)).toEqual([`user:${NAMED_USERS.siteAdmin.accountId}`, 'app']);
  });
});
