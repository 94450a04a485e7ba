/**
 * Keeping a background flow's KVS spending to a share of Forge's per-installation limits (4,000 read and
 * 4,000 write units a minute, a unit per started 10 KB of a request's payload;
 * developer.atlassian.com/platform/forge/limits-kvs-ce). KVS reports no remaining budget, so a flow that
 * writes a lot at once (the directory index's publication) counts its own units and waits before a request
 * that would take its last minute over its share, leaving the rest to people and to other work.
 * Requests are also cut to at most 25 items (KVS's batch limit) and BATCH_BYTES: batches may carry 4 MB, but
 * Atlassian notes a bug limiting batch and transaction payloads to 1 MB (storage-reference/batchops, FRGE-1916).
 */

/** KVS's unit: a started 10 KB of a request's payload. */
export const KVS_UNIT_BYTES = 10 * 1024;
/** Items per batch request (KVS's limit). */
export const BATCH_ITEMS = 25;
/** Payload per batch request, under the 1 MB Atlassian's bug note mentions. */
export const BATCH_BYTES = 900 * 1024;

const bytesOf = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8'));

/** The units of one request carrying these values (at least one). */
export function kvsUnits(values: unknown[]): number {
  return Math.max(1, Math.ceil(values.reduce<number>((n, v) => n + bytesOf(v), 0) / KVS_UNIT_BYTES));
}

/** Cuts items into batch requests of at most BATCH_ITEMS items and BATCH_BYTES of values. */
export function batchesOf<T extends { value?: unknown }>(items: T[]): T[][] {
  const out: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = bytesOf(item.value);
    if (batch.length > 0 && (batch.length >= BATCH_ITEMS || bytes + size > BATCH_BYTES)) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts a flow's own units over the last minute and holds a request that would exceed its rate. */
export class UnitPacer {
  private readonly spent: Array<[number, number]> = [];

  constructor(
    /** Units a minute this flow may spend. */
    public unitsPerMinute: number,
    private readonly sleep: (ms: number) => Promise<void> = defaultSleep,
    private readonly now: () => number = Date.now,
  ) {}

  /** Units spent in the last minute. */
  private used(t: number): number {
    while (this.spent.length > 0 && (this.spent[0] as [number, number])[0] <= t - 60_000) this.spent.shift();
    return this.spent.reduce((n, [, u]) => n + u, 0);
  }

  /** Waits until `units` more fit in this flow's last minute, then counts them. */
  async spend(units: number): Promise<void> {
    for (;;) {
      const t = this.now();
      const used = this.used(t);
      if (this.spent.length === 0 || used + units <= this.unitsPerMinute) {
        this.spent.push([t, units]);
        return;
      }
      const oldest = this.spent[0] as [number, number];
      await this.sleep(Math.max(50, oldest[0] + 60_000 - t));
    }
  }
}
