/**
 * Forge async events, emulated: the queue service behind the real `@forge/events` (3.x). The package
 * posts, as the app, to the Forge proxy's `stargate` remote (`/webhook/queue/publish|stats|cancel/…`);
 * the runtime's `__forge_fetch__` hands those requests here. Pushed events are delivered in the
 * background to the manifest's `consumer` module for the queue: its function runs as its own Forge
 * invocation (no user, the function's `timeoutSeconds`, default 55 s, at most 900), with at-least-once
 * delivery and Forge's retries.
 *
 * Forge's rules, as documented:
 * - Push: at most 50 events and 200 KB combined per request; `delayInSeconds` 0–900; 500 events per minute
 *   per installation; events for a consumer whose function has `timeoutSeconds` > 55 may be at most
 *   100 KB each; at most 1,000 push requests in one chain of invocations ("cyclic invocation limit").
 *   developer.atlassian.com/platform/forge/limits-async-events and
 *   developer.atlassian.com/platform/forge/runtime-reference/async-events-api
 * - Consumers: `consumer: [{ key, queue, function }]` (developer.atlassian.com/platform/forge/manifest-reference/modules/consumer);
 *   the function is called with an `AsyncEvent` (`body`, `queueName`, `jobId`, `eventId`, `retryContext`)
 *   and a context (developer.atlassian.com/platform/forge/runtime-reference/async-events-api-version-2-upgrade).
 * - Retries: returning `new InvocationError({ retryAfter, retryReason, retryData })` (or a `QueueResponse`
 *   with `retry()`) redelivers after `retryAfter` seconds (at least 1, at most 900); an error thrown or a
 *   timeout redelivers too; `retryContext.retryCount` counts the retries, at most 4, after which the event
 *   is failed. (The async events API page lists the retry fields; the maximum of 4 retries and the
 *   900 s ceiling are the documented ones; the backoff for a thrown error is not documented and is
 *   2^retryCount seconds here.)
 * - `concurrency: { key, limit }`: at most `limit` events with that key run at once.
 * - `getStats()` answers `{ success, inProgress, failed }` per job; `cancel()` drops the job's events
 *   that have not started (a running one finishes).
 *
 * - An event whose retries are exhausted (a fifth failed delivery) is dropped: it is never delivered again,
 *   `getStats()` counts it `failed`, and `dropped` lists it.
 * - A push over 500 events a minute is refused with HTTP 429, which `@forge/events` turns into
 *   `RateLimitError('Too many requests.')` (node_modules/@forge/events/out/validators.js,
 *   `validatePushAPIResponse`: `response.status === 429` → `RateLimitError(Text.error.rateLimitError)`).
 *
 * Faults for tests, all drawn from one seeded generator (`seed`) so a run is repeatable: every event delivered
 * twice (one after the other, or both at once), delivered once more *late* after it succeeded
 * (`lateRedeliveryRate`, within `lateWithinSeconds`), delivered *out of order* (`reorderWithinMs`: each event's
 * first delivery is held back a random time, so a later push can overtake it), consumers killed mid-run (the
 * invocation can make no further request, as a frozen Lambda, and the event is redelivered), and a time scale
 * for delays so tests keep the semantics at a fraction of the wall time.
 */
import { randomUUID } from 'node:crypto';
import { FORGE_LIMITS } from './limits';
import { currentInvocation, runInvocation } from './runtime';

export const QUEUE_LIMITS = {
  eventsPerPush: 50,
  pushBytes: 200 * 1024,
  eventBytesLongRunning: 100 * 1024,
  retryDataBytes: 4 * 1024,
  maxDelaySeconds: 900,
  eventsPerMinute: 500,
  cyclicPushLimit: 1000,
  maxRetries: 4,
  maxRetryAfterSeconds: 900,
  maxTimeoutSeconds: 900,
} as const;

export type ConsumerHandler = (event: AsyncEventPayload, context: Record<string, unknown>) => Promise<unknown>;

export interface ConsumerDefinition {
  /** The consumer module's key. */
  key: string;
  queue: string;
  /** The function's `timeoutSeconds` (default 55, at most 900). */
  timeoutSeconds?: number;
  handler: ConsumerHandler;
}

export interface AsyncEventPayload {
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  queueName: string;
  jobId: string;
  eventId: string;
  retryContext?: { retryCount: number; retryReason: string; retryData: unknown };
}

