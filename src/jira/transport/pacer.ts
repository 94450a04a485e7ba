/**
 * Paces Jira requests to the limits Jira announces, so bulk work rarely meets a 429 and never sleeps past
 * the invocation. One token bucket (capacity 1: evenly spaced requests) per installation and endpoint
 * family (the executor's operation name: one method on one endpoint), plus one per installation that a
 * quota 429 holds until its Retry-After. Rates are learned from Jira's headers, as Atlassian asks apps to do
 * (developer.atlassian.com/cloud/jira/platform/rate-limiting/ and …/build-an-app-that-respects-rate-limits/):
 * - a 429 with `RateLimit-Reason: jira-burst-based` limits "one tenant, one endpoint, one HTTP method" per
 *   second: that family is paced to `X-RateLimit-Limit` per second (with headroom) from then on;
 * - every 429 blocks its scope (the family, or the whole installation for quota reasons) for `Retry-After`
 *   ("if you reissue the request before the retry period expires, the request will fail and return the
 *   same or longer Retry-After period");
 * - `X-RateLimit-*` describe those burst limits only. The hourly points pool is reported in
 *   `RateLimit-Policy` / `RateLimit` and governed by governor.ts (background work keeps a reserve for
 *   people); here a quota 429 only holds the installation until its Retry-After.
 * The pacer only computes and reserves slots (pure, clock injected); the executor sleeps. A wait longer
 * than the caller may sleep throws `JiraWaitRequired`, which consumers turn into a delayed redelivery.
 */
import { JiraWaitRequired } from '../errors';

/** Requests per second are paced to this share of the announced limit (arrival jitter stays inside it). */
export const PACE_HEADROOM = 0.95;
/**
 * A family whose burst limit Atlassian publishes (ExecuteOptions.burstPerSecond) is paced to this share of it
 * until a 429 teaches otherwise: evenly spaced sends keep under a one-second window's limit while arrival
 * jitter stays under ~30 ms (bench/bulk.ts measures the 429s this leaves).
 */
export const PUBLISHED_PACE_SHARE = 0.97;
/** At most this share of a published limit is sent in any one second, counted as requests leave. */
export const WINDOW_SHARE = 0.98;
/**
 * A learned burst limit is forgotten this long after its last burst 429 (Atlassian: the limits are
 * dynamic), so a family is not kept slow for good; relearning costs one 429.
 */
export const LEARNED_LIMIT_TTL_MS = 5 * 60_000;

interface Bucket {
  /** Minimum spacing between requests, 0 while no limit is known. */
  intervalMs: number;
  /** When `intervalMs` was last taught by a 429 (it lapses after LEARNED_LIMIT_TTL_MS). */
  learnedAt: number;
  /** Earliest time the next request may be sent. */
  nextAt: number;
  /** No request before this (a 429's Retry-After). */
  blockedUntil: number;
}

export interface RateHeaders {
  get(name: string): string | null;
}

export interface PacerStats {
  /** Families with a learned per-second limit, and that limit. */
  limits: Record<string, number>;
}

const newBucket = (): Bucket => ({ intervalMs: 0, learnedAt: 0, nextAt: 0, blockedUntil: 0 });

