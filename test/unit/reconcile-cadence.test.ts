import type { IndexManifest } from '../../src/features/directory-index/directory-store';
import {
  PATCHES_RECONCILE_CHARS,
  crawlPriority,
  poolTier,
  reconcileDue,
} from '../../src/features/directory-index/reconcile-cadence';

/** The reconciliation's cadence follows the pool: weekly on Tier 1, daily on Tier 2, sooner when patches pile up. */
describe('reconciliation cadence', () => {
  const DAY = 24 * 3_600_000;
  const asOf = Date.parse('2026-12-01T03:00:00.000Z');
  const manifest = { asOf: new Date(asOf).toISOString() } as IndexManifest;

  it('builds when there is no index', () => {
    expect(reconcileDue(undefined, asOf, 1, 0)).toBe('first build');
  });

  it('Tier 1: not before a week (the daily trigger may fire a little early), then weekly', () => {
    for (let d = 1; d <= 6; d += 1) expect(reconcileDue(manifest, asOf + d * DAY - 3_600_000, 1, 0)).toBeUndefined();
    expect(reconcileDue(manifest, asOf + 7 * DAY - 3_600_000, 1, 0)).toMatch(/weekly/);
  });

  it('Tier 2: daily', () => {
    expect(reconcileDue(manifest, asOf + 12 * 3_600_000, 2, 0)).toBeUndefined();
    expect(reconcileDue(manifest, asOf + DAY - 3_600_000, 2, 0)).toMatch(/daily/);
  });

  it('sooner when the patches have grown large', () => {
    expect(reconcileDue(manifest, asOf + DAY, 1, PATCHES_RECONCILE_CHARS)).toMatch(/many changes/);
  });

  it('a reconciliation goes after other work (deferrable); a first build or a refresh does not', () => {
    const routine = [
      reconcileDue(manifest, asOf + 7 * DAY, 1, 0),
      reconcileDue(manifest, asOf + DAY, 2, 0),
      reconcileDue(manifest, asOf + DAY, 1, PATCHES_RECONCILE_CHARS),
    ];
    for (const reason of routine) expect(crawlPriority(reason ?? '')).toBe('deferrable');
    expect(crawlPriority(reconcileDue(undefined, asOf, 1, 0) ?? '')).toBe('normal');
    expect(crawlPriority('first page open')).toBe('normal');
    expect(crawlPriority('refresh by 5b10a2844c20165700ede21g')).toBe('normal');
  });

  it("takes the tier the governor learnt from Jira's policy header; the Forge variable overrides it", async () => {
    const saved = process.env.DIRECTORY_POOL_TIER;
    try {
      delete process.env.DIRECTORY_POOL_TIER;
      expect(await poolTier(async () => 2)).toBe(2);
      expect(await poolTier(async () => 1)).toBe(1);
      // Nothing seen yet: Tier 1, the shared pool.
      expect(await poolTier(async () => undefined)).toBe(1);
      process.env.DIRECTORY_POOL_TIER = '1';
      expect(await poolTier(async () => 2)).toBe(1);
      process.env.DIRECTORY_POOL_TIER = '2';
      expect(await poolTier(async () => 1)).toBe(2);
      // Anything else is no override.
      process.env.DIRECTORY_POOL_TIER = 'three';
      expect(await poolTier(async () => 2)).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.DIRECTORY_POOL_TIER;
      else process.env.DIRECTORY_POOL_TIER = saved;
    }
  });
});