export interface QueueFaults {
  /** Probability (0..1) that an event's delivery is made twice. */
  duplicateRate?: number;
  /** Of the duplicated deliveries, the fraction made at the same time as the first (the rest follow it). */
  concurrentDuplicateRate?: number;
  /** Probability that a consumer invocation is killed mid-run (it is redelivered). */
  killRate?: number;
  /** A killed invocation dies after a random time up to this many ms (default: its time limit). */
  killWithinMs?: number;
  /** Probability that an event that succeeded is delivered once more, later (at-least-once, late). */
  lateRedeliveryRate?: number;
  /** A late redelivery comes a random time up to this many seconds (scaled by timeScale) after success; default 60. */
  lateWithinSeconds?: number;
  /** Each event's first delivery is held back a random time up to this many ms, so events overtake each other. */
  reorderWithinMs?: number;
  seed?: number;
}

export interface QueueOptions extends QueueFaults {
  /** Multiplies every delay (delayInSeconds, retryAfter, backoff); 1 is real time. */
  timeScale?: number;
  /** Overrides every consumer's time limit (ms), for tests of the time limit itself. */
  consumerTimeoutMs?: number;
  /** Consumer invocations running at once, over all queues (0 holds every event back, to test pauses). */
  maxConcurrency?: number;
  installContext?: string;
  /** Forge's 500 events per minute; tests may raise it. */
  eventsPerMinute?: number;
}

type EventState = 'waiting' | 'running' | 'success' | 'failed' | 'cancelled';

interface QueuedEvent {
  eventId: string;
  jobId: string;
  queue: string;
  body: Record<string, unknown>;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  state: EventState;
  retryCount: number;
  retryReason?: string;
  retryData?: unknown;
  dueAt: number;
  /** Deliveries in flight (2 while a concurrent duplicate runs). */
  running: number;
  chainId: string;
  /** Succeeded, and waiting for (or in) its one late redelivery: counted as a success. */
  late?: boolean;
}

export interface DeliveryRecord {
  eventId: string;
  jobId: string;
  queue: string;
  retryCount: number;
  duplicate: boolean;
  outcome: 'success' | 'retry' | 'error' | 'timeout' | 'killed';
  startedAt: number;
  ms: number;
}

interface Answer {
  status: number;
  body?: unknown;
}

export class ForgeQueueService {
  private readonly consumers = new Map<string, ConsumerDefinition>();
  private readonly events = new Map<string, QueuedEvent>();
  private readonly jobs = new Map<string, { queue: string; eventIds: string[]; cancelled: boolean }>();
  private readonly runningByKey = new Map<string, number>();
  private readonly pushTimes: number[] = [];
  private readonly chainPushes = new Map<string, number>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly live = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = 0;
  private closed = false;
  private rng: number;
  private options: QueueOptions;
  /** Every delivery, for tests and benchmarks. */
  readonly deliveries: DeliveryRecord[] = [];
  /** Events dropped after exhausting their retries, oldest first. */
  readonly dropped: Array<{ eventId: string; jobId: string; queue: string; retryCount: number }> = [];
  /** Errors consumers threw (name and message), newest last, at most 100. */
  readonly consumerErrors: string[] = [];

  constructor(consumers: ConsumerDefinition[], options: QueueOptions = {}) {
    for (const c of consumers) this.register(c);
    this.options = options;
    this.rng = options.seed ?? 17;
  }

  register(consumer: ConsumerDefinition): void {
    const t = consumer.timeoutSeconds ?? FORGE_LIMITS.consumerTimeoutMs / 1000;
    if (!(t >= 1 && t <= QUEUE_LIMITS.maxTimeoutSeconds))
      throw new RangeError(`timeoutSeconds must be between 1 and 900 (consumer ${consumer.key})`);
    this.consumers.set(consumer.queue, consumer);
  }

  /** Changes faults and options (time scale, limits) from now on. */
  configure(options: QueueOptions): void {
    this.options = { ...this.options, ...options };
    if (options.seed !== undefined) this.rng = options.seed;
    this.schedule();
  }

  /** Resolves once no event is waiting, running or due: every job pushed so far has finished. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  isIdle(): boolean {
    return this.running === 0 && ![...this.events.values()].some((e) => e.state === 'waiting' || e.state === 'running');
  }

  /**
   * The events still waiting or running, and when each is due (ms from now): what an `idle()` waits for
   * (benches print it when a phase does not finish).
   */
  pending(): Array<{
    queue: string;
    state: 'waiting' | 'running';
    dueInMs: number;
    retryCount: number;
    body: unknown;
  }> {
    const now = Date.now();
    return [...this.events.values()]
      .filter(
        (e): e is QueuedEvent & { state: 'waiting' | 'running' } => e.state === 'waiting' || e.state === 'running',
      )
      .map((e) => ({ queue: e.queue, state: e.state, dueInMs: e.dueAt - now, retryCount: e.retryCount, body: e.body }));
  }

