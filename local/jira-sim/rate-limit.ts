/**
 * Jira Cloud's rate limits for one site, as Atlassian publishes them (Jira Cloud platform "Rate
 * limiting", developer.atlassian.com/cloud/jira/platform/rate-limiting/, and "Build an app that
 * respects rate limits"; DESIGN.md §2). Three independent limits:
 * - the hourly points pool (quota.ts) of app traffic: Tier 1 shared by every installation of the app,
 *   or Tier 2 per site. Reported on every app answer in `RateLimit-Policy: "<policy>";q=<quota>;w=3600`
 *   and `RateLimit: "<policy>";r=<remaining>;t=<seconds to reset>`; once spent, 429 with
 *   `RateLimit-Reason: jira-quota-global-based` (or `jira-quota-tenant-based`) until the top of the
 *   UTC hour. With `betaHeaders` the two headers carry a `Beta-` prefix and the pool is reported but not
 *   enforced, as before enforcement began;
 * - burst limits per site, path and HTTP method ("one tenant, one endpoint, one HTTP method"): GET and
 *   POST 100/s, PUT and DELETE 50/s; `GET …/servicedesk/{id}/customer` 5/s, `GET /user/email` 200/s,
 *   `GET /user/search` 200/s, `GET /rest/api/3/user` 150/s. Described on every answer by
 *   `X-RateLimit-Limit/Remaining/Reset` and `X-RateLimit-NearLimit: true` under 20 % left; a 429 says
 *   `RateLimit-Reason: jira-burst-based`. They apply to every caller, API-token traffic included;
 * - per-issue writes: 20 per 2 s and 100 per 30 s to one issue (`jira-per-issue-on-write`), which issue
 *   routes ask for through `admitIssueWrite`.
 * Every 429 carries `Retry-After` (whole seconds) and `RateLimit-Reason`.
 */
import { GLOBAL_APP_QUOTA, PointsBank, type Edition, type PointsPool, tenantQuota } from './quota';

export type RateLimitReason =
  'jira-quota-global-based' | 'jira-quota-tenant-based' | 'jira-burst-based' | 'jira-per-issue-on-write';

export interface RateLimitOptions {
  /**
   * One burst limit (requests per second) for every path and method, instead of the published table;
   * 0 turns burst limits off. Absent: the published table.
   */
  burstPerSecond?: number;
  /** Per `METHOD template` burst limits (`GET /rest/api/3/users/search` → per second), overriding the rest. */
  burstPerEndpoint?: Record<string, number>;
  /** The pool's size in points an hour instead of the tier's; 0 turns pool enforcement and headers off. */
  pointsPerHour?: number;
  /** 1 (default): one pool for the app across installations; 2: a pool for this site from `edition` and `users`. */
  tier?: 1 | 2;
  /** Tier 2: the site's edition (default `free`). */
  edition?: Edition;
  /** Tier 2: the site's user count (default: the site's active non-app accounts). */
  users?: number;
  /** `Beta-RateLimit-Policy` / `Beta-RateLimit`, reported but not enforced (before enforcement). */
  betaHeaders?: boolean;
  /** Per-issue write limits; false turns them off. */
  perIssueWrites?: boolean;
}

/** No burst limits and no pool: what tests that measure something else may ask for. */
export const RATE_LIMITS_OFF: RateLimitOptions = { burstPerSecond: 0, pointsPerHour: 0, perIssueWrites: false };

/** The published burst limits (requests per second) for a method and route template. */
export function publishedBurstLimit(method: string, template: string): number {
  if (method === 'GET') {
    if (/^\/rest\/servicedeskapi\/servicedesk\/\{[^}]+\}\/customer$/.test(template)) return 5;
    if (template === '/rest/api/3/user/email') return 200;
    if (template === '/rest/api/3/user/search') return 200;
    if (template === '/rest/api/3/user') return 150;
  }
  return method === 'PUT' || method === 'DELETE' ? 50 : 100;
}

/** Per-issue write windows: 20 per 2 s and 100 per 30 s. */
export const PER_ISSUE_WRITE_WINDOWS = [
  { limit: 20, windowMs: 2_000 },
  { limit: 100, windowMs: 30_000 },
] as const;

export interface RateDecision {
  limited: boolean;
  headers: Record<string, string>;
  reason?: RateLimitReason;
}

/** A 429's headers: `Retry-After` and `RateLimit-Reason`, plus whatever describes the limit. */
export function refusalHeaders(
  reason: RateLimitReason,
  retryAfterSeconds: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { 'Retry-After': String(Math.max(0, Math.ceil(retryAfterSeconds))), 'RateLimit-Reason': reason, ...extra };
}

/** What the limiter needs to know of its site. */
export interface SiteLimitContext {
  cloudId: string;
  /** The site's user count for Tier-2 pools. */
  users: () => number;
  /** App ids installed on the site (their pools are reset by `configure`). */
  appIds: () => string[];
}

