/**
 * The points governor: one per installation, deciding whether BACKGROUND work (crawl, health check steps,
 * bulk slices, escalations) may spend points now. Interactive requests (resolvers) are never held by it:
 * only a real 429 stops them (pacer.ts).
 *
 * The pool is Jira's, read from every answer's `RateLimit-Policy` / `RateLimit` (rate-limit-headers.ts):
 * at Tier 1 (`global-app-quota`) one 65,000-point hourly pool shared by every installation of the app, at
 * Tier 2 (`tenant-app-quota`) this site's own. Background work is admitted only while the remaining share
 * is above RESERVE_SHARE, and paced along the window (see `threshold`); held, it waits on the queue
 * (`delayInSeconds` ≤ 900, again and again) until the line or the reset lets it go on, never sleeping past
 * what the invocation may.
 *
 * Why keep 40 % for people: once the pool is spent Jira refuses EVERY request of EVERY installation (Tier 1)
 * until the top of the hour, so an administrator's click must never find it empty. Interactive use is
 * bursty (a morning of bulk previews and member pages on a 20k site costs a few thousand points a burst),
 * several sites' working hours overlap, and background spenders of other installations learn the pool's
 * state only from their own answers (one request late each): 40 % (26,000 points at Tier 1) covers
 * people's busiest hour seen in bench:fleet with room for that overshoot, and still leaves background
 * work 60 % of every hour.
 *
 * Where the state lives: every container sees it in KVS (one small record per installation, `governor:pool`,
 * bounded, with a TTL) and each container keeps its latest copy in memory, refreshed from KVS every
 * REFRESH_MS and written back on a decision change or every PERSIST_MS. No lock: the record is not a counter
 * we add to but a copy of Jira's own counter, re-derived from each answer's headers, and within one window
 * `remaining` only falls. Writers merge (same window → the lower `remaining`), so a lost update can only
 * leave an older, HIGHER figure: at worst one more background request is admitted before the next answer
 * corrects it, and a "below the reserve" decision is never wrong (the pool cannot refill before its reset).
 */
import {
  isQuotaReason,
  rateLimitReason,
  readPool,
  shareOf,
  type HeaderSource,
  type PoolObservation,
} from './rate-limit-headers';

/** Share of the pool kept for people (see above). Forge variable `GOVERNOR_RESERVE_SHARE` overrides it. */
export const RESERVE_SHARE = 0.4;
/**
 * Deferrable background work (a routine reconciliation nobody waits for) follows a line this much higher
 * than normal work's, at every moment of the window, and keeps this much more at its end: installations
 * cannot talk to each other, so the shared pool's line is how an urgent build of one site goes before a
 * routine crawl of another. Normal work's line has the LINE_HEADSTART; deferrable work's has none, so
 * while any normal background work of any installation is spending along its line, the pool's share stays
 * below the deferrable line and routine crawls wait; they take only what normal work leaves (at most
 * 1 − reserve − this share of a window). Equal lines (the old rule: the same line with 20 % more kept at
 * the end) let a reconciliation of one 100k site take half the pool a new 100k site needed for its first
 * build, which then took 30.7 h at Tier 1 in bench:fleet.
 */
export const DEFERRABLE_EXTRA_SHARE = 0.2;
/** How urgent background work is: `normal` (someone waits for it) or `deferrable`. */
export type Priority = 'normal' | 'deferrable';
/** Background work may be this far (a share of the pool) ahead of the line. */
export const LINE_HEADSTART = 0.2;
/**
 * A request is admitted for its expected points, not as a request: it must fit above the line. Otherwise,
 * with the line nearly reached, a 2,001-point users page of one site and a 101-point member page of another
 * are admitted alike, and the big pages take most of the line (bench:fleet: a 100k site's first build, in its
 * member pages, got a sixth of what a newer 68k site's build in its user pages got). Counted as at most this
 * share of the pool, so no request is ever too big to be admitted (a small pool in a test).
 */
export const MAX_COST_SHARE = 0.1;
/** The longest `delayInSeconds` Forge's queue accepts. */
export const MAX_QUEUE_DELAY_SECONDS = 900;
/** A container re-reads the shared record at most this often (when it has no fresher answer of its own). */
export const REFRESH_MS = 15_000;
/** A container writes its view back at most this often, unless its decision changed. */
export const PERSIST_MS = 15_000;
/** Waiters wake up to this long after the reset, spread, so not every installation starts in the same second. */
export const WAKE_SPREAD_MS = 30_000;

export type PoolView = Omit<PoolObservation, 'windowSeconds'> & { windowSeconds?: number };