  /** Stops delivering; waits for the deliveries in flight to settle. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.live]);
  }

  /** Events accepted in the last minute (the 500-a-minute window). */
  eventsPushedLastMinute(): number {
    const now = Date.now();
    return this.pushTimes.filter((t) => t > now - 60_000).length;
  }

  stats(jobId: string): { success: number; inProgress: number; failed: number } | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    const out = { success: 0, inProgress: 0, failed: 0 };
    for (const id of job.eventIds) {
      const e = this.events.get(id);
      const s = e?.late ? 'success' : e?.state;
      if (s === 'success') out.success += 1;
      else if (s === 'failed') out.failed += 1;
      else if (s === 'waiting' || s === 'running') out.inProgress += 1;
    }
    return out;
  }

  /** Answers a request `@forge/events` sent through `__forge_fetch__` (provider app, remote stargate). */
  handle(path: string, body: unknown): Answer {
    const req = (body ?? {}) as Record<string, unknown>;
    if (path.startsWith('/webhook/queue/publish/')) return this.push(req);
    if (path.startsWith('/webhook/queue/stats/')) {
      const stats = this.stats(String(req.jobId ?? ''));
      if (!stats || this.jobs.get(String(req.jobId))?.queue !== req.queueName)
        return { status: 404, body: { message: 'Job not found' } };
      return { status: 200, body: stats };
    }
    if (path.startsWith('/webhook/queue/cancel/')) {
      const job = this.jobs.get(String(req.jobId ?? ''));
      if (!job || job.queue !== req.queueName) return { status: 404, body: { message: 'Job not found' } };
      job.cancelled = true;
      for (const id of job.eventIds) {
        const e = this.events.get(id);
        if (e && e.state === 'waiting' && e.running === 0) e.state = 'cancelled';
      }
      this.checkIdle();
      return { status: 204 };
    }
    return { status: 404, body: { message: `No queue endpoint ${path}` } };
  }

  private push(req: Record<string, unknown>): Answer {
    const queue = String(req.queueName ?? '');
    const payload = req.payload as Array<Record<string, unknown>> | undefined;
    const jobId = String(req.jobId ?? '');
    const consumer = this.consumers.get(queue);
    if (!consumer) return { status: 400, body: { message: `No consumer module handles the queue ${queue}.` } };
    if (!Array.isArray(payload) || payload.length === 0 || !jobId)
      return { status: 400, body: { message: 'No events pushed.' } };
    if (payload.length > QUEUE_LIMITS.eventsPerPush)
      return { status: 400, body: { message: `This push contains more than the 50 events allowed.` } };
    const bytes = Buffer.byteLength(JSON.stringify(payload), 'utf8');
    if (bytes > QUEUE_LIMITS.pushBytes)
      return { status: 413, body: { errorMessage: 'The maximum payload size is 200KB.' } };
    if ((consumer.timeoutSeconds ?? 55) > 55) {
      const big = payload.findIndex(
        (e) => Buffer.byteLength(JSON.stringify(e), 'utf8') > QUEUE_LIMITS.eventBytesLongRunning,
      );
      if (big >= 0)
        return {
          status: 413,
          body: {
            errorMessage: `Event ${big} exceeds 100KB, the limit for consumers whose timeout is over 55 seconds.`,
          },
        };
    }
    for (const e of payload) {
      const d = e.delayInSeconds;
      if (d !== undefined && (typeof d !== 'number' || d < 0 || d > QUEUE_LIMITS.maxDelaySeconds))
        return { status: 400, body: { message: 'The delayInSeconds setting must be between 0 and 900.' } };
      const c = e.concurrency as { key?: unknown; limit?: unknown } | undefined;
      if (c && (typeof c.key !== 'string' || !c.key || !Number.isInteger(c.limit) || (c.limit as number) < 1))
        return { status: 400, body: { message: 'concurrency needs a key and a positive integer limit.' } };
    }
    // 500 events per minute per installation.
    const now = Date.now();
    while (this.pushTimes.length > 0 && (this.pushTimes[0] as number) <= now - 60_000) this.pushTimes.shift();
    const perMinute = this.options.eventsPerMinute ?? QUEUE_LIMITS.eventsPerMinute;
    if (this.pushTimes.length + payload.length > perMinute)
      return { status: 429, body: { message: 'Too many requests.' } };
    // The cyclic invocation limit: push requests in one chain of invocations.
    const chainId = currentInvocation()?.chainId ?? randomUUID();
    const pushes = (this.chainPushes.get(chainId) ?? 0) + 1;
    if (pushes > QUEUE_LIMITS.cyclicPushLimit)
      return { status: 405, body: { message: 'Cyclic invocation limit reached.' } };
    this.chainPushes.set(chainId, pushes);
    for (let i = 0; i < payload.length; i += 1) this.pushTimes.push(now);

    const job = this.jobs.get(jobId) ?? { queue, eventIds: [], cancelled: false };
    this.jobs.set(jobId, job);
    for (const e of payload) {
      const event: QueuedEvent = {
        eventId: randomUUID(),
        jobId,
        queue,
        body: e.body as Record<string, unknown>,
        delayInSeconds: e.delayInSeconds as number | undefined,
        concurrency: e.concurrency as QueuedEvent['concurrency'],
        state: 'waiting',
        retryCount: 0,
        dueAt:
          now +
          this.scaled((e.delayInSeconds as number | undefined) ?? 0) +
          (this.options.reorderWithinMs ? Math.floor(this.random() * this.options.reorderWithinMs) : 0),
        running: 0,
        chainId,
      };
      this.events.set(event.eventId, event);
      job.eventIds.push(event.eventId);
    }
    this.schedule();
    return { status: 201, body: {} };
  }

  private scaled(seconds: number): number {
    return seconds * 1000 * (this.options.timeScale ?? 1);
  }

  private random(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private keyFree(e: QueuedEvent): boolean {
    if (!e.concurrency) return true;
    return (this.runningByKey.get(e.concurrency.key) ?? 0) < e.concurrency.limit;
  }

  /** Starts every due event there is room for, and sets a timer for the next one due. */
  private schedule(): void {
    if (this.closed) return;
    const now = Date.now();
    const max = this.options.maxConcurrency ?? 8;
    let next = Infinity;
    for (const e of this.events.values()) {
      if (e.state !== 'waiting') continue;
      if (e.dueAt > now) {
        next = Math.min(next, e.dueAt);
        continue;
      }
      if (this.running >= max) break;
      if (!this.keyFree(e)) continue;
      this.start(e);
    }
    if (next < this.timerAt) {
      if (this.timer) clearTimeout(this.timer);
      this.timerAt = next;
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.timerAt = Infinity;
          this.schedule();
        },
        Math.max(next - now, 0),
      );
    }
    this.checkIdle();
  }

  private start(e: QueuedEvent): void {
    const consumer = this.consumers.get(e.queue);
    if (!consumer) return;
    e.state = 'running';
    if (e.late) {
      // The late redelivery of an event that already succeeded: one more delivery, whatever it answers.
      const late: Promise<void> = this.deliver(consumer, e, true).then(() => {
        this.live.delete(late);
        this.verdicts.delete(e.eventId);
        e.late = false;
        e.state = 'success';
        this.schedule();
      });
      this.live.add(late);
      return;
    }
    const dup = (this.options.duplicateRate ?? 0) > 0 && this.random() < (this.options.duplicateRate ?? 0);
    const together = dup && this.random() < (this.options.concurrentDuplicateRate ?? 0);
    const first = this.deliver(consumer, e, false);
    const second = together
      ? this.deliver(consumer, e, true)
      : dup
        ? first.then(() => this.deliver(consumer, e, true))
        : undefined;
    const all: Promise<void> = Promise.all([first, second]).then(() => {
      this.live.delete(all);
      this.settle(e);
    });
    this.live.add(all);
  }

  /** One delivery: an invocation of the consumer's function. Its verdict is kept on the event. */
  private async deliver(consumer: ConsumerDefinition, e: QueuedEvent, duplicate: boolean): Promise<void> {
    const timeoutMs = this.options.consumerTimeoutMs ?? (consumer.timeoutSeconds ?? 55) * 1000;
    const event: AsyncEventPayload = {
      body: e.body,
      ...(e.delayInSeconds !== undefined ? { delayInSeconds: e.delayInSeconds } : {}),
      ...(e.concurrency ? { concurrency: e.concurrency } : {}),
      queueName: e.queue,
      jobId: e.jobId,
      eventId: e.eventId,
      ...(e.retryCount > 0
        ? { retryContext: { retryCount: e.retryCount, retryReason: e.retryReason ?? '', retryData: e.retryData } }
        : {}),
    };
    const kill = new AbortController();
    const killed = (this.options.killRate ?? 0) > 0 && this.random() < (this.options.killRate ?? 0);
    let killTimer: NodeJS.Timeout | undefined;
    if (killed) {
      const within = Math.min(this.options.killWithinMs ?? timeoutMs, timeoutMs);
      killTimer = setTimeout(() => kill.abort(), Math.floor(this.random() * within));
    }
    this.running += 1;
    e.running += 1;
    if (e.concurrency) this.runningByKey.set(e.concurrency.key, (this.runningByKey.get(e.concurrency.key) ?? 0) + 1);
    const startedAt = Date.now();
    let outcome: DeliveryRecord['outcome'];
    try {
      const result = await runInvocation(
        { moduleKey: consumer.key, timeoutMs, chainId: e.chainId, signal: kill.signal },
        () => consumer.handler(event, { installContext: this.options.installContext, moduleKey: consumer.key }),
      );
      const retry = result as {
        _retry?: boolean;
        retryOptions?: { retryAfter?: number; retryReason?: string; retryData?: unknown };
      };
      if (retry && typeof retry === 'object' && retry._retry === true) {
        outcome = 'retry';
        this.verdict(e, {
          retry: true,
          after: Math.min(Math.max(retry.retryOptions?.retryAfter ?? 1, 1), QUEUE_LIMITS.maxRetryAfterSeconds),
          reason: retry.retryOptions?.retryReason ?? 'FUNCTION_RETRY_REQUEST',
          data: retry.retryOptions?.retryData,
        });
      } else {
        outcome = 'success';
        this.verdict(e, { retry: false });
      }
    } catch (err) {
      const timedOut = /timed out/.test(String((err as Error)?.message));
      outcome = kill.signal.aborted ? 'killed' : timedOut ? 'timeout' : 'error';
      if (outcome === 'error') {
        this.consumerErrors.push(
          `${(err as Error)?.name ?? 'Error'}: ${String((err as Error)?.message).slice(0, 200)}`,
        );
        if (this.consumerErrors.length > 100) this.consumerErrors.shift();
      }
      this.verdict(e, {
        retry: true,
        after: outcome === 'error' ? 2 ** e.retryCount : 1,
        reason: outcome === 'timeout' ? 'FUNCTION_TIME_OUT' : 'FUNCTION_PLATFORM_UNKNOWN_ERROR',
      });
    } finally {
      clearTimeout(killTimer);
      this.running -= 1;
      e.running -= 1;
      if (e.concurrency) this.runningByKey.set(e.concurrency.key, (this.runningByKey.get(e.concurrency.key) ?? 1) - 1);
    }
    this.deliveries.push({
      eventId: e.eventId,
      jobId: e.jobId,
      queue: e.queue,
      retryCount: e.retryCount,
      duplicate,
      outcome,
      startedAt,
      ms: Date.now() - startedAt,
    });
    this.schedule();
  }

  private readonly verdicts = new Map<string, { retry: boolean; after?: number; reason?: string; data?: unknown }>();

  /** Deliveries are independent: one that failed, timed out or asked to retry gets the event redelivered. */
  private verdict(e: QueuedEvent, v: { retry: boolean; after?: number; reason?: string; data?: unknown }): void {
    const prev = this.verdicts.get(e.eventId);
    if (!prev || (!prev.retry && v.retry)) this.verdicts.set(e.eventId, v);
  }

  private settle(e: QueuedEvent): void {
    const v = this.verdicts.get(e.eventId) ?? { retry: false };
    this.verdicts.delete(e.eventId);
    const job = this.jobs.get(e.jobId);
    const lateRate = this.options.lateRedeliveryRate ?? 0;
    if (!v.retry && lateRate > 0 && this.random() < lateRate) {
      e.late = true;
      e.state = 'waiting';
      e.dueAt = Date.now() + this.scaled(this.random() * (this.options.lateWithinSeconds ?? 60));
    } else if (!v.retry) e.state = 'success';
    else if (job?.cancelled) e.state = 'cancelled';
    else if (e.retryCount >= QUEUE_LIMITS.maxRetries) {
      e.state = 'failed';
      this.dropped.push({ eventId: e.eventId, jobId: e.jobId, queue: e.queue, retryCount: e.retryCount });
    } else {
      e.retryCount += 1;
      e.retryReason = v.reason;
      e.retryData = v.data;
      e.dueAt = Date.now() + this.scaled(v.after ?? 1);
      e.state = 'waiting';
    }
    this.schedule();
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
