/**
 * Atlassian app (product) events, delivered as Forge delivers them to `trigger` modules: each event the
 * Jira simulator emits for the site goes to every trigger whose `events` list names its type, as its own
 * invocation of the trigger's function (its own container, no user, 55 s), called `(event, context)` with
 * `context.installContext` (developer.atlassian.com/platform/forge/manifest-reference/modules/trigger/:
 * `key`, `function`, `events`; developer.atlassian.com/platform/forge/events-reference/product_events/:
 * "Events are passed to your app via the event parameter", handler `(event, context)`).
 *
 * Delivery is at least once (../shared/DESIGN.md §2). Faults, off by default and drawn from one seeded
 * generator so a run is repeatable: an event delivered twice (`duplicateRate`), delivered again late
 * (`lateRate`, within `lateWithinMs`), or held back a random time so a later event overtakes it
 * (`reorderWithinMs`). Choices where Atlassian is silent: a trigger that throws or times out is not
 * redelivered (its error is kept in `errors`); product-event triggers get the 55 s of other background
 * invocations.
 */
import { FORGE_LIMITS } from './limits';
import { runInvocation } from './runtime';

export interface TriggerDefinition {
  /** The trigger module's key. */
  key: string;
  /** The event types it subscribes to (`events:` in the manifest). */
  events: string[];
  handler: (event: unknown, context: Record<string, unknown>) => Promise<unknown>;
}

export interface ProductEventOptions {
  /** Probability that a delivery is made twice (the second right after the first). */
  duplicateRate?: number;
  /** Probability that an event is delivered once more, late. */
  lateRate?: number;
  /** A late delivery comes up to this many ms after the first (default 2,000). */
  lateWithinMs?: number;
  /** Each first delivery is held back a random time up to this many ms, so events overtake each other. */
  reorderWithinMs?: number;
  seed?: number;
  installContext?: string;
  /** Time limit of a trigger invocation (default 55 s). */
  timeoutMs?: number;
}

export interface TriggerDelivery {
  trigger: string;
  eventType: string;
  /** 'first', or the fault that made this delivery: a duplicate or a late one. */
  kind: 'first' | 'duplicate' | 'late';
  outcome: 'success' | 'error';
  /** The order events were emitted in (0, 1, …) and the order deliveries started in. */
  emitted: number;
  startedAt: number;
}

/** The product-event side of the runtime: subscribes triggers and delivers events to them. */
export class ProductEventService {
  private readonly triggers: TriggerDefinition[] = [];
  private readonly live = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private options: ProductEventOptions;
  private rng: number;
  private emittedCount = 0;
  private closed = false;
  /** Every delivery made, in the order they finished. */
  readonly deliveries: TriggerDelivery[] = [];
  /** Errors triggers threw (name and message), newest last, at most 100. */
  readonly errors: string[] = [];

  constructor(options: ProductEventOptions = {}) {
    this.options = options;
    this.rng = options.seed ?? 23;
  }

  register(trigger: TriggerDefinition): void {
    this.triggers.push(trigger);
  }

  configure(options: ProductEventOptions): void {
    this.options = { ...this.options, ...options };
    if (options.seed !== undefined) this.rng = options.seed;
  }

  /** Hands an event to every trigger subscribed to its type; the deliveries run in the background. */
  deliver(event: { eventType: string }): void {
    if (this.closed) return;
    const emitted = this.emittedCount++;
    for (const trigger of this.triggers.filter((t) => t.events.includes(event.eventType))) {
      const hold = this.options.reorderWithinMs ? Math.floor(this.random() * this.options.reorderWithinMs) : 0;
      const twice = this.chance(this.options.duplicateRate);
      const late = this.chance(this.options.lateRate);
      this.after(hold, async () => {
        await this.invoke(trigger, event, 'first', emitted);
        if (twice) await this.invoke(trigger, event, 'duplicate', emitted);
      });
      if (late) {
        const delay = hold + Math.floor(this.random() * (this.options.lateWithinMs ?? 2000));
        this.after(delay, () => this.invoke(trigger, event, 'late', emitted));
      }
    }
  }

  /** Resolves once every delivery due so far (held back and late ones included) has finished. */
  async idle(): Promise<void> {
    while (this.live.size > 0 || this.timers.size > 0) {
      await Promise.allSettled([...this.live]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.live]);
  }

  private after(ms: number, fn: () => Promise<void>): void {
    const run = () => {
      const p: Promise<void> = fn().finally(() => this.live.delete(p));
      this.live.add(p);
    };
    if (ms <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  private async invoke(
    trigger: TriggerDefinition,
    event: { eventType: string },
    kind: TriggerDelivery['kind'],
    emitted: number,
  ): Promise<void> {
    const startedAt = Date.now();
    let outcome: TriggerDelivery['outcome'] = 'success';
    try {
      await runInvocation(
        { moduleKey: trigger.key, timeoutMs: this.options.timeoutMs ?? FORGE_LIMITS.consumerTimeoutMs },
        () =>
          trigger.handler(structuredClone(event), {
            installContext: this.options.installContext,
            moduleKey: trigger.key,
          }),
      );
    } catch (err) {
      outcome = 'error';
      this.errors.push(`${(err as Error)?.name ?? 'Error'}: ${String((err as Error)?.message).slice(0, 200)}`);
      if (this.errors.length > 100) this.errors.shift();
    }
    this.deliveries.push({ trigger: trigger.key, eventType: event.eventType, kind, outcome, emitted, startedAt });
  }

  private chance(rate: number | undefined): boolean {
    return (rate ?? 0) > 0 && this.random() < (rate ?? 0);
  }

  private random(): number {
    this.rng = (this.rng + 0x6d2b79f5) >>> 0;
    let t = this.rng;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