export type Admission =
  | { admitted: true; share: number; view?: PoolView }
  | {
      admitted: false;
      share: number;
      /** Until the pool resets (plus the wake spread), in ms. */
      waitMs: number;
      /** What to give the queue: whole seconds, 1..900 (wait again on redelivery if the reset is further). */
      delaySeconds: number;
      resetAt: number;
      view: PoolView;
    };

/** Where the shared view lives (KVS in the app; a map in tests and bench:fleet). */
export interface PoolViewStore {
  load(installation: string): Promise<PoolView | undefined>;
  save(installation: string, view: PoolView): Promise<void>;
}

/** Half a window: two observations whose resets lie closer than this describe the same window. */
const sameWindow = (a: PoolView, b: PoolView) =>
  Math.abs(a.resetAt - b.resetAt) < ((a.windowSeconds ?? b.windowSeconds ?? 3600) * 1000) / 2;

/**
 * Merges two views of the pool: in the same window the lower `remaining` (it only falls) and whatever
 * either knows of the quota; across windows the later one.
 */
export function mergeViews(a: PoolView | undefined, b: PoolView | undefined): PoolView | undefined {
  if (!a || !b) return a ?? b;
  if (!sameWindow(a, b)) return a.resetAt > b.resetAt ? a : b;
  const newer = a.observedAt >= b.observedAt ? a : b;
  const older = newer === a ? b : a;
  const remaining =
    a.remaining === undefined
      ? b.remaining
      : b.remaining === undefined
        ? a.remaining
        : Math.min(a.remaining, b.remaining);
  return {
    ...older,
    ...newer,
    quota: newer.quota ?? older.quota,
    windowSeconds: newer.windowSeconds ?? older.windowSeconds,
    tier: newer.tier ?? older.tier,
    ...(remaining !== undefined ? { remaining } : {}),
    resetAt: Math.min(a.resetAt, b.resetAt),
  };
}

/**
 * The share background work must leave at `now`: the reserve at the window's end, and above it the part
 * of the rest of the window not yet reached — background spending follows a line from nothing at the reset
 * to (1 − reserve) of the pool at the window's end, so it is spread over the hour instead of taken in its
 * first minutes, people's own spending counts against the line, and at any moment people have the reserve
 * plus whatever the line has not yet given to background work. The line starts LINE_HEADSTART in, so work
 * held at the end of one window can go on as the next one opens. `extra` lifts the whole line (deferrable
 * work: DEFERRABLE_EXTRA_SHARE), never above the whole pool.
 */
export function threshold(view: PoolView, now: number, reserve: number, extra = 0): number {
  const windowMs = (view.windowSeconds ?? 3600) * 1000;
  const ahead = Math.min(Math.max((view.resetAt - now) / windowMs, 0), 1);
  return Math.min(1, Math.max(reserve, reserve + (1 - reserve) * ahead - LINE_HEADSTART) + extra);
}

/**
 * The reserve decision (pure): background work may spend while the pool's remaining share is above the
 * threshold (never below `reserve` + `extra`) once the request's expected points (`cost`) are spent; an unknown pool (no view yet, or its window has reset)
 * admits, and the first answer tells. A refusal says how long to wait: until the line reaches the pool's
 * share, or, at the floor, until the reset (plus `wakeJitterMs`, so waiters do not all wake in the same
 * second).
 */
export function decide(
  view: PoolView | undefined,
  now: number,
  reserve: number,
  wakeJitterMs = 0,
  extra = 0,
  cost = 0,
): Admission {
  if (!view || now >= view.resetAt) return { admitted: true, share: 1, ...(view ? { view } : {}) };
  const share = shareOf(view);
  // What the pool would keep after this request (its expected points, see MAX_COST_SHARE).
  const quota = view.quota ?? (view.tier === 1 || view.tier === undefined ? 65_000 : undefined);
  const after = share - (quota && cost > 0 ? Math.min(cost / quota, MAX_COST_SHARE) : 0);
  if (after > threshold(view, now, reserve, extra)) return { admitted: true, share, view };
  const windowMs = (view.windowSeconds ?? 3600) * 1000;
  // The line falls to `after` when (resetAt − t) / window = (after − extra − reserve + headstart) / (1 − reserve).
  const floor = reserve + extra;
  const lineMeets =
    after > floor ? view.resetAt - (windowMs * (after - floor + LINE_HEADSTART)) / (1 - reserve) : Infinity;
  const waitMs = Number.isFinite(lineMeets) ? Math.max(lineMeets - now, 1000) : view.resetAt - now + wakeJitterMs;
  const delaySeconds = Math.min(Math.max(Math.ceil(waitMs / 1000), 1), MAX_QUEUE_DELAY_SECONDS);
  return { admitted: false, share, waitMs, delaySeconds, resetAt: view.resetAt, view };
}

