import { kvs } from '@forge/kvs';
import {
  InvocationError,
  InvocationErrorCode,
  JobDoesNotExistError,
  PayloadTooBigError,
  Queue,
  RateLimitError,
  TooManyEventsError,
} from '@forge/events';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { AsyncEventPayload, ConsumerHandler } from '../../local/forge-runtime/queue';
import type { LocalSite } from '../../local/local-site';
import { startTestSite } from '../support/site';

/**
 * The async events emulation runs the real @forge/events unchanged: pushes from an invocation reach the
 * queue's consumer in the background, with Forge's limits, retries, delays, concurrency keys, stats and
 * cancel, and the faults tests need (every event twice, consumers killed mid-run).
 */
describe('Forge async events emulation', () => {
  let site: LocalSite;
  const received: Array<AsyncEventPayload & { at: number }> = [];
  let behaviour: ConsumerHandler = async () => undefined;

  beforeAll(async () => {
    // Delays run at 1/100 of real time; timeouts stay real.
    site = await startTestSite({ seed: { users: 20 }, queue: { timeScale: 0.01 } });
    site.queue.register({
      key: 'test-consumer',
      queue: 'test-queue',
      handler: async (event, context) => {
        received.push({ ...event, at: Date.now() });
        return behaviour(event, context);
      },
    });
    site.queue.register({
      key: 'long-consumer',
      queue: 'long-queue',
      timeoutSeconds: 900,
      handler: async () => undefined,
    });
    site.queue.register({
      key: 'short-consumer',
      queue: 'short-queue',
      timeoutSeconds: 1,
      handler: (e, c) => behaviour(e, c),
    });
  });
  afterAll(() => site.close());
  beforeEach(() => {
    received.length = 0;
    behaviour = async () => undefined;
    site.queue.configure({
      duplicateRate: 0,
      concurrentDuplicateRate: 0,
      killRate: 0,
      lateRedeliveryRate: 0,
      reorderWithinMs: 0,
    });
  });

  const asResolver = <T>(fn: () => Promise<T>) => runInvocation({ moduleKey: 'test', timeoutMs: 25_000 }, fn);
  const queue = new Queue({ key: 'test-queue' });

  it('delivers a pushed event to the queue’s consumer as an AsyncEvent, and getStats counts it', async () => {
    const { jobId } = await asResolver(() => queue.push({ body: { n: 1 } }));
    await site.queue.idle();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ body: { n: 1 }, queueName: 'test-queue', jobId });
    expect(received[0]?.eventId).toEqual(expect.any(String));
    expect(received[0]?.retryContext).toBeUndefined();
    expect(await asResolver(() => queue.getJob(jobId).getStats())).toEqual({ success: 1, inProgress: 0, failed: 0 });
  });

  it('refuses pushes over Forge’s limits: 50 events, 200 KB, 100 KB per event for long-running consumers', async () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ body: { i } }));
    await expect(asResolver(() => queue.push(many))).rejects.toBeInstanceOf(TooManyEventsError);
    // The service enforces the count too, for a client that does not validate.
    expect(
      site.queue.handle('/webhook/queue/publish/x', { queueName: 'test-queue', jobId: 'j', payload: many }).status,
    ).toBe(400);
    const big = 'x'.repeat(60 * 1024);
    await expect(asResolver(() => queue.push([1, 2, 3, 4].map((i) => ({ body: { i, big } }))))).rejects.toBeInstanceOf(
      PayloadTooBigError,
    );
    const longQueue = new Queue({ key: 'long-queue' });
    await expect(asResolver(() => longQueue.push({ body: { big: 'x'.repeat(110 * 1024) } }))).rejects.toBeInstanceOf(
      PayloadTooBigError,
    );
    // 90 KB is fine for the long-running consumer; 110 KB is fine for a 55 s one.
    await asResolver(() => longQueue.push({ body: { big: 'x'.repeat(90 * 1024) } }));
    await asResolver(() => queue.push({ body: { big: 'x'.repeat(110 * 1024) } }));
    await site.queue.idle();
    expect(received).toHaveLength(1);
  });

  it('waits delayInSeconds (scaled) before delivering', async () => {
    const pushedAt = Date.now();
    await asResolver(() => queue.push({ body: { n: 1 }, delayInSeconds: 30 }));
    await site.queue.idle();
    expect((received[0]?.at ?? 0) - pushedAt).toBeGreaterThanOrEqual(300 - 5);
  });

  it('redelivers after an InvocationError’s retryAfter, with retryContext, and counts retries', async () => {
    behaviour = async (event) =>
      (event.retryContext?.retryCount ?? 0) < 2
        ? new InvocationError({
            retryAfter: 20,
            retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
            retryData: { from: 7 },
          })
        : undefined;
    const { jobId } = await asResolver(() => queue.push({ body: { n: 1 } }));
    await site.queue.idle();
    expect(received.map((e) => e.retryContext?.retryCount ?? 0)).toEqual([0, 1, 2]);
    expect(received[1]?.retryContext).toEqual({
      retryCount: 1,
      retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED',
      retryData: { from: 7 },
    });
    // 20 s at 1/100 scale between deliveries.
    expect((received[1]?.at ?? 0) - (received[0]?.at ?? 0)).toBeGreaterThanOrEqual(195);
    expect(await asResolver(() => queue.getStats(jobId))).toEqual({ success: 1, inProgress: 0, failed: 0 });
  });

  it('retries a consumer that throws at most 4 times, then counts the event as failed', async () => {
    behaviour = async () => {
      throw new Error('boom');
    };
    const { jobId } = await asResolver(() => queue.push({ body: { n: 1 } }));
    await site.queue.idle();
    expect(received.map((e) => e.retryContext?.retryCount ?? 0)).toEqual([0, 1, 2, 3, 4]);
    expect(await asResolver(() => queue.getStats(jobId))).toEqual({ success: 0, inProgress: 0, failed: 1 });
    // Dropped: listed, and never delivered again (a later event still flows).
    const eventId = received[0]?.eventId;
    expect(site.queue.dropped.filter((d) => d.jobId === jobId)).toEqual([
      { eventId, jobId, queue: 'test-queue', retryCount: 4 },
    ]);
    behaviour = async () => undefined;
    await asResolver(() => queue.push({ body: { n: 2 } }));
    await site.queue.idle();
    expect(received.filter((e) => e.eventId === eventId)).toHaveLength(5);
    expect(received[received.length - 1]?.body).toEqual({ n: 2 });
  });

  it('refuses a push over 500 events a minute as @forge/events reports it: RateLimitError, nothing queued', async () => {
    site.queue.configure({ eventsPerMinute: 500 });
    const fifty = Array.from({ length: 50 }, (_, i) => ({ body: { i }, delayInSeconds: 900 }));
    const fillers: string[] = [];
    const error = await asResolver(async () => {
      // Earlier tests pushed a few events this minute: fill up to 500 exactly, in pushes of at most 50.
      for (let left = 500 - site.queue.eventsPushedLastMinute(); left > 0; left -= 50)
        fillers.push((await queue.push(fifty.slice(0, Math.min(50, left)))).jobId);
      return queue.push({ body: { over: true } }).then(
        () => undefined,
        (e: unknown) => e,
      );
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toBe('Too many requests.');
    expect(site.queue.eventsPushedLastMinute()).toBe(500);
    // Cancel the delayed fillers so the queue is idle for the next tests.
    await asResolver(() => Promise.all(fillers.map((id) => queue.cancel(id))));
    await site.queue.idle();
    // The minute's window is full: later tests in this file push under a raised limit.
    site.queue.configure({ eventsPerMinute: 10_000 });
    expect(received.some((e) => e.body.over)).toBe(false);
  });

  it('can redeliver an event late, after it succeeded, and deliver events out of order (seeded)', async () => {
    site.queue.configure({ lateRedeliveryRate: 1, lateWithinSeconds: 30, reorderWithinMs: 200, seed: 11 });
    const { jobId } = await asResolver(() => queue.push(Array.from({ length: 10 }, (_, i) => ({ body: { i } }))));
    await site.queue.idle();
    const order = received.map((e) => Number(e.body.i));
    // Every event twice: once, then once more later (the late one is a duplicate delivery of the same event).
    const perEvent = new Map<number, number>();
    for (const i of order) perEvent.set(i, (perEvent.get(i) ?? 0) + 1);
    expect([...perEvent.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...perEvent.values()]).toEqual(Array(10).fill(2));
    const firsts = order.filter((i, n) => order.indexOf(i) === n);
    expect(firsts).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Some event's late copy arrived after a later-pushed event's first delivery.
    const lateAfterOthers = firsts.some((a, n) =>
      firsts.slice(n + 1).some((b) => order.lastIndexOf(a) > order.indexOf(b)),
    );
    expect(lateAfterOthers).toBe(true);
    const deliveries = site.queue.deliveries.filter((d) => d.jobId === jobId);
    expect(deliveries.filter((d) => d.duplicate)).toHaveLength(10);
    expect(await asResolver(() => queue.getStats(jobId))).toEqual({ success: 10, inProgress: 0, failed: 0 });
  });

  it('enforces the consumer function’s timeoutSeconds: a late invocation can make no request and is redelivered', async () => {
    const writes: string[] = [];
    behaviour = async (event) => {
      if (!event.retryContext) {
        await new Promise((r) => setTimeout(r, 1300));
        await kvs.set('late-write', 1).then(
          () => writes.push('late'),
          () => writes.push('refused'),
        );
        return undefined;
      }
      writes.push(`retry:${event.retryContext.retryReason}`);
      return undefined;
    };
    const short = new Queue({ key: 'short-queue' });
    await asResolver(() => short.push({ body: {} }));
    await site.queue.idle();
    await new Promise((r) => setTimeout(r, 400));
    expect(writes.sort()).toEqual(['refused', 'retry:FUNCTION_TIME_OUT']);
    expect(site.kvs.peek('late-write')).toBeUndefined();
  });

  it('limits events sharing a concurrency key to the key’s limit', async () => {
    let now = 0;
    let peak = 0;
    behaviour = async () => {
      now += 1;
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, 30));
      now -= 1;
      return undefined;
    };
    await asResolver(() =>
      queue.push(Array.from({ length: 8 }, (_, i) => ({ body: { i }, concurrency: { key: 'group-1', limit: 2 } }))),
    );
    await site.queue.idle();
    expect(received).toHaveLength(8);
    expect(peak).toBe(2);
  });

  it('cancel() drops a job’s events that have not started', async () => {
    const { jobId } = await asResolver(() => queue.push([1, 2, 3].map((i) => ({ body: { i }, delayInSeconds: 600 }))));
    expect(await asResolver(() => queue.getStats(jobId))).toEqual({ success: 0, inProgress: 3, failed: 0 });
    await asResolver(() => queue.getJob(jobId).cancel());
    await site.queue.idle();
    expect(received).toHaveLength(0);
    expect(await asResolver(() => queue.getStats(jobId))).toEqual({ success: 0, inProgress: 0, failed: 0 });
    await expect(asResolver(() => queue.getStats('no-such-job'))).rejects.toBeInstanceOf(JobDoesNotExistError);
  });

  it('can deliver every event twice, some of them concurrently', async () => {
    site.queue.configure({ duplicateRate: 1, concurrentDuplicateRate: 0.5, seed: 3 });
    let now = 0;
    let overlapped = 0;
    behaviour = async () => {
      now += 1;
      if (now > 1) overlapped += 1;
      await new Promise((r) => setTimeout(r, 20));
      now -= 1;
      return undefined;
    };
    await asResolver(() =>
      queue.push(Array.from({ length: 10 }, (_, i) => ({ body: { i }, concurrency: { key: 'k', limit: 1 } }))),
    );
    await site.queue.idle();
    const perEvent = new Map<string, number>();
    for (const e of received) perEvent.set(e.eventId, (perEvent.get(e.eventId) ?? 0) + 1);
    expect([...perEvent.values()]).toEqual(Array(10).fill(2));
    // The concurrency key admits one event at a time, so only a concurrent duplicate overlaps.
    expect(overlapped).toBeGreaterThan(0);
    expect(overlapped).toBeLessThan(10);
  });

  it('can kill consumers mid-run; a killed delivery makes no further request and the event is redelivered', async () => {
    site.queue.configure({ killRate: 0.5, killWithinMs: 40, seed: 5 });
    behaviour = async (event) => {
      await new Promise((r) => setTimeout(r, 50));
      await kvs.set(`done-${String(event.body.i)}`, event.retryContext?.retryCount ?? 0);
      return undefined;
    };
    const { jobId } = await asResolver(() => queue.push(Array.from({ length: 10 }, (_, i) => ({ body: { i } }))));
    await site.queue.idle();
    const deliveries = site.queue.deliveries.filter((d) => d.jobId === jobId);
    const killed = deliveries.filter((d) => d.outcome === 'killed');
    expect(killed.length).toBeGreaterThan(0);
    // Every killed delivery with retries left is delivered again, with the next retry count. (Which
    // deliveries die depends on timing, so an event may be killed on all five deliveries; Forge then
    // drops it as failed: counted below, never left in progress.)
    for (const k of killed.filter((d) => d.retryCount < 4)) {
      expect(deliveries.some((d) => d.eventId === k.eventId && d.retryCount === k.retryCount + 1)).toBe(true);
    }
    const dropped = new Set(killed.filter((d) => d.retryCount === 4).map((d) => d.eventId));
    const stats = await asResolver(() => queue.getStats(jobId));
    expect(stats).toEqual({ success: 10 - dropped.size, inProgress: 0, failed: dropped.size });
    expect(dropped.size).toBeLessThan(10);
    // A succeeded event did its work; a killed delivery made no further request (its write never landed).
    const succeeded = new Set(deliveries.filter((d) => d.outcome === 'success').map((d) => d.eventId));
    expect(succeeded.size).toBe(10 - dropped.size);
    const done = Array.from({ length: 10 }, (_, i) => site.kvs.peek(`done-${i}`)).filter((v) => v !== undefined);
    expect(done).toHaveLength(10 - dropped.size);
  });
});
