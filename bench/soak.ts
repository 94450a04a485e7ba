/**
 * `npm run soak`: the local site under 50 concurrent invokes for 60 s with faults on — Jira latency, 429s,
 * 5xx, connection resets and lost responses (writes applied, answers dropped), queue events delivered twice
 * and consumers killed mid-run. Workers mix reads and writes as administrators; every membership change is
 * checked against the simulator's state (the app must report the truth). Prints invokes of the load (status
 * polls of the drain counted apart), per key and per outcome, injected faults, errors beyond the injected
 * ones (expected: none), memory before and after, and whether every bulk job completed. Exits 1 on any
 * unexpected error (a JIRA_ERROR counts as expected only when it surfaces an injected fault: a 5xx, a reset
 * or a lost answer), an unfinished job, or a heap that grew past the bound SOAK_HEAP_GROWTH_MB states.
 * Knobs: SOAK_SECONDS (60), SOAK_CONCURRENCY (50), SOAK_USERS (1000), SOAK_HEAP_GROWTH_MB (200).
 */
import { RESOLVER_KEYS, type BulkJobView, type ChangeResult, type Envelope } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { startLocalSite, type LocalSite } from '../local/local-site';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 50);
const USERS = Number(process.env.SOAK_USERS ?? 1000);
const ADMIN = NAMED_USERS.siteAdmin.accountId;
const JIRA_ADMIN = NAMED_USERS.jiraAdmin.accountId;
/**
 * Heap growth (after the load and a full GC, over the warmed-up heap before it) past which the soak fails:
 * the in-process site keeps every metered request and KVS entry, about 60 MB after a default run, so
 * 200 MB leaves room for that and catches a leak of a few KB per invoke.
 */
const HEAP_GROWTH_MB = Number(process.env.SOAK_HEAP_GROWTH_MB ?? 200);
/**
 * What an injected Jira fault may legitimately surface as: RATE_LIMITED (429s past their retries), and a
 * JIRA_ERROR whose message names an injected fault — the simulator's injected 5xx, Jira's answer lost, a
 * connection reset. Any other JIRA_ERROR (a Jira refusal the app should have understood) is an error.
 */
function isInjectedFault(code: string, message: string): boolean {
  if (code === 'RATE_LIMITED') return true;
  return (
    code === 'JIRA_ERROR' &&
    /injected fault|answer was lost|Jira answered 5\d\d|socket hang up|ECONNRESET|connection (was )?reset/i.test(
      message,
    )
  );
}

