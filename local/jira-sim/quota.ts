/**
 * Jira Cloud's hourly points pools, as Atlassian publishes them (Jira Cloud platform "Rate limiting",
 * developer.atlassian.com/cloud/jira/platform/rate-limiting/; DESIGN.md §2):
 * - Tier 1 (the default): one pool of 65,000 points an hour for the app, shared by all its
 *   installations (`global-app-quota`);
 * - Tier 2 (granted on review): one pool per site (`tenant-app-quota`) sized by the site's edition and
 *   users: Free 65,000; Standard 100,000 + 10 × users; Premium 130,000 + 20 × users; Enterprise
 *   150,000 + 30 × users; at most 500,000.
 * Pools reset at the top of each UTC hour; once a pool is spent every request charged to it is
 * refused until then. A `PointsBank` holds the pools of every site it is given to, keyed by app id
 * (and site for Tier 2), so several simulators (sites) hosting one app spend one Tier-1 pool together.
 * The clock is injectable so tests can cross an hour without waiting.
 */

export type Edition = 'free' | 'standard' | 'premium' | 'enterprise';

export type QuotaPolicy = 'global-app-quota' | 'tenant-app-quota';

export const GLOBAL_APP_QUOTA = 65_000;
export const TENANT_QUOTA_CAP = 500_000;
export const HOUR_MS = 3_600_000;

const TENANT_BASE: Readonly<Record<Edition, { base: number; perUser: number }>> = {
  free: { base: 65_000, perUser: 0 },
  standard: { base: 100_000, perUser: 10 },
  premium: { base: 130_000, perUser: 20 },
  enterprise: { base: 150_000, perUser: 30 },
};

/** The Tier-2 pool of a site of this edition and user count. */
export function tenantQuota(edition: Edition, users: number): number {
  const { base, perUser } = TENANT_BASE[edition];
  return Math.min(base + perUser * Math.max(users, 0), TENANT_QUOTA_CAP);
}

/** The start of the UTC hour containing `t` (pools reset at the top of each UTC hour). */
export function hourStartOf(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** One hourly pool. */
export class PointsPool {
  private used = 0;
  private hourStart: number;

  constructor(
    readonly key: string,
    readonly policy: QuotaPolicy,
    public quota: number,
    private readonly now: () => number,
  ) {
    this.hourStart = hourStartOf(now());
  }

  private roll(): number {
    const t = this.now();
    const start = hourStartOf(t);
    if (start !== this.hourStart) {
      this.hourStart = start;
      this.used = 0;
    }
    return t;
  }

  /** Points left this hour (never below 0). */
  remaining(): number {
    this.roll();
    return Math.max(this.quota - this.used, 0);
  }

  /** Points charged this hour. */
  spent(): number {
    this.roll();
    return this.used;
  }

  /** True once the pool is spent: every request charged to it is refused until the top of the hour. */
  exhausted(): boolean {
    return this.remaining() <= 0;
  }

  /** Whole seconds until the pool resets (at least 1). */
  secondsToReset(): number {
    const t = this.roll();
    return Math.max(1, Math.ceil((this.hourStart + HOUR_MS - t) / 1000));
  }

  /** The instant the pool resets. */
  resetAt(): number {
    this.roll();
    return this.hourStart + HOUR_MS;
  }

  /** Charges an answered request; the request that crosses the quota is served (the next one is refused). */
  charge(points: number): void {
    this.roll();
    this.used += points;
  }

  reset(): void {
    this.hourStart = hourStartOf(this.now());
    this.used = 0;
  }
}

/**
 * The pools of one or more sites. Give one bank to several simulators to host several installations
 * of the same app: they share its Tier-1 pool (by app id); Tier-2 pools stay per site.
 */
export class PointsBank {
  private readonly pools = new Map<string, PointsPool>();

  constructor(readonly now: () => number = Date.now) {}

  /** The Tier-1 pool of an app (created at `quota` points on first use). */
  global(appId: string, quota = GLOBAL_APP_QUOTA): PointsPool {
    return this.pool(`global-app-quota:${appId}`, 'global-app-quota', quota);
  }

  /** The Tier-2 pool of an app on one site. */
  tenant(appId: string, cloudId: string, quota: number): PointsPool {
    return this.pool(`tenant-app-quota:${appId}:${cloudId}`, 'tenant-app-quota', quota);
  }

  private pool(key: string, policy: QuotaPolicy, quota: number): PointsPool {
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new PointsPool(key, policy, quota, this.now);
      this.pools.set(key, pool);
    }
    pool.quota = quota;
    return pool;
  }

  /** Every pool the bank holds (for benches and tests). */
  all(): PointsPool[] {
    return [...this.pools.values()];
  }
}
