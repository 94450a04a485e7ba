/**
 * `npm run bench:bulk` (also part of `npm run bench`): a bulk job of 1,000 adds to one group under Jira's
 * published burst limit for `POST group/user` (100 requests a second: local/jira-sim/rate-limit.ts; set
 * `BULK_RATE=10` for the old 10/s profile) and 120 ms of latency, with the app's Tier-1 points pool,
 * through the app's own bulk path (createBulkJob, then the Forge queue's consumers).
 * Prints wall time against N / rate (target ≤ 1.1 ×), Jira requests, the share answered 429 (target
 * < 5 %) and the invocations it took. Exits 1 when a target is missed or the job is not all done.
 * Forge's KVS limits are enforced as published (4,000 read and 4,000 write units a minute per installation,
 * developer.atlassian.com/platform/forge/limits-kvs-ce; local/forge-runtime/kvs-store.ts): the job's KVS use
 * (units, the most in any minute, requests refused) is printed too.
 */
import type { BulkJobView, Envelope } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { publishedBurstLimit } from '../local/jira-sim/rate-limit';
import type { KvsUsage } from '../local/forge-runtime/kvs-store';
import { benchKvsLimits } from './kvs-limits';
import { startLocalSite } from '../local/local-site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const N = Number(process.env.BULK_N ?? 1000);
export const PUBLISHED_RATE = publishedBurstLimit('POST', '/rest/api/3/group/user');
const RATE = Number(process.env.BULK_RATE ?? PUBLISHED_RATE);
const LATENCY_MS = 120;

export interface BulkRun {
  ms: number;
  ideal: number;
  requests: number;
  /** Of which `mypermissions` and `myself` (the creator's rights, read before each batch). */
  permissionChecks: number;
  limited: number;
  writes: number;
  points: number;
  resolverCalls: number;
  consumerDeliveries: number;
  status: string;
  counts: BulkJobView['counts'];
  applied: number;
  /** What the job spent of Forge's KVS limits (enforced as published), from its creation to its end. */
  kvs: KvsUsage;
}

/** Runs `n` adds to one group through the app's bulk path under `rate` adds/s and returns what it cost. */
export async function measureBulk(n: number, rate: number): Promise<BulkRun> {
  const site = await startLocalSite({
    seed: { users: Math.ceil(n * 1.25) + 500, groups: 10, serviceDesks: 1 },
    // Forge's KVS limits as published: the job must fit them (BENCH_KVS_LIMITS=0 switches them off).
    ...benchKvsLimits({ published: true }),
  });
  try {
    const invoke = async <T>(key: string, payload: unknown = {}) => {
      const res = (await site.host.invoke(key, payload, ADMIN)) as Envelope<T>;
      if (!res.ok) throw new Error(`${key}: ${res.error.code} ${res.error.message}`);
      return res.data;
    };
    // Warm the modules; the directory crawl it starts finishes before measuring, with the pool unenforced
    // (as in bench/scale.ts): under the pool the governor spreads the crawl's points along the hour, and the
    // bench would wait for it for many minutes. The measured job runs under the published limits (below).
    site.sim.rateLimiter.configure({ pointsPerHour: 0 });
    await invoke('getSiteSummary');
    await site.queue.idle();
    const group = [...site.sim.state.groups.values()].sort((a, b) => a.members.size - b.members.size)[0];
    if (!group) throw new Error('no group in the seed');
    const targets = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId))
      .slice(0, n)
      .map((u) => u.accountId);
    if (targets.length < n) throw new Error(`only ${targets.length} users to add`);

    site.sim.faults.configure({ latencyMs: LATENCY_MS });
    // The published limits (a fresh pool hour), with the group-add limit at `rate`.
    site.sim.rateLimiter.configure(
      rate === PUBLISHED_RATE ? {} : { burstPerEndpoint: { 'POST /rest/api/3/group/user': rate } },
    );
    site.sim.meter.reset();
    // The warm-up's KVS spending is not the job's: a fresh minute for the measured run.
    site.kvs.resetRateLimits();
    site.kvs.resetUsage();
    const resolverCallsBefore = site.host.durations.length;
    const deliveriesBefore = site.queue.deliveries.length;
    const started = performance.now();
    const job = await invoke<BulkJobView>('createBulkJob', {
      operation: 'add-users-to-group',
      accountIds: targets,
      groupIds: [group.groupId],
    });
    // Forge's queue consumers run the job in the background; idle() waits until they are done.
    await site.queue.idle();
    const view = await invoke<BulkJobView>('getBulkJob', { jobId: job.jobId });
    const ms = performance.now() - started;
    const points = site.sim.meter.points();
    const kvs = site.kvs.resetUsage();
    site.sim.rateLimiter.configure({});
    site.sim.faults.configure({});
    const requests = site.sim.meter.requests;
    return {
      ms,
      ideal: (n / rate) * 1000,
      requests: requests.length,
      permissionChecks: requests.filter(
        (r) => r.endpoint === '/rest/api/3/mypermissions' || r.endpoint === '/rest/api/3/myself',
      ).length,
      limited: requests.filter((r) => r.status === 429).length,
      writes: requests.filter((r) => r.method === 'POST' && r.endpoint === '/rest/api/3/group/user').length,
      points,
      resolverCalls: site.host.durations.length - resolverCallsBefore,
      consumerDeliveries: site.queue.deliveries.length - deliveriesBefore,
      status: view.status,
      counts: view.counts,
      applied: targets.filter((id) => group.members.has(id)).length,
      kvs,
    };
  } finally {
    await site.close();
  }
}

export async function runBulkBench(): Promise<boolean> {
  const r = await measureBulk(N, RATE);
  const ratio = r.ms / r.ideal;
  const share = r.limited / r.requests;
  console.info(
    `bulk ${N} adds (burst ${RATE}/s, ${LATENCY_MS} ms latency, queue consumers): ` +
      `${(r.ms / 1000).toFixed(1)} s = ${ratio.toFixed(3)} × N/rate (${(r.ideal / 1000).toFixed(0)} s; target ≤ 1.1), ` +
      `${r.requests} Jira requests (${r.writes} adds, ${r.permissionChecks} permission checks, ${r.points} points), ${r.limited} answered 429 = ${(share * 100).toFixed(2)} % (target < 5 %), ` +
      `invocations: ${r.resolverCalls} resolver + ${r.consumerDeliveries} consumer, ` +
      `job ${r.status} ${JSON.stringify(r.counts)}, ${r.applied}/${N} in Jira; ` +
      `KVS (Forge's limits on): ${kvsFigures(r.kvs)}`,
  );
  return ratio <= 1.1 && share < 0.05 && r.applied === N && r.status === 'done' && r.counts.failed === 0;
}

/** The job's KVS use in words: units, the most in any minute against Forge's 4,000, requests refused. */
export function kvsFigures(u: KvsUsage): string {
  return (
    `${u.requests} requests, ${u.writeUnits} write and ${u.readUnits} read units ` +
    `(at most ${u.peakWriteUnitsPerMinute} and ${u.peakReadUnitsPerMinute} in a minute, of 4,000 each), ${u.refused} refused`
  );
}

if (require.main === module) {
  void runBulkBench().then((ok) => {
    if (!ok) process.exitCode = 1;
  });
}
