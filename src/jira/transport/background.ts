/**
 * The app's governor (governor.ts) wired to Forge: its shared record in KVS, the installation from the
 * invocation's context, and the "background lane" — an AsyncLocalStorage mark that queue consumers run
 * in (`inBackground`, applied in src/index.ts). The executor gates every request made in that lane
 * (`JiraWaitRequired` with `waitFor: 'reserve'`, nothing sent) and feeds every answer, of either lane, to
 * the governor. Work that wants to ask before it starts (an escalation consumer, a crawl slice) calls
 * `admitBackground()` and, when refused, pushes itself back on its queue with `delayInSeconds`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { getAppContext } from '@forge/api';
import { kvs } from '@forge/kvs';
import { Governor, RESERVE_SHARE, type Admission, type PoolView, type PoolViewStore, type Priority } from './governor';

/** The KVS key of the installation's pool record (KVS is per installation, so one record each). */
export const POOL_KEY = 'governor:pool';
/** The record outlives no window by much: two hours, renewed by every write. */
const POOL_TTL = { value: 2, unit: 'HOURS' as const };
/**
 * The pool's tier as the policy header last named it, kept without a TTL: the pool record expires two hours
 * after the last background answer, but the daily reconciliation trigger (reconcile-cadence.ts) still needs
 * to know the tier on a quiet day. Written by background work when the tier it sees differs from what this
 * container last wrote (once per container, or when Atlassian moves the app to another tier).
 */
export const TIER_KEY = 'governor:tier';
let tierWritten: 1 | 2 | undefined;

const kvsPoolStore: PoolViewStore = {
  load: async () => (await kvs.get<PoolView>(POOL_KEY)) ?? undefined,
  save: async (_installation, view) => {
    // A read-merge-write without a lock, on purpose (issue 19, item 5): the record is a cache of Jira's
    // own figure, merged monotonically (governor.ts mergeViews: in one window the lower `remaining`, across
    // windows the later one), and every Jira answer carries the pool's figure again. A write lost to a
    // concurrent one costs at most one stale view until the next answer, never a wrong count; a lock per
    // answer would add two KVS calls to every background request.
    // Only background work keeps the record: every Jira answer carries the pool's own figure (people's
    // spending included), so background learns it from its next answer anyway, and an interactive call,
    // above all one the app then refuses, leaves KVS untouched.
    if (backgroundPriority() === undefined) return;
    await kvs.set(POOL_KEY, view, { ttl: POOL_TTL });
    if (view.tier !== undefined && view.tier !== tierWritten) {
      await kvs.set(TIER_KEY, view.tier);
      tierWritten = view.tier;
    }
  },
};

/** The reserve: Forge variable `GOVERNOR_RESERVE_SHARE` (0..1), else 40 %. */
function reserveShare(): number {
  const v = Number(process.env.GOVERNOR_RESERVE_SHARE);
  return process.env.GOVERNOR_RESERVE_SHARE !== undefined && Number.isFinite(v) && v >= 0 && v < 1 ? v : RESERVE_SHARE;
}

/** The process-wide governor (its memory is only a cache of the KVS record; see governor.ts). */
export const governor = new Governor({ store: kvsPoolStore, reserve: reserveShare() });

/** The installation an invocation is for (the governor's record is per installation). */
export function currentInstallation(): string {
  try {
    return String(getAppContext().installationAri);
  } catch {
    return 'no-installation';
  }
}

const lane = new AsyncLocalStorage<Priority>();

/** Wraps `fn` to run as background work: its Jira requests spend only above the reserve. */
export function inBackground<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => lane.run('normal', () => fn(...args));
}

/** Runs `fn` as deferrable background work (a routine reconciliation): it keeps more of the pool for others. */
export function asDeferrable<R>(fn: () => Promise<R>): Promise<R> {
  return lane.run('deferrable', fn);
}

/** The current invocation's background priority, or undefined for interactive work. */
export function backgroundPriority(): Priority | undefined {
  return lane.getStore();
}

/**
 * May background work of this installation spend points now? When not, the answer carries the
 * `delaySeconds` (≤ 900) to wait on the queue before asking again. For consumers such as escalations.
 */
export function admitBackground(
  priority: Priority = backgroundPriority() ?? 'normal',
  installation: string = currentInstallation(),
): Promise<Admission> {
  return governor.admitBackground(installation, priority);
}

/**
 * The pool's tier as Jira's `RateLimit-Policy` names it (1: global-app-quota, 2: tenant-app-quota), if seen:
 * this container's view, else the shared pool record, else the last tier background work recorded.
 */
export async function knownPoolTier(installation: string = currentInstallation()): Promise<1 | 2 | undefined> {
  const seen = await governor.knownTier(installation);
  if (seen) return seen;
  try {
    const recorded = await kvs.get<number>(TIER_KEY);
    return recorded === 1 || recorded === 2 ? recorded : undefined;
  } catch {
    return undefined;
  }
}
