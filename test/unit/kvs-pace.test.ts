import { batchesOf, BATCH_BYTES, kvsUnits, UnitPacer } from '../../src/store/kvs-pace';

/**
 * A background flow's share of Forge's KVS units (src/store/kvs-pace.ts): requests cut to 25 items and
 * BATCH_BYTES, units counted per started 10 KB of a request, and a pacer that holds a request which would
 * take the flow's last minute over its rate.
 */
describe('KVS pacing', () => {
  it('counts a request’s units by its whole payload, at least one', () => {
    expect(kvsUnits([])).toBe(1);
    expect(kvsUnits([1, 2, 3])).toBe(1);
    expect(kvsUnits(['x'.repeat(10 * 1024 - 2)])).toBe(1); // 10,240 bytes as JSON
    expect(kvsUnits(['x'.repeat(10 * 1024 - 1)])).toBe(2);
    expect(kvsUnits(Array.from({ length: 25 }, () => 'm'.repeat(4096 - 2)))).toBe(10);
  });

  it('cuts items into batches of at most 25 items and BATCH_BYTES, in order', () => {
    const small = Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: i }));
    expect(batchesOf(small).map((b) => b.length)).toEqual([25, 25, 10]);
    const big = Array.from({ length: 10 }, (_, i) => ({ key: `b${i}`, value: 'y'.repeat(200 * 1024) }));
    const batches = batchesOf(big);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    for (const b of batches) expect(JSON.stringify(b.map((i) => i.value)).length).toBeLessThanOrEqual(BATCH_BYTES);
    expect(batches.flat().map((i) => i.key)).toEqual(big.map((i) => i.key));
  });

  it('holds a request that would take the last minute over the rate until enough of it has passed', async () => {
    let clock = 0;
    const waits: number[] = [];
    const pacer = new UnitPacer(
      100,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      () => clock,
    );
    await pacer.spend(60);
    clock += 10_000;
    await pacer.spend(40); // 100 in the minute: fits
    expect(waits).toEqual([]);
    await pacer.spend(30); // waits until the first 60 leave the window (t = 60 s)
    expect(clock).toBe(60_000);
    expect(waits).toEqual([50_000]);
    // A single request bigger than the rate still goes once the minute is empty.
    clock += 120_000;
    await pacer.spend(500);
    expect(waits).toHaveLength(1);
  });
});