function parseResetAt(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    // Epoch seconds (some gateways) or milliseconds.
    return n < 1e11 ? n * 1000 : n;
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(t, now);
}

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();
  /** Send times in the last second, per family with a published limit (windowWait). */
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = newBucket();
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Reserves the next slot for one request of `family` on `installation` and returns how long to wait
   * before sending it (0 = now). Throws `JiraWaitRequired` (reserving nothing) when that wait exceeds
   * `maxWaitMs`, the time the caller may still sleep.
   */
  reserve(
    installation: string,
    family: string,
    operation: string,
    maxWaitMs: number,
    publishedPerSecond?: number,
  ): number {
    const t = this.now();
    const own = this.bucket(`${installation}|${family}`);
    const quota = this.bucket(`${installation}|*`);
    if (own.intervalMs > 0 && t - own.learnedAt > LEARNED_LIMIT_TTL_MS) own.intervalMs = 0;
    // Before any 429 has taught a limit, a family with a published burst limit is paced to it from its first
    // request (a burst 429 costs its Retry-After, at least a second, for every request of the family).
    if (own.intervalMs === 0 && publishedPerSecond !== undefined && publishedPerSecond > 0)
      own.intervalMs = 1000 / (publishedPerSecond * PUBLISHED_PACE_SHARE);
    const start = Math.max(t, own.nextAt, own.blockedUntil, quota.nextAt, quota.blockedUntil);
    const wait = start - t;
    if (wait > Math.max(maxWaitMs, 0)) {
      throw new JiraWaitRequired(
        operation,
        wait,
        own.blockedUntil > t || quota.blockedUntil > t ? 'retry-after' : 'pacing',
      );
    }
    own.nextAt = start + own.intervalMs;
    quota.nextAt = start + quota.intervalMs;
    return wait;
  }

  /**
   * The last check before a request of a family with a published limit leaves: how long to wait so that no
   * more than WINDOW_SHARE of that limit are sent in any one second, counted at the moment of sending (0: send
   * now, recorded as sent). Even spacing (`reserve`) keeps the rate; this keeps requests whose timers fired
   * late together (a busy event loop) from arriving as a burst over Jira's one-second window.
   */
  windowWait(installation: string, family: string, publishedPerSecond: number): number {
    const t = this.now();
    const key = `${installation}|${family}`;
    const sent = (this.sent.get(key) ?? []).filter((x) => t - x < 1000);
    this.sent.set(key, sent);
    const cap = Math.max(1, Math.floor(publishedPerSecond * WINDOW_SHARE));
    if (sent.length >= cap) return (sent[sent.length - cap] as number) + 1000 - t + 1;
    sent.push(t);
    return 0;
  }

  /**
   * Learns from one answer: its status and rate-limit headers. `retryAfterMs` is the parsed `Retry-After`
   * (the caller's fallback backoff when a 429 has none).
   */
  observe(installation: string, family: string, status: number, headers: RateHeaders, retryAfterMs?: number): void {
    const t = this.now();
    const own = this.bucket(`${installation}|${family}`);
    const quota = this.bucket(`${installation}|*`);
    const reason = headers.get('RateLimit-Reason') ?? '';
    const limit = Number(headers.get('X-RateLimit-Limit'));
    const resetAt = parseResetAt(headers.get('X-RateLimit-Reset'), t);
    // Only a 429 teaches the pacer: `X-RateLimit-*` on other answers are burst figures for one path, and
    // the hourly pool (`RateLimit-Policy` / `RateLimit`) is the governor's (governor.ts).
    if (status !== 429) return;
    // Quota reasons (jira-quota-*, jira-cost-based) limit the whole installation; burst and per-issue
    // limits one endpoint (and method), which is what a family is.
    const scope = /quota|cost/.test(reason) ? quota : own;
    const until = t + (retryAfterMs ?? (resetAt !== undefined ? resetAt - t : 1000));
    scope.blockedUntil = Math.max(scope.blockedUntil, until);
    if (/burst/.test(reason) && Number.isFinite(limit) && limit > 0) {
      own.intervalMs = 1000 / (limit * PACE_HEADROOM);
      own.learnedAt = t;
    }
  }

  /** What the pacer has learned (for benches and tests). */
  stats(installation: string): PacerStats {
    const limits: Record<string, number> = {};
    for (const [key, b] of this.buckets) {
      const [inst, family] = key.split('|');
      if (inst === installation && family && family !== '*' && b.intervalMs > 0)
        limits[family] = Math.round((1000 / b.intervalMs) * 100) / 100;
    }
    return { limits };
  }

  /** Forgets everything (tests). */
  reset(): void {
    this.buckets.clear();
    this.sent.clear();
  }
}

/**
 * The process-wide pacer: Forge reuses a warm instance between invocations, so what one invocation learned
 * paces the next; a cold instance learns again from its first 429.
 */
export const sharedPacer = new Pacer();
