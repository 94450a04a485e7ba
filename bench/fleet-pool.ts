/**
 * bench:fleet's points pools: the simulator's own (local/jira-sim/quota.ts: Tier 1 shared by every
 * installation, Tier 2 per site by edition and users, reset at the top of each UTC hour, every request
 * refused once spent) on the bench's simulated clock, reported in the simulator's published headers
 * (`RateLimit-Policy` / `RateLimit` from rate-limit.ts, `Retry-After` + `RateLimit-Reason` on a refusal),
 * plus an hourly account of what was charged (for the day's share of the pool).
 */
import {
  GLOBAL_APP_QUOTA,
  HOUR_MS,
  PointsBank,
  hourStartOf,
  tenantQuota,
  type PointsPool,
} from '../local/jira-sim/quota';
import { RateLimiter, refusalHeaders } from '../local/jira-sim/rate-limit';

export { GLOBAL_APP_QUOTA, tenantQuota };

const APP = 'jira-user-admin';

export class FleetPool {
  private readonly byHour = new Map<number, number>();
  private readonly limiter: RateLimiter;

  constructor(
    private readonly pool: PointsPool,
    bank: PointsBank,
  ) {
    this.limiter = new RateLimiter({}, bank);
  }

  /** The fleet's Tier-1 pool, or one site's Tier-2 pool, in `bank`. */
  static tier1(bank: PointsBank): FleetPool {
    return new FleetPool(bank.global(APP, GLOBAL_APP_QUOTA), bank);
  }

  static tier2(bank: PointsBank, site: string, quota: number): FleetPool {
    return new FleetPool(bank.tenant(APP, site, quota), bank);
  }

  get quota(): number {
    return this.pool.quota;
  }

  remaining(): number {
    return this.pool.remaining();
  }

  exhausted(): boolean {
    return this.pool.exhausted();
  }

  secondsToReset(): number {
    return this.pool.secondsToReset();
  }

  /** The request that crosses the quota is served; the next is refused (the simulator's rule). */
  charge(points: number, now: number): void {
    this.pool.charge(points);
    const hour = hourStartOf(now);
    this.byHour.set(hour, (this.byHour.get(hour) ?? 0) + points);
  }

  headers(): Record<string, string> {
    return this.limiter.poolHeaders(this.pool);
  }

  refusalHeaders(): Record<string, string> {
    const reason = this.pool.policy === 'tenant-app-quota' ? 'jira-quota-tenant-based' : 'jira-quota-global-based';
    return refusalHeaders(reason, this.pool.secondsToReset(), this.headers());
  }

  /** Points charged in the hours starting in [from, to) (at most the quota an hour). */
  usedBetween(from: number, to: number): number {
    let sum = 0;
    for (let h = hourStartOf(from); h < to; h += HOUR_MS) sum += Math.min(this.byHour.get(h) ?? 0, this.quota);
    return sum;
  }
}
