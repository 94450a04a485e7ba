import type { APIResponse } from '@forge/api';
import { JiraApiError, JiraWaitRequired } from '../../src/jira/errors';
import { execute } from '../../src/jira/transport/executor';
import { LEARNED_LIMIT_TTL_MS, Pacer } from '../../src/jira/transport/pacer';

/** A fake clock: sleeping advances it, nothing waits for real. */
function fakeClock(start = 1_000_000) {
  const clock = { t: start, slept: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.t += ms;
    },
  };
}

function headers(h: Record<string, string>) {
  return new Headers(h);
}

function response(status: number, h: Record<string, string> = {}): APIResponse {
  return new Response(status === 204 ? null : '{}', { status, headers: h }) as unknown as APIResponse;
}

const BURST_429 = (limit: number, retryAfter: number) => ({
  'Retry-After': String(retryAfter),
  'X-RateLimit-Limit': String(limit),
  'X-RateLimit-Remaining': '0',
  'RateLimit-Reason': 'jira-burst-based',
});

describe('pacer', () => {
  it('does not pace a family before Jira announces a limit', () => {
    const { now } = fakeClock();
    const pacer = new Pacer(now);
    expect([1, 2, 3].map(() => pacer.reserve('site', 'Add', 'Add', 10_000))).toEqual([0, 0, 0]);
  });

  it('after a burst 429, holds the family for Retry-After, then spaces requests to the announced limit', () => {
    const { clock, now } = fakeClock();
    const pacer = new Pacer(now);
    pacer.observe('site', 'Add', 429, headers(BURST_429(10, 1)), 1000);
    expect(pacer.reserve('site', 'Add', 'Add', 10_000)).toBe(1000);
    clock.t += 1000;
    const gaps = [1, 2, 3].map(() => pacer.reserve('site', 'Add', 'Add', 10_000));
    // 10 a second with 5 % headroom: a slot every 1000 / 9.5 ≈ 105 ms, reserved back to back.
    expect(gaps[0]).toBeCloseTo(105.26, 1);
    expect(gaps[2]).toBeCloseTo(3 * 105.26, 1);
    expect(pacer.stats('site').limits).toEqual({ Add: 9.5 });
    // Jira's limits are dynamic: without another 429 the learned limit lapses.
    clock.t += LEARNED_LIMIT_TTL_MS + 10_000;
    expect([1, 2].map(() => pacer.reserve('site', 'Add', 'Add', 10_000))).toEqual([0, 0]);
  });

  it('keeps families and installations apart', () => {
    const { now } = fakeClock();
    const pacer = new Pacer(now);
    pacer.observe('site', 'Add', 429, headers(BURST_429(10, 5)), 5000);
    expect(pacer.reserve('site', 'Get user groups', 'Get', 10_000)).toBe(0);
    expect(pacer.reserve('other-site', 'Add', 'Add', 10_000)).toBe(0);
    expect(pacer.reserve('site', 'Add', 'Add', 10_000)).toBe(5000);
  });

  it('a quota 429 holds every family of the installation', () => {
    const { now } = fakeClock();
    const pacer = new Pacer(now);
    pacer.observe(
      'site',
      'List users',
      429,
      headers({ 'Retry-After': '30', 'RateLimit-Reason': 'jira-quota-global-based' }),
      30_000,
    );
    expect(pacer.reserve('site', 'Add', 'Add', 60_000)).toBe(30_000);
    expect(pacer.reserve('other-site', 'Add', 'Add', 60_000)).toBe(0);
  });

  it('throws JiraWaitRequired, reserving nothing, when the wait exceeds what the caller may sleep', () => {
    const { now } = fakeClock();
    const pacer = new Pacer(now);
    pacer.observe('site', 'Add', 429, headers(BURST_429(10, 9)), 9000);
    let err: unknown;
    try {
      pacer.reserve('site', 'Add', 'Add user to group', 4000);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JiraWaitRequired);
    expect(err).toBeInstanceOf(JiraApiError);
    expect((err as JiraWaitRequired).status).toBe(429);
    expect((err as JiraWaitRequired).retryAfterSeconds).toBe(9);
    expect((err as JiraWaitRequired).waitFor).toBe('retry-after');
    // Nothing was reserved: a caller with time enough still gets the first slot after the hold.
    expect(pacer.reserve('site', 'Add', 'Add', 10_000)).toBe(9000);
  });

  it('never paces the installation from X-RateLimit-* on answers: those are burst figures, not the pool', () => {
    const { clock, now } = fakeClock(Date.parse('2026-11-26T20:00:00Z'));
    const pacer = new Pacer(now);
    const reset = new Date(clock.t + 60_000).toISOString();
    pacer.observe(
      'site',
      'List users',
      200,
      headers({
        'X-RateLimit-Limit': '1000',
        'X-RateLimit-Remaining': '1',
        'X-RateLimit-Reset': reset,
        'X-RateLimit-NearLimit': 'true',
        'RateLimit-Policy': '"global-app-quota";q=65000;w=3600',
        RateLimit: '"global-app-quota";r=10;t=600',
      }),
    );
    expect([1, 2, 3].map(() => pacer.reserve('site', 'Get', 'Get', 10_000))).toEqual([0, 0, 0]);
  });
});

describe('execute with the pacer', () => {
  it('waits out a 429’s Retry-After before reissuing a write, then paces the family', async () => {
    const { clock, now, sleep } = fakeClock();
    const pacer = new Pacer(now);
    const answers = [response(429, BURST_429(10, 2)), response(204), response(204)];
    const sentAt: number[] = [];
    const send = async () => {
      sentAt.push(clock.t);
      return answers.shift() as APIResponse;
    };
    const options = { operation: 'Add user to group', idempotent: false, pacer, sleep, maxWaitMs: () => 20_000 };
    await execute(send, options);
    await execute(send, options);
    expect(sentAt.map((t) => t - (sentAt[0] ?? 0))).toEqual([0, 2000, expect.closeTo(2105.26, 1)]);
  });

  it('throws JiraWaitRequired instead of sleeping past the invocation, and sends nothing more', async () => {
    const { now, sleep, clock } = fakeClock();
    const pacer = new Pacer(now);
    const send = jest.fn(async () => response(429, BURST_429(10, 9)));
    const err = await execute(send, {
      operation: 'Add user to group',
      idempotent: false,
      pacer,
      sleep,
      maxWaitMs: () => 3_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraWaitRequired);
    expect((err as JiraWaitRequired).retryAfterSeconds).toBe(9);
    expect(send).toHaveBeenCalledTimes(1);
    expect(clock.slept).toEqual([]);
  });
});