interface Stats {
  invokes: number;
  /** Status reads of the drain after the load (not part of the load's invoke count). */
  polls: number;
  byKey: Map<string, number>;
  /** Outcomes per key: `key → outcome → count`. */
  keyOutcomes: Map<string, Map<string, number>>;
  outcomes: Map<string, number>;
  unexpected: string[];
  durations: number[];
  jobs: string[];
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function memory(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

async function main(): Promise<void> {
  const site = await startLocalSite({
    seed: { users: USERS, groups: 40, serviceDesks: 3 },
    queue: { duplicateRate: 0.1, concurrentDuplicateRate: 0.5, killRate: 0.02, seed: 11, timeScale: 0.05 },
  });
  const stats: Stats = {
    invokes: 0,
    polls: 0,
    byKey: new Map(),
    keyOutcomes: new Map(),
    outcomes: new Map(),
    unexpected: [],
    durations: [],
    jobs: [],
  };
  const state = site.sim.state;
  const teams = [...state.groups.values()].filter((g) => g.name.startsWith('team-'));
  const people = [...state.users.values()].filter(
    (u) =>
      u.accountType === 'atlassian' && u.active && !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
  );
  const desks = [...state.serviceDesks.values()];

  const count = (key: string, outcome: string) => {
    stats.outcomes.set(outcome, (stats.outcomes.get(outcome) ?? 0) + 1);
    const mine = stats.keyOutcomes.get(key) ?? new Map<string, number>();
    mine.set(outcome, (mine.get(outcome) ?? 0) + 1);
    stats.keyOutcomes.set(key, mine);
  };
  /** One invoke of the load; `poll`: a status read of the drain, counted apart and not in the load's figures. */
  const invoke = async <T>(
    key: string,
    payload: unknown,
    as: string = ADMIN,
    poll = false,
  ): Promise<Envelope<T> | undefined> => {
    if (poll) stats.polls += 1;
    else {
      stats.invokes += 1;
      stats.byKey.set(key, (stats.byKey.get(key) ?? 0) + 1);
    }
    const started = performance.now();
    try {
      const res = (await site.host.invoke(key, payload, as)) as Envelope<T>;
      if (!poll) count(key, res.ok ? 'ok' : res.error.code);
      if (!res.ok && !isInjectedFault(res.error.code, res.error.message))
        stats.unexpected.push(`${key}: ${res.error.code} ${res.error.message}`);
      return res;
    } catch (err) {
      count(key, 'thrown');
      stats.unexpected.push(`${key}: threw ${(err as Error).message}`);
      return undefined;
    } finally {
      if (!poll) stats.durations.push(performance.now() - started);
    }
  };

  // Warm up without faults: modules, the permission cache, the first crawl.
  await invoke('getSiteSummary', {});
  await site.queue.idle();
  const before = memory();

  site.sim.faults.configure({
    latencyMs: 15,
    jitterMs: 30,
    serverErrorRate: 0.02,
    resetRate: 0.01,
    tooManyRequestsRate: 0.03,
    retryAfterSeconds: 1,
    lostResponses: [{ rate: 0.05 }],
    seed: 5,
  });

  const deadline = Date.now() + SECONDS * 1000;
  let serial = 0;
  const worker = async (w: number) => {
    // Each worker owns its people, so membership checks are not raced by another worker.
    const mine = people.filter((_, i) => i % CONCURRENCY === w);
    for (let n = 0; Date.now() < deadline; n += 1) {
      const team = teams[(w + n) % teams.length];
      const person = mine[n % Math.max(mine.length, 1)];
      const pick = (w * 7 + n * 13) % 20;
      if (pick < 8) {
        const reads: Array<[string, unknown]> = [
          ['listUsers', { query: String.fromCharCode(97 + ((w + n) % 26)) }],
          ['searchGroups', { query: 'team' }],
          ['listGroupMembers', { groupId: team?.groupId }],
          ['getUserDetails', { accountId: person?.accountId }],
          ['listAudit', {}],
          ['listServiceDesks', {}],
          ['listDeskCustomers', { deskId: desks[n % desks.length]?.id }],
          ['listFunctional', {}],
          ['getSiteSummary', {}],
          ['listBulkJobs', {}],
        ];
        const [key, payload] = reads[n % reads.length] as [string, unknown];
        await invoke(key, payload, n % 3 === 0 ? JIRA_ADMIN : ADMIN);
      } else if (pick < 14 && team && person) {
        const member = team.members.has(person.accountId);
        const key = member ? 'removeGroupMember' : 'addGroupMember';
        const res = await invoke<ChangeResult>(key, {
          groupId: team.groupId,
          accountId: person.accountId,
          confirmLicence: true,
        });
        // The app must report what Jira did: a change reported done (or already so) is there.
        if (res?.ok && res.data.outcome !== 'failed' && team.members.has(person.accountId) === member)
          stats.unexpected.push(`${key}: reported ${res.data.outcome} but Jira shows no change`);
      } else if (pick < 16 && team) {
        const ids = mine.slice(n % 5, (n % 5) + 8).map((u) => u.accountId);
        const res = await invoke<BulkJobView>('createBulkJob', {
          operation: 'add-users-to-group',
          accountIds: ids,
          groupIds: [team.groupId],
          confirmLicence: true,
        });
        if (res?.ok) stats.jobs.push(res.data.jobId);
      } else if (pick === 16) {
        serial += 1;
        await invoke('provisionCustomer', {
          email: `soak.${w}.${serial}@clients.example.org`,
          displayName: `Soak ${w} ${serial}`,
          deskIds: [desks[serial % desks.length]?.id],
        });
      } else if (pick === 17) await invoke('resetUserColumns', { accountId: person?.accountId });
      else if (pick === 18) await invoke('saveRole', { name: `Soak ${w}`, groupIds: [team?.groupId] });
      else await invoke('exportAuditCsv', {});
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  const loadMs = Date.now() - started;

  // Every job must complete (faults still on): drive slices where the contract still has runBulkJob,
  // otherwise the queue runs them; give up after two minutes.
  const drives = (RESOLVER_KEYS as readonly string[]).includes('runBulkJob');
  const unfinished = new Set(stats.jobs);
  const drainUntil = Date.now() + 120_000;
  while (unfinished.size > 0 && Date.now() < drainUntil) {
    await Promise.all(
      [...unfinished].map(async (jobId) => {
        const res = await invoke<BulkJobView>(drives ? 'runBulkJob' : 'getBulkJob', { jobId }, ADMIN, true);
        if (res?.ok && res.data.status === 'done') unfinished.delete(jobId);
      }),
    );
    if (!drives) await new Promise((r) => setTimeout(r, 500));
  }
  site.sim.faults.configure({});
  await site.queue.idle();
  const after = memory();
  const heapGrowthMb = (after.heap - before.heap) / 1024 / 1024;
  report(site, stats, loadMs, before, after, unfinished);
  console.info(
    `heap bound: grew ${heapGrowthMb.toFixed(1)} MB, bound ${HEAP_GROWTH_MB} MB: ${heapGrowthMb > HEAP_GROWTH_MB ? 'EXCEEDED' : 'within'}`,
  );
  await site.close();
  if (stats.unexpected.length > 0 || unfinished.size > 0 || heapGrowthMb > HEAP_GROWTH_MB) process.exitCode = 1;
}

function report(
  site: LocalSite,
  stats: Stats,
  loadMs: number,
  before: { heap: number; rss: number },
  after: { heap: number; rss: number },
  unfinished: Set<string>,
): void {
  const reqs = site.sim.meter.requests;
  const injected = {
    throttled: reqs.filter((r) => r.status === 429).length,
    serverErrors: reqs.filter((r) => r.status >= 500).length,
    resets: reqs.filter((r) => r.status === 0).length,
    lostResponses: reqs.filter((r) => r.lost).length,
  };
  const sorted = [...stats.durations].sort((a, b) => a - b);
  const pct = (p: number) => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(0);
  const out = console.info;
  out(`soak: ${CONCURRENCY} concurrent workers for ${(loadMs / 1000).toFixed(1)} s on ${USERS} users`);
  out(
    `invokes: ${stats.invokes} (p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms); status polls after the load, not counted: ${stats.polls}`,
  );
  out(`outcomes: ${JSON.stringify(Object.fromEntries(stats.outcomes))}`);
  out('per key (invokes: outcomes):');
  for (const [key, n] of [...stats.byKey].sort((a, b) => b[1] - a[1]))
    out(`  ${key}: ${n} ${JSON.stringify(Object.fromEntries(stats.keyOutcomes.get(key) ?? []))}`);
  out(
    `Jira requests: ${reqs.length}; injected: ${JSON.stringify(injected)}; queue deliveries: ${site.queue.deliveries.length}`,
  );
  out(`errors beyond the injected ones: ${stats.unexpected.length}`);
  for (const e of stats.unexpected.slice(0, 15)) out(`  - ${e}`);
  out(
    `memory: heap ${mb(before.heap)} → ${mb(after.heap)}, rss ${mb(before.rss)} → ${mb(after.rss)} (the in-process site now holds ${site.kvs.keys().length} KVS entries and ${reqs.length} metered requests)`,
  );
  out(
    `bulk jobs: ${stats.jobs.length} created, ${stats.jobs.length - unfinished.size} completed${unfinished.size ? `, ${unfinished.size} NOT completed` : ''}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
