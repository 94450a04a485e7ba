import type { IndexManifest } from '../../src/features/directory-index/directory-store';
import {
  PATCHES_RECONCILE_CHARS,
  poolTier,
  reconcileDue,
  setPoolTierSource,
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

  it('reads the tier from whatever source the governor points it at', async () => {
    expect(await poolTier()).toBe(1);
    setPoolTierSource(async () => 2);
    expect(await poolTier()).toBe(2);
  });
});
