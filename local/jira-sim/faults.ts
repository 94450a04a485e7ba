/**
 * Fault injection for resilience tests: latency with jitter, 429 storms, 5xx answers and connection
 * resets, each drawn from a seeded PRNG so a test run is repeatable.
 */
export interface FaultOptions {
  /** Added latency: base milliseconds plus up to `jitterMs` more. */
  latencyMs?: number;
  jitterMs?: number;
  /** Probability (0..1) of answering 503/502/500 instead of handling the request. */
  serverErrorRate?: number;
  /** Probability of destroying the socket without an answer. */
  resetRate?: number;
  /** Probability of a 429 with `Retry-After: retryAfterSeconds`. */
  tooManyRequestsRate?: number;
  retryAfterSeconds?: number;
  /** Only requests whose path starts with one of these prefixes are affected (all when absent). */
  paths?: string[];
  seed?: number;
}

export type Fault =
  { kind: 'none' } | { kind: 'error'; status: number } | { kind: 'reset' } | { kind: 'throttle'; retryAfter: number };

export class FaultInjector {
  private state: number;
  constructor(private options: FaultOptions = {}) {
    this.state = options.seed ?? 7;
  }

  configure(options: FaultOptions): void {
    this.options = options;
    this.state = options.seed ?? 7;
  }

  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private applies(path: string): boolean {
    return !this.options.paths || this.options.paths.some((p) => path.startsWith(p));
  }

  latency(path: string): number {
    if (!this.applies(path)) return 0;
    const base = this.options.latencyMs ?? 0;
    const jitter = this.options.jitterMs ?? 0;
    return base + (jitter > 0 ? Math.floor(this.random() * jitter) : 0);
  }

  draw(path: string): Fault {
    if (!this.applies(path)) return { kind: 'none' };
    const o = this.options;
    if (o.resetRate && this.random() < o.resetRate) return { kind: 'reset' };
    if (o.serverErrorRate && this.random() < o.serverErrorRate)
      return { kind: 'error', status: [503, 502, 500][Math.floor(this.random() * 3)] ?? 503 };
    if (o.tooManyRequestsRate && this.random() < o.tooManyRequestsRate)
      return { kind: 'throttle', retryAfter: o.retryAfterSeconds ?? 1 };
    return { kind: 'none' };
  }
}