export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private readonly issueWrites = new Map<string, number[]>();

  constructor(
    private options: RateLimitOptions,
    readonly bank: PointsBank = new PointsBank(),
    private readonly site: SiteLimitContext = { cloudId: 'site', users: () => 0, appIds: () => [] },
  ) {}

  private now(): number {
    return this.bank.now();
  }

  get currentOptions(): Readonly<RateLimitOptions> {
    return this.options;
  }

  /**
   * Replaces the options (absent fields take the published defaults), clears the burst windows and
   * resets the pools of the apps installed on this site (a fresh hour for what the caller measures next;
   * a Tier-1 pool shared with other sites is reset for them too).
   */
  configure(options: RateLimitOptions): void {
    this.options = options;
    this.windows.clear();
    this.issueWrites.clear();
    for (const appId of this.site.appIds()) this.pool(appId)?.reset();
  }

  /** The pool app traffic of `appId` on this site is charged to, or undefined when pools are off. */
  pool(appId: string): PointsPool | undefined {
    const o = this.options;
    if (o.pointsPerHour === 0) return undefined;
    if (o.tier === 2) {
      const quota = o.pointsPerHour ?? tenantQuota(o.edition ?? 'free', o.users ?? this.site.users());
      return this.bank.tenant(appId, this.site.cloudId, quota);
    }
    return this.bank.global(appId, o.pointsPerHour ?? GLOBAL_APP_QUOTA);
  }

  /** `RateLimit-Policy` and `RateLimit` for a pool (with the `Beta-` prefix when so configured). */
  poolHeaders(pool: PointsPool): Record<string, string> {
    const prefix = this.options.betaHeaders ? 'Beta-' : '';
    return {
      [`${prefix}RateLimit-Policy`]: `"${pool.policy}";q=${pool.quota};w=3600`,
      [`${prefix}RateLimit`]: `"${pool.policy}";r=${pool.remaining()};t=${pool.secondsToReset()}`,
    };
  }

  /** Before handling app traffic: refuses every request once the pool is spent (unless beta). */
  admitPool(appId: string): RateDecision {
    const pool = this.pool(appId);
    if (!pool || this.options.betaHeaders || !pool.exhausted()) return { limited: false, headers: {} };
    const reason: RateLimitReason =
      pool.policy === 'tenant-app-quota' ? 'jira-quota-tenant-based' : 'jira-quota-global-based';
    return {
      limited: true,
      reason,
      headers: refusalHeaders(reason, pool.secondsToReset(), this.poolHeaders(pool)),
    };
  }

  /** After handling app traffic: charges the points and returns the pool's headers. */
  chargePool(appId: string, points: number): Record<string, string> {
    const pool = this.pool(appId);
    if (!pool) return {};
    pool.charge(points);
    return this.poolHeaders(pool);
  }

  /** The burst limit for a method and route template (0 = none). */
  burstLimit(method: string, template: string): number {
    const o = this.options;
    return o.burstPerEndpoint?.[`${method} ${template}`] ?? o.burstPerSecond ?? publishedBurstLimit(method, template);
  }

  /**
   * Counts one request against its path's burst limit. Admitted or not, the answer carries
   * `X-RateLimit-*` describing that limit (a refusal adds `Retry-After` and the reason).
   */
  admitBurst(method: string, template: string): RateDecision {
    const limit = this.burstLimit(method, template);
    if (limit <= 0) return { limited: false, headers: {} };
    const t = this.now();
    const key = `${method} ${template}`;
    const hits = (this.windows.get(key) ?? []).filter((x) => t - x < 1000);
    this.windows.set(key, hits);
    const limited = hits.length >= limit;
    if (!limited) hits.push(t);
    const resetAt = (hits[0] ?? t) + 1000;
    const remaining = Math.max(limit - hits.length, 0);
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': new Date(resetAt).toISOString(),
      ...(remaining < limit * 0.2 ? { 'X-RateLimit-NearLimit': 'true' } : {}),
    };
    if (!limited) return { limited: false, headers };
    return {
      limited: true,
      reason: 'jira-burst-based',
      headers: refusalHeaders('jira-burst-based', Math.max(1, (resetAt - t) / 1000), headers),
    };
  }

  /** Counts one write to an issue against the per-issue windows (20 per 2 s, 100 per 30 s). */
  admitIssueWrite(issueIdOrKey: string): RateDecision {
    if (this.options.perIssueWrites === false) return { limited: false, headers: {} };
    const t = this.now();
    const longest = Math.max(...PER_ISSUE_WRITE_WINDOWS.map((w) => w.windowMs));
    const hits = (this.issueWrites.get(issueIdOrKey) ?? []).filter((x) => t - x < longest);
    this.issueWrites.set(issueIdOrKey, hits);
    let waitMs = 0;
    for (const w of PER_ISSUE_WRITE_WINDOWS) {
      const inWindow = hits.filter((x) => t - x < w.windowMs);
      if (inWindow.length >= w.limit) {
        const oldest = inWindow[inWindow.length - w.limit] ?? t;
        waitMs = Math.max(waitMs, oldest + w.windowMs - t);
      }
    }
    if (waitMs > 0) {
      return {
        limited: true,
        reason: 'jira-per-issue-on-write',
        headers: refusalHeaders('jira-per-issue-on-write', Math.max(1, waitMs / 1000)),
      };
    }
    hits.push(t);
    return { limited: false, headers: {} };
  }
}
