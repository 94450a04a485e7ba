/**
 * Jira Cloud's rate limiting, switched on by options: a per-second burst limit per endpoint and
 * method, and an hourly points quota (1 point per request plus 1 per object returned; writes cost 1).
 * Exceeding either answers 429 with `Retry-After`, `X-RateLimit-*` and `RateLimit-Reason`.
 */
export interface RateLimitOptions {
  /** Requests per second allowed per (method, endpoint); 0 or undefined disables the burst limit. */
  burstPerSecond?: number;
  /** Per-endpoint burst limits (`GET /rest/api/3/users/search` → requests per second), overriding `burstPerSecond`. */
  burstPerEndpoint?: Record<string, number>;
  /** Points per hour; 0 or undefined disables the quota. */
  pointsPerHour?: number;
}

export interface RateDecision {
  limited: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private pointsUsed = 0;
  private hourStart: number;

  constructor(
    private options: RateLimitOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.hourStart = now();
  }

  configure(options: RateLimitOptions): void {
    this.options = options;
    this.windows.clear();
    this.pointsUsed = 0;
    this.hourStart = this.now();
  }

  /** Called before handling: may refuse the request. */
  admit(endpointKey: string): RateDecision {
    const t = this.now();
    if (t - this.hourStart >= 3_600_000) {
      this.hourStart = t;
      this.pointsUsed = 0;
    }
    const quota = this.options.pointsPerHour ?? 0;
    if (quota > 0 && this.pointsUsed >= quota) {
      const resetMs = this.hourStart + 3_600_000 - t;
      return {
        limited: true,
        headers: this.limitHeaders(
          quota,
          0,
          Math.ceil(resetMs / 1000),
          'jira-quota-global-based',
          this.hourStart + 3_600_000,
        ),
      };
    }
    const burst = this.options.burstPerEndpoint?.[endpointKey] ?? this.options.burstPerSecond ?? 0;
    if (burst > 0) {
      const hits = (this.windows.get(endpointKey) ?? []).filter((x) => t - x < 1000);
      if (hits.length >= burst) {
        this.windows.set(endpointKey, hits);
        const oldest = hits[0] ?? t;
        return {
          limited: true,
          headers: this.limitHeaders(
            burst,
            0,
            Math.max(1, Math.ceil((oldest + 1000 - t) / 1000)),
            'jira-burst-based',
            oldest + 1000,
          ),
        };
      }
      hits.push(t);
      this.windows.set(endpointKey, hits);
    }
    return { limited: false, headers: {} };
  }

  /** Called after handling: charges the points and returns informational headers. */
  charge(points: number): Record<string, string> {
    this.pointsUsed += points;
    const quota = this.options.pointsPerHour ?? 0;
    if (quota <= 0) return {};
    const remaining = Math.max(quota - this.pointsUsed, 0);
    return {
      'X-RateLimit-Limit': String(quota),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': new Date(this.hourStart + 3_600_000).toISOString(),
      ...(remaining < quota * 0.2 ? { 'X-RateLimit-NearLimit': 'true' } : {}),
    };
  }

  private limitHeaders(
    limit: number,
    remaining: number,
    retryAfter: number,
    reason: string,
    resetAt: number,
  ): Record<string, string> {
    return {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': new Date(resetAt).toISOString(),
      'RateLimit-Reason': reason,
    };
  }
}
