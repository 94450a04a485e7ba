import { kvs, ForgeKvsAPIError } from '@forge/kvs';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { KVS_RATE_LIMITS } from '../../local/forge-runtime/kvs-store';
import { isKeyConflict } from '../../src/store/kvs-conflict';
import { kvs as retryingKvs, KvsRateLimited, setKvsRetrySleep, withKvsRetry } from '../../src/store/kvs-retry';
import type { LocalSite } from '../../local/local-site';
import { startTestSite } from '../support/site';

/**
 * The embedded KVS limits and answers as Forge's does, seen through the real @forge/kvs: per-installation
 * rate limits (1,000 requests a second; 4,000 read and 4,000 write units a minute, a unit per started 10 KB of
 * a request's payload: developer.atlassian.com/platform/forge/limits-kvs-ce) answered
 * 429 RATE_LIMIT_EXCEEDED, a key twice in one batch or transaction refused, transactions of at most 25
 * operations and 4 MB, and TTLs kept on set, batch set and transaction set.
 */
describe('KVS limits', () => {
  let site: LocalSite;
  let clock = Date.now();
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 10 } });
  });
  afterAll(() => site.close());
  beforeEach(() => {
    clock = Date.now();
    site.kvs.now = () => clock;
    site.kvs.clear();
    site.kvs.resetUsage();
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS };
  });
  afterEach(() => {
    site.kvs.now = Date.now;
  });

  const app = <T>(fn: () => Promise<T>) => runInvocation({ moduleKey: 'test', timeoutMs: 60_000 }, fn);
  const apiError = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ForgeKvsAPIError);
    const e = err as ForgeKvsAPIError;
    return { status: e.responseDetails.status, code: e.code };
  };

  it('refuses the 1,001st request in one second with 429 RATE_LIMIT_EXCEEDED, and admits again a second later', async () => {
    await app(async () => {
      for (let i = 0; i < 1000; i += 1) await kvs.get(`k${i % 10}`);
      expect(await apiError(kvs.get('k1'))).toEqual({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
      clock += 1000;
      expect(await kvs.get('k1')).toBeUndefined();
    });
  });

  it('counts writes in 10 KB units: 4,000 a minute, a refused write changes nothing', async () => {
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS, requestsPerSecond: 1e9 };
    const big = 'x'.repeat(25 * 1024); // 3 units
    await app(async () => {
      // 1,333 writes of 3 units = 3,999 units; one more unit fits, the next 3-unit write does not.
      for (let i = 0; i < 1333; i += 1) await kvs.set(`big${i % 5}`, big);
      await kvs.set('small', 1);
      expect(await apiError(kvs.set('refused', big))).toEqual({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
      // A batch of 25 small items is one request under 10 KB, one unit: over the budget, refused whole.
      const items = Array.from({ length: 25 }, (_, i) => ({ key: `b${i}`, value: i }));
      expect(await apiError(kvs.batchSet(items))).toEqual({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
      // Reads have their own budget.
      expect(await kvs.get('small')).toBe(1);
      clock += 60_000;
      await kvs.set('refused', big);
    });
    expect(site.kvs.keys()).not.toContain('b0');
    expect(site.kvs.peek('refused')).toBe(big);
  });

  it('counts a batch by its whole payload: 25 small items are one unit, 25 items of 4 KB are ten', async () => {
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS, requestsPerSecond: 1e9 };
    const small = Array.from({ length: 25 }, (_, i) => ({ key: `s${i}`, value: i }));
    const mid = Array.from({ length: 25 }, (_, i) => ({ key: `m${i}`, value: 'm'.repeat(4096 - 2) }));
    await app(async () => {
      await kvs.batchSet(small);
      expect(site.kvs.usage.writeUnits).toBe(1);
      await kvs.batchSet(mid); // 25 × 4,096 bytes = 100 KB: 10 units
      expect(site.kvs.usage.writeUnits).toBe(11);
      await kvs.batchDelete(small.map(({ key }) => ({ key })));
      expect(site.kvs.usage.writeUnits).toBe(12);
      await kvs.batchGet(mid.map(({ key }) => ({ key })));
      expect(site.kvs.usage.readUnits).toBe(10);
    });
  });

  it('counts reads in 10 KB units: a 100-item query page of 10 KB values costs 100', async () => {
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS, requestsPerSecond: 1e9 };
    const value = 'y'.repeat(10 * 1024 - 2); // 10,240 bytes as JSON
    site.kvs.rateLimits = undefined;
    await app(async () => {
      for (let i = 0; i < 100; i += 4)
        await kvs.batchSet(
          Array.from({ length: 4 }, (_, j) => ({ key: `q:${String(i + j).padStart(3, '0')}`, value })),
        );
    });
    site.kvs.rateLimits = { ...KVS_RATE_LIMITS, requestsPerSecond: 1e9 };
    await app(async () => {
      for (let i = 0; i < 40; i += 1) await kvs.query().limit(100).getMany(); // 40 × 100 = 4,000
      expect(await apiError(kvs.get('q:000'))).toEqual({ status: 429, code: 'RATE_LIMIT_EXCEEDED' });
      await kvs.set('write-still-fine', 1);
    });
  });

  it('refuses a key twice in one batch or one transaction, and applies nothing', async () => {
    await app(async () => {
      expect(
        await apiError(
          kvs.batchSet([
            { key: 'd1', value: 1 },
            { key: 'd1', value: 2 },
          ]),
        ),
      ).toEqual({ status: 400, code: 'DUPLICATE_KEYS' });
      expect(await apiError(kvs.batchGet([{ key: 'd1' }, { key: 'd1' }]))).toMatchObject({ status: 400 });
      expect(await apiError(kvs.transact().set('d2', 1).delete('d2').execute())).toEqual({
        status: 400,
        code: 'DUPLICATE_KEYS',
      });
      expect(await apiError(kvs.transact().set('d3', 1).set('d3', 2).execute())).toMatchObject({ status: 400 });
    });
    expect(site.kvs.keys()).toEqual([]);
  });

  it('takes transactions of at most 25 operations and 4 MB', async () => {
    const tooMany = Array.from({ length: 26 }, (_, i) => `t${i}`).reduce((tx, key) => tx.set(key, 1), kvs.transact());
    const value = 'z'.repeat(200 * 1024);
    const tooBig = Array.from({ length: 21 }, (_, i) => `big${i}`).reduce(
      (tx, key) => tx.set(key, value),
      kvs.transact(),
    );
    await app(async () => {
      expect(await apiError(tooMany.execute())).toEqual({ status: 400, code: 'TRANSACTION_TOO_LARGE' });
      expect(await apiError(tooBig.execute())).toEqual({ status: 400, code: 'TRANSACTION_TOO_LARGE' });
      // A batch set is held to the same 4 MB (developer.atlassian.com/platform/forge/storage-reference/batchops).
      const bigBatch = Array.from({ length: 21 }, (_, i) => ({ key: `bb${i}`, value }));
      expect(await apiError(kvs.batchSet(bigBatch))).toEqual({ status: 400, code: 'BATCH_TOO_LARGE' });
      const ok = Array.from({ length: 25 }, (_, i) => `t${i}`).reduce((tx, key) => tx.set(key, 1), kvs.transact());
      await ok.execute();
    });
    expect(site.kvs.keys()).toHaveLength(25);
  });

  it('answers a FAIL_IF_EXISTS set on an existing key 409 KEY_CONFLICT, which the app’s helper (and only it) recognises', async () => {
    await app(async () => {
      await kvs.set('lock', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
      const conflict = await kvs.set('lock', 2, { keyPolicy: 'FAIL_IF_EXISTS' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(await apiError(Promise.reject(conflict))).toEqual({ status: 409, code: 'KEY_CONFLICT' });
      expect(isKeyConflict(conflict)).toBe(true);
      const tooBig = await kvs.set('big', 'x'.repeat(300 * 1024)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isKeyConflict(tooBig)).toBe(false);
      expect(isKeyConflict(new Error('KEY_CONFLICT'))).toBe(false);
    });
    expect(site.kvs.peek('lock')).toBe(1);
  });

  it('keeps a TTL on set, batch set and transaction set', async () => {
    const ttl = { value: 30, unit: 'SECONDS' as const };
    await app(async () => {
      await kvs.set('ttl:set', 1, { ttl });
      await kvs.batchSet([{ key: 'ttl:batch', value: 2, options: { ttl } }]);
      await kvs.transact().set('ttl:tx', 3, undefined, { ttl }).execute();
      await kvs.set('ttl:none', 4);
    });
    clock += 29_000;
    expect(site.kvs.keys()).toEqual(['ttl:batch', 'ttl:none', 'ttl:set', 'ttl:tx']);
    clock += 1_000;
    expect(site.kvs.keys()).toEqual(['ttl:none']);
    expect(await app(() => kvs.get('ttl:batch'))).toBeUndefined();
  });

  describe("the app's retrying client (src/store/kvs-retry.ts)", () => {
    let restore: () => void;
    beforeEach(() => {
      // Its back-off waits move the store's clock instead of the real one (so the per-minute window frees).
      restore = setKvsRetrySleep(async (ms) => {
        clock += ms;
      });
    });
    afterEach(() => restore());

    it('waits out a 429 and stores every write: 30 sets and a batch against a limit of 5 write units a minute', async () => {
      site.kvs.rateLimits = { ...KVS_RATE_LIMITS, writeUnitsPerMinute: 5 };
      await app(async () => {
        for (let i = 0; i < 30; i += 1) await retryingKvs.set(`r${i}`, i);
        await retryingKvs.batchSet(Array.from({ length: 25 }, (_, i) => ({ key: `rb${i}`, value: i })));
        await retryingKvs.transact().set('rt', 1).delete('r0').execute();
        expect((await retryingKvs.query().limit(100).getMany()).results.length).toBeGreaterThan(0);
      });
      expect(site.kvs.usage.refused).toBeGreaterThan(0);
      expect(site.kvs.keys()).toHaveLength(29 + 25 + 1);
      expect(site.kvs.peek('r29')).toBe(29);
    });

    it('gives up past its budget with KvsRateLimited (nothing stored), and passes other errors through at once', async () => {
      site.kvs.rateLimits = { ...KVS_RATE_LIMITS, writeUnitsPerMinute: 1 };
      await app(async () => {
        await retryingKvs.set('first', 1);
        const err = await withKvsRetry('test set', () => kvs.set('second', 2), { budgetMs: 0 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(KvsRateLimited);
        const conflict = await retryingKvs.set('x'.repeat(600), 1).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(conflict).toBeInstanceOf(ForgeKvsAPIError);
      });
      expect(site.kvs.keys()).toEqual(['first']);
    });
  });
});