interface Held {
  view?: PoolView;
  /** When this container last read or wrote the shared record. */
  syncedAt: number;
  savedAdmits?: boolean;
}

export interface GovernorOptions {
  store: PoolViewStore;
  now?: () => number;
  reserve?: number;
  random?: () => number;
}

export class Governor {
  private readonly held = new Map<string, Held>();
  readonly reserve: number;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: GovernorOptions) {
    this.reserve = options.reserve ?? RESERVE_SHARE;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  private entry(installation: string): Held {
    let h = this.held.get(installation);
    if (!h) {
      h = { syncedAt: Number.NEGATIVE_INFINITY };
      this.held.set(installation, h);
    }
    return h;
  }

  /** The view this container holds (no I/O). */
  view(installation: string): PoolView | undefined {
    return this.held.get(installation)?.view;
  }

  /** The pool's tier as last seen (1 shared by all installations, 2 this site's own), if known. */
  tier(installation: string): 1 | 2 | undefined {
    return this.view(installation)?.tier;
  }

  /**
   * Learns from one answer: its pool headers, or for a 429 whose reason is the pool, "spent until
   * Retry-After". Writes the shared record when the decision changed or PERSIST_MS passed.
   */
  async observe(installation: string, status: number, headers: HeaderSource, retryAfterMs?: number): Promise<void> {
    const t = this.now();
    let obs: PoolView | undefined = readPool(headers, t);
    if (status === 429 && isQuotaReason(rateLimitReason(headers))) {
      const tier = rateLimitReason(headers).includes('tenant') ? 2 : 1;
      obs = {
        policy: obs?.policy ?? (tier === 2 ? 'tenant-app-quota' : 'global-app-quota'),
        tier,
        ...(obs?.quota !== undefined ? { quota: obs.quota } : {}),
        remaining: 0,
        resetAt: retryAfterMs !== undefined ? t + retryAfterMs : (obs?.resetAt ?? t + 60_000),
        observedAt: t,
        beta: false,
      };
    }
    if (!obs) return;
    const h = this.entry(installation);
    h.view = mergeViews(h.view?.resetAt !== undefined && t >= h.view.resetAt ? undefined : h.view, obs);
    const admits = decide(h.view, t, this.reserve).admitted;
    if (h.savedAdmits !== admits || t - h.syncedAt >= PERSIST_MS) await this.sync(installation, h, admits);
  }

  /** Reads the shared record, merges it with this container's view, and writes back what changed. */
  private async sync(installation: string, h: Held, admits?: boolean): Promise<void> {
    const t = this.now();
    h.syncedAt = t;
    try {
      const shared = await this.options.store.load(installation);
      const merged = mergeViews(shared && t >= shared.resetAt ? undefined : shared, h.view);
      h.view = merged;
      const decision = admits ?? decide(merged, t, this.reserve).admitted;
      if (merged && (JSON.stringify(merged) !== JSON.stringify(shared) || h.savedAdmits === undefined)) {
        await this.options.store.save(installation, merged);
        h.savedAdmits = decision;
      }
    } catch {
      // KVS busy or unavailable: decide on what this container knows; the next answer brings news.
    }
  }

  /**
   * May background work of `installation` spend points now? Reads the shared record when this container's
   * copy is older than REFRESH_MS. When not admitted, wait `delaySeconds` on the queue and ask again.
   * Deferrable work follows a line DEFERRABLE_EXTRA_SHARE higher (it goes after normal work). `cost`: the
   * request's expected points (0 when unknown, e.g. before a whole slice).
   */
  async admitBackground(installation: string, priority: Priority = 'normal', cost = 0): Promise<Admission> {
    const h = this.entry(installation);
    const extra = priority === 'deferrable' ? Math.min(DEFERRABLE_EXTRA_SHARE, 0.9 - this.reserve) : 0;
    const t = this.now();
    if (t - h.syncedAt >= REFRESH_MS && (!h.view || t - h.view.observedAt >= REFRESH_MS))
      await this.sync(installation, h);
    return decide(h.view, this.now(), this.reserve, this.random() * WAKE_SPREAD_MS, extra, cost);
  }

  /** The tier Jira's headers last named for this installation (memory, else the shared record), if any. */
  async knownTier(installation: string): Promise<1 | 2 | undefined> {
    const mine = this.view(installation)?.tier;
    if (mine) return mine;
    try {
      return (await this.options.store.load(installation))?.tier;
    } catch {
      return undefined;
    }
  }

  /** Forgets every view (tests). */
  reset(): void {
    this.held.clear();
  }
}
