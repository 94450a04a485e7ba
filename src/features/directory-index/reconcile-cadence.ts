/**
 * How often the full crawl runs now that Jira's user events and the app's own changes keep the index
 * fresh: it is a reconciliation (it catches what no event told, e.g. group changes made in Jira itself,
 * which fire no event Atlassian documents), and its cadence follows the points pool. On Tier 1 (one
 * 65,000-point hourly pool shared by every installation of the app) a 100k-user crawl costs ~415,000
 * points, so weekly: ~59,000 points a day averaged, 3.8 % of the pool's 1,560,000 a day. On Tier 2 each site
 * has its own pool (at least 65,000 an hour, up to 500,000), so daily. Sooner when the patches have grown
 * large (a big bulk job, a busy week): the crawl folds them into a new generation.
 *
 * The tier is the points governor's (`knownPoolTier()`): the name of the pool in Jira's `RateLimit-Policy`
 * header ("global-app-quota" = Tier 1, "tenant-app-quota" = Tier 2) as background work last saw it. The
 * Forge variable `DIRECTORY_POOL_TIER` (1 or 2), when set, overrides it (an administrator who wants a Tier 2
 * site reconciled weekly, say); with neither, Tier 1, the cautious choice (the shared pool).
 */
import { knownPoolTier } from '../../jira/transport/background';
import type { IndexManifest } from './directory-store';

export type PoolTier = 1 | 2;

/** Days between reconciliations per tier. */
export const RECONCILE_EVERY_DAYS: Record<PoolTier, number> = { 1: 7, 2: 1 };
/** Patches this large (JSON characters across the 16 buckets, each ≤ 240 KiB) ask for a reconciliation now. */
export const PATCHES_RECONCILE_CHARS = 1_500_000;
/** The daily trigger may fire a little early or late: a crawl this close to due counts as due. */
const SLACK_MS = 2 * 3_600_000;

/** The pool's tier: the Forge variable `DIRECTORY_POOL_TIER` if set to 1 or 2, else the governor's, else 1. */
export async function poolTier(known: () => Promise<PoolTier | undefined> = () => knownPoolTier()): Promise<PoolTier> {
  const override = process.env.DIRECTORY_POOL_TIER?.trim();
  if (override === '1' || override === '2') return override === '2' ? 2 : 1;
  return (await known()) ?? 1;
}

/**
 * The governor's priority of a crawl started for `reason`: a routine reconciliation (any reason
 * `reconcileDue` gives for an existing index) is deferrable — events and the app's own changes keep the
 * index fresh meanwhile, so it goes after other work and other sites' first builds; a first build or a
 * person's refresh is normal (someone waits for it).
 */
export function crawlPriority(reason: string): 'normal' | 'deferrable' {
  return /reconciliation/.test(reason) ? 'deferrable' : 'normal';
}

/** Why a reconciliation is due now, or undefined when it is not. */
export function reconcileDue(
  manifest: IndexManifest | undefined,
  now: number,
  tier: PoolTier,
  patchChars: number,
): string | undefined {
  if (!manifest) return 'first build';
  if (patchChars >= PATCHES_RECONCILE_CHARS) return 'many changes since the last reconciliation';
  const age = now - Date.parse(manifest.asOf);
  const every = RECONCILE_EVERY_DAYS[tier] * 24 * 3_600_000;
  return age + SLACK_MS >= every ? `${tier === 1 ? 'weekly' : 'daily'} reconciliation (Tier ${tier} pool)` : undefined;
}
