/**
 * Fault injection for resilience tests: latency with jitter, 429 storms, 5xx answers, connection
 * resets, and lost responses (the write is applied, then the connection is reset before the answer),
 * each drawn from a seeded PRNG so a test run is repeatable.
 */
import type { RateLimitReason } from './rate-limit';

/**
 * A lost-response rule: a matching request is handled (Jira applies the write), then its socket is
 * destroyed instead of answering, so the client sees a connection reset for a write that happened.
 * Only answers that would have been 2xx are dropped (a refused write changed nothing to lose).
 */
export interface LostResponseRule {
  /** HTTP method (`POST`, `DELETE`, ...); any method other than GET when absent. */
  method?: string;
  /** Path prefix (string) or pattern (RegExp) matched against the request path; every path when absent. */
  path?: string | RegExp;
  /** Probability (0..1) that a matching request loses its response; 1 when absent. */
  rate?: number;
  /** Drop at most this many responses under this rule, then let answers through (unlimited when absent). */
  times?: number;
}

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
  /** `RateLimit-Reason` of injected 429s (default `jira-burst-based`); every one carries it and `Retry-After`. */
  tooManyRequestsReason?: RateLimitReason;
  /** Only requests whose path starts with one of these prefixes are affected (all when absent). */
  paths?: string[];
  /** Lost responses (applied write, then connection reset); independent of `paths`. */
  lostResponses?: LostResponseRule[];
  seed?: number;
}

export type Fault =
  | { kind: 'none' }
  | { kind: 'error'; status: number }
  | { kind: 'reset' }
  | { kind: 'throttle'; retryAfter: number; reason: RateLimitReason };

export class FaultInjector {
  private state: number;
  /** How many responses each lost-response rule has dropped so far (same order as the rules). */
  private lostCounts: number[] = [];
  /** Every response dropped after the write was applied, for tests to assert on. */
  readonly lost: { method: string; path: string; status: number }[] = [];
  constructor(private options: FaultOptions = {}) {
    this.state = options.seed ?? 7;
  }

  configure(options: FaultOptions): void {
    this.options = options;
    this.state = options.seed ?? 7;
    this.lostCounts = [];
    this.lost.length = 0;
  }

  /** Replaces only the lost-response rules, keeping the other faults as configured. */
  loseResponses(rules: LostResponseRule[]): void {
    this.options = { ...this.options, lostResponses: rules };
    this.lostCounts = [];
  }

  /**
   * Called after the route handled the request: true when its (2xx) answer must be dropped by
   * resetting the connection. Records the drop in `lost`.
   */
  dropAfterApply(method: string, path: string, status: number): boolean {
    if (status < 200 || status >= 300) return false;
    const rules = this.options.lostResponses ?? [];
    for (let i = 0; i < rules.length; i += 1) {
      const rule = rules[i] as LostResponseRule;
      if (rule.method ? rule.method.toUpperCase() !== method : method === 'GET') continue;
      if (rule.path !== undefined) {
        const matches = typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path);
        if (!matches) continue;
      }
      const used = this.lostCounts[i] ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      if (rule.rate !== undefined && rule.rate < 1 && this.random() >= rule.rate) continue;
      this.lostCounts[i] = used + 1;
      this.lost.push({ method, path, status });
      return true;
    }
    return false;
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
      return {
        kind: 'throttle',
        retryAfter: o.retryAfterSeconds ?? 1,
        reason: o.tooManyRequestsReason ?? 'jira-burst-based',
      };
    return { kind: 'none' };
  }
}
