import type { APIResponse } from '@forge/api';
import { JiraWaitRequired } from '../../src/jira/errors';
import { execute } from '../../src/jira/transport/executor';
import {
  Governor,
  decide,
  threshold,
  mergeViews,
  MAX_QUEUE_DELAY_SECONDS,
  type PoolView,
  type PoolViewStore,
} from '../../src/jira/transport/governor';
import { Pacer } from '../../src/jira/transport/pacer';
import { parseSfList, readPool, shareOf } from '../../src/jira/transport/rate-limit-headers';

const T0 = Date.parse('2026-12-03T10:20:00Z');
const h = (x: Record<string, string>) => new Headers(x);

describe('pool headers (RateLimit-Policy / RateLimit, either prefix)', () => {
  it('parses the published form and knows the tier from the policy name', () => {
    const pool = readPool(
      h({ 'RateLimit-Policy': '"global-app-quota";q=65000;w=3600', RateLimit: '"global-app-quota";r=1234;t=600' }),
      T0,
    );
    expect(pool).toEqual({
      policy: 'global-app-quota',
      tier: 1,
      quota: 65000,
      windowSeconds: 3600,
      remaining: 1234,
      resetAt: T0 + 600_000,
      observedAt: T0,
      beta: false,
    });
    const tenant = readPool(
      h({
        'Beta-RateLimit-Policy': '"tenant-app-quota";q=100100;w=3600',
        'Beta-RateLimit': '"tenant-app-quota";r=17842;t=2107',
      }),
      T0,
    );
    expect([tenant?.tier, tenant?.quota, tenant?.remaining, tenant?.beta]).toEqual([2, 100100, 17842, true]);
  });

  it('is robust to whitespace, case, parameter order, unknown parameters, tokens and extra members', () => {
    const items = parseSfList(' "a;b,c" ; w=3600 ;Q=5;x="y\\"z";flag , token;r=7 ,,  ');
    expect(items).toEqual([
      { value: 'a;b,c', params: { w: 3600, q: 5, x: 'y"z', flag: true } },
      { value: 'token', params: { r: 7 } },
    ]);
    const pool = readPool(
      h({
        'ratelimit-policy': 'other;q=10;w=60, "global-app-quota";w=3600;q=65000',
        ratelimit: '"global-app-quota";t=30;r=39000, other;r=1;t=5',
      }),
      T0,
    );
    // The member with the smaller remaining share is the one that refuses first.
    expect([pool?.policy, pool?.remaining]).toEqual(['other', 1]);
    expect(parseSfList('garbage;;;=,"unterminated')).toEqual([
      { value: 'garbage', params: {} },
      { value: 'unterminated', params: {} },
    ]);
  });

  it('without t the reset is the end of the w window; without r the pool is not near its end', () => {
    const pool = readPool(h({ RateLimit: '"global-app-quota"' }), T0);
    expect(pool?.resetAt).toBe(Date.parse('2026-12-03T11:00:00Z'));
    expect(pool?.remaining).toBeUndefined();
    expect(shareOf(pool ?? { remaining: 0 })).toBe(1);
    // A spent pool's answer may omit the policy header: Tier 1's published quota gives the share.
    expect(shareOf(readPool(h({ 'Beta-RateLimit': '"global-app-quota";r=13000;t=5' }), T0) ?? {})).toBeCloseTo(0.2);
  });

  it('ignores X-RateLimit-* (burst figures) and answers without pool headers', () => {
    expect(readPool(h({ 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0' }), T0)).toBeUndefined();
  });
});

const view = (remaining: number, quota = 65000, resetAt = T0 + 600_000): PoolView => ({
  policy: 'global-app-quota',
  tier: 1,
  quota,
  remaining,
  resetAt,
  observedAt: T0,
  beta: false,
});

describe('the reserve decision', () => {
  it('paces background work along the window: a line from 80 % of the pool at the reset down to the reserve', () => {
    // Half the hour left: the line stands at 40 % + 60 % / 2 − 20 % (the head start) = 50 %.
    const end = T0 + 1_800_000;
    expect(threshold(view(0, 65000, end), T0, 0.4)).toBeCloseTo(0.5);
    expect(decide(view(33_150, 65000, end), T0, 0.4).admitted).toBe(true); // 51 %
    // 45 %: wait until the line has fallen to 45 % (300 s), not until the reset.
    expect(decide(view(29_250, 65000, end), T0, 0.4)).toMatchObject({ admitted: false, delaySeconds: 300 });
    // Right after a reset 20 % may go at once (work held at the end of an hour goes on), then the line.
    expect(decide(view(52_001, 65000, T0 + 3_600_000), T0, 0.4).admitted).toBe(true);
    expect(decide(view(51_999, 65000, T0 + 3_600_000), T0, 0.4).admitted).toBe(false);
    // A sixth of the hour or less left: the line is the reserve itself; more than 40 % admits.
    expect(decide(view(26_001, 65000, T0 + 600_000), T0, 0.4).admitted).toBe(true);
    // Deferrable work keeps 20 % more.
    expect(decide(view(33_150, 65000, T0 + 600_000), T0, 0.6).admitted).toBe(false);
  });

  it('at or below the reserve, waits on the queue until the reset (at most 900 s a time)', () => {
    const held = decide(view(26_000), T0, 0.4);
    expect(held).toMatchObject({ admitted: false, waitMs: 600_000, delaySeconds: 600, resetAt: T0 + 600_000 });
    const far = decide(view(100, 65000, T0 + 3_000_000), T0, 0.4);
    expect(far).toMatchObject({ admitted: false, delaySeconds: MAX_QUEUE_DELAY_SECONDS });
    // Once the window has reset, the old view says nothing: admitted, and the first answer tells.
    expect(decide(view(0), T0 + 600_000, 0.4).admitted).toBe(true);
    expect(decide(undefined, T0, 0.4).admitted).toBe(true);
  });

  it('merges views: the lower remaining in one window (it only falls), the later window otherwise', () => {
    const a = { ...view(30_000), observedAt: T0 + 5 };
    const b = { ...view(20_000), quota: undefined, observedAt: T0 + 9 };
    expect(mergeViews(a, b)).toMatchObject({ remaining: 20_000, quota: 65000, observedAt: T0 + 9 });
    expect(mergeViews(b, a)).toMatchObject({ remaining: 20_000, quota: 65000 });
    const next = { ...view(64_000, 65000, T0 + 600_000 + 3_600_000), observedAt: T0 + 700_000 };
    expect(mergeViews(a, next)).toBe(next);
  });
});

/** A shared record as KVS would hold it, seen by two containers (two Governor instances). */
function sharedStore(): PoolViewStore & { record?: PoolView; writes: number } {
  const s: PoolViewStore & { record?: PoolView; writes: number } = {
    writes: 0,
    load: async () => s.record,
    save: async (_i, v) => {
      s.record = v;
      s.writes += 1;
    },
  };
  return s;
}

const POOL = (r: number, t = 600) => ({
  'RateLimit-Policy': '"global-app-quota";q=65000;w=3600',
  RateLimit: `"global-app-quota";r=${r};t=${t}`,
});

describe('the governor', () => {
  it('shares its view through the store: a second container learns the pool is below the reserve', async () => {
    let now = T0;
    const store = sharedStore();
    const one = new Governor({ store, now: () => now, random: () => 0 });
    const two = new Governor({ store, now: () => now, random: () => 0 });
    await one.observe('site', 200, h(POOL(50_000)));
    expect((await two.admitBackground('site')).admitted).toBe(true);
    now += 1000;
    await one.observe('site', 200, h(POOL(20_000)));
    now += 20_000; // past the refresh interval: container two reads the record again
    expect(await two.admitBackground('site')).toMatchObject({ admitted: false, delaySeconds: 579 });
    // An older, higher figure written late does not raise the shared view (it only falls in a window).
    await two.observe('site', 200, h(POOL(45_000, 580)));
    expect(store.record?.remaining).toBe(20_000);
    // After the reset background work goes on.
    now += 580_000;
    expect((await two.admitBackground('site')).admitted).toBe(true);
  });

  it('holds deferrable work (a routine reconciliation) 20 % higher than work someone waits for', async () => {
    const g = new Governor({ store: sharedStore(), now: () => T0, random: () => 0 });
    await g.observe('site', 200, h(POOL(35_750))); // 55 %, ten minutes to the reset: the line is at 40 %
    expect((await g.admitBackground('site')).admitted).toBe(true);
    expect((await g.admitBackground('site', 'deferrable')).admitted).toBe(false);
  });

  it('deferrable work follows a line 20 % above normal work at every moment, so it goes after it', async () => {
    // Right after the reset normal work may take its 20 % head start at once; deferrable work has none.
    const fresh = view(64_000, 65000, T0 + 3_600_000); // 98 %
    expect(decide(fresh, T0, 0.4).admitted).toBe(true);
    expect(decide(fresh, T0, 0.4, 0, 0.2)).toMatchObject({ admitted: false });
    // Half the hour left: normal line 50 %, deferrable 70 %. At 65 % deferrable work waits until its line has
    // fallen to 65 % (300 s); normal work spending along its own line keeps the pool below it.
    const half = view(42_250, 65000, T0 + 1_800_000);
    expect(threshold(half, T0, 0.4, 0.2)).toBeCloseTo(0.7);
    expect(decide(half, T0, 0.4).admitted).toBe(true);
    expect(decide(half, T0, 0.4, 0, 0.2)).toMatchObject({ admitted: false, delaySeconds: 300 });
    // At the window's end it keeps reserve + 20 % and then waits for the reset.
    expect(decide(view(39_001, 65000, T0 + 60_000), T0, 0.4, 0, 0.2).admitted).toBe(true);
    expect(decide(view(38_999, 65000, T0 + 60_000), T0, 0.4, 0, 0.2)).toMatchObject({
      admitted: false,
      waitMs: 60_000,
    });
  });

  it('admits a request for its expected points: a big page waits until the line has room for it, a small one goes', () => {
    // Half the hour left, normal line at 50 %; the pool at 52 %.
    const v = view(33_800, 65000, T0 + 1_800_000);
    expect(decide(v, T0, 0.4, 0, 0, 101).admitted).toBe(true); // a member page of 50 (0.2 %)
    const big = decide(v, T0, 0.4, 0, 0, 2001); // a users page of 1,000 (3.1 %): 48.9 % would be left
    expect(big).toMatchObject({ admitted: false });
    // It waits until the line has fallen to what the page would leave, not for the reset.
    expect(big.admitted ? 0 : big.waitMs).toBeLessThan(1_800_000);
    // Never too big to be admitted: counted as at most 10 % of the pool (a small pool).
    expect(decide(view(2_000, 2_000, T0 + 3_600_000), T0, 0.4, 0, 0, 2001).admitted).toBe(true);
  });

  it('a quota 429 (Retry-After) holds background work until then; a burst 429 does not', async () => {
    const store = sharedStore();
    const g = new Governor({ store, now: () => T0, random: () => 0 });
    await g.observe('site', 429, h({ 'Retry-After': '5', 'RateLimit-Reason': 'jira-burst-based' }), 5000);
    expect((await g.admitBackground('site')).admitted).toBe(true);
    await g.observe(
      'site',
      429,
      h({ 'Retry-After': '1800', 'RateLimit-Reason': 'jira-quota-tenant-based' }),
      1_800_000,
    );
    expect(await g.admitBackground('site')).toMatchObject({ admitted: false, delaySeconds: 900 });
    expect(g.tier('site')).toBe(2);
  });

  it('in the executor: a background request below the reserve is not sent; an interactive one is', async () => {
    const store = sharedStore();
    const g = new Governor({ store, now: () => T0, random: () => 0 });
    let sent = 0;
    const send = async () => {
      sent += 1;
      return new Response('{}', { status: 200, headers: POOL(20_000) }) as unknown as APIResponse;
    };
    const opts = { operation: 'List users', idempotent: true, governor: g, pacer: new Pacer(() => T0) };
    await execute(send, { ...opts, background: 'normal' }); // first: pool unknown, admitted; learns 31 %
    await expect(execute(send, { ...opts, background: 'normal' })).rejects.toMatchObject({
      name: 'JiraWaitRequired',
      waitFor: 'reserve',
      retryAfter: 600_000,
    });
    expect(sent).toBe(1);
    await execute(send, { ...opts, background: false });
    expect(sent).toBe(2);
    expect(new JiraWaitRequired('x', 600_000, 'reserve').retryAfterSeconds).toBe(600);
  });
});
