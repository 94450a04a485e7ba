/**
 * `npm run bench:fleet`: a fleet of installations of the app on ONE Tier-1 points pool (and, for
 * comparison, the same fleet at Tier 2, a pool per site), over two simulated days in seconds of wall time.
 *
 * REAL: the app's points governor (src/jira/transport/governor.ts, one instance per container, two
 * containers per installation — the resolver's and the consumers' — sharing one record as KVS would) decides
 * every background request, and it reads the pool only from `RateLimit-Policy` / `RateLimit` headers in the
 * published format, parsed by the app's own parser; the crawl's request sizes are the app's (USERS_PAGE).
 * SIMULATED (bench/fleet-model.ts): the clock, the sites and their people, what each request costs (the
 * published points model), the pools (reset at the top of each UTC hour, every request refused once spent),
 * and the work itself: no Jira, no KVS, no queue; a consumer "waits on the queue" by sleeping on the
 * simulated clock for the governor's `delaySeconds`. Freshness model (coordinated with the index work):
 * an installed site's index is kept fresh by Jira's user events (patched within seconds, free of points),
 * reconciled weekly at Tier 1 and daily at Tier 2 by a crawl; a site installed during the day is fresh
 * once its initial build is done.
 *
 * Prints a table per tier and, as its LAST line, one JSON object; writes the figures into README.md between
 * `<!-- fleet:begin -->` and `<!-- fleet:end -->` (FLEET_README=0 to skip). FLEET_SITES, FLEET_SEED; FLEET_OTHER_SEEDS
 * (default 1..8, `none` to skip) re-runs Tier 1 with other fleets and prints each one's slowest fresh index.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Governor, type PoolView, type PoolViewStore } from '../src/jira/transport/governor';
import type { HeaderSource } from '../src/jira/transport/rate-limit-headers';
import {
  DAY,
  HOUR,
  bulkWork,
  crawlWork,
  healthWork,
  makeFleet,
  pickAction,
  rng,
  sessions,
  type Site,
  type Work,
} from './fleet-model';
import { PointsBank } from '../local/jira-sim/quota';
import { FleetPool, tenantQuota, GLOBAL_APP_QUOTA } from './fleet-pool';

const SITES = Number(process.env.FLEET_SITES ?? 50);
const SEED = Number(process.env.FLEET_SEED ?? 18);
const NEW_INSTALLS = Math.max(1, Math.round(SITES / 10));
const DAYS = 2;
/** The simulation starts on Monday 2026-12-07, 00:00 UTC. */
const EPOCH = Date.parse('2026-12-07T00:00:00Z');
/** Background requests one installation's consumer makes per simulated second (~100 ms Jira + KVS). */
const BACKGROUND_PER_SECOND = 3;
const SESSIONS_PER_ADMIN_DAY = 2;
const BULK_SHARE_OF_SESSIONS = 0.05;

type Kind = 'build' | 'reconcile' | 'health' | 'bulk';
interface Job {
  kind: Kind;
  work: Work;
  next: number;
  queuedAt: number;
}
interface Installation {
  site: Site;
  key: string;
  store: Map<string, PoolView>;
  resolver: Governor;
  consumer: Governor;
  jobs: Job[];
  wakeAt: number;
  freshAt?: number;
}

interface TierResult {
  tier: 1 | 2;
  installations: number;
  interactiveActions: number;
  interactiveDeniedByQuota: number;
  backgroundRequests: number;
  backgroundHeldByReserve: number;
  backgroundDeniedByQuota: number;
  maxHoursToFreshIndex: number;
  newSitesFresh: string;
  /** Reconciliations (deferrable) finished of those started, and the slowest finished one's hours. */
  reconciliations: { started: number; finished: number; slowestHours: number };
  poolUsedShare: number;
  peakHourInteractivePoints: number;
  lowestShareSeenByPeople: number;
  lowestShareLeftByBackground: number;
  bySize: Array<{
    bucket: string;
    sites: number;
    backgroundPoints: number;
    interactivePoints: number;
    hoursToFresh: string;
  }>;
}

function headerSource(h: Record<string, string>): HeaderSource {
  const lower = new Map(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

function memoryStore(map: Map<string, PoolView>): PoolViewStore {
  return {
    load: async (i) => map.get(i),
    save: async (i, v) => void map.set(i, v),
  };
}

async function simulate(tier: 1 | 2, seed = SEED): Promise<TierResult> {
  const sites = makeFleet(SITES, seed, NEW_INSTALLS);
  const random = rng(seed * 7);
  const jitter = rng(seed * 11 + tier);
  let now = EPOCH;
  const clock = () => now;
  const bank = new PointsBank(clock);
  const pools = new Map<number, FleetPool>();
  const globalPool = FleetPool.tier1(bank);
  const poolOf = (s: Site) => {
    if (tier === 1) return globalPool;
    let p = pools.get(s.id);
    if (!p) pools.set(s.id, (p = FleetPool.tier2(bank, `site-${s.id}`, tenantQuota(s.edition, s.users))));
    return p;
  };
  const fleet: Installation[] = sites.map((site) => {
    const store = new Map<string, PoolView>();
    const make = () => new Governor({ store: memoryStore(store), now: clock, random: jitter });
    return { site, key: `site-${site.id}`, store, resolver: make(), consumer: make(), jobs: [], wakeAt: 0 };
  });

  // People: every administrator's sessions, each a run of actions ~20-60 s apart.
  const actions: Array<{ at: number; inst: Installation; work: Work }> = [];
  for (const inst of fleet)
    for (let day = 0; day < DAYS; day += 1)
      for (let a = 0; a < inst.site.admins; a += 1)
        for (const start of sessions(inst.site, day, random, SESSIONS_PER_ADMIN_DAY)) {
          const installed = inst.site.installedAt ?? Number.NEGATIVE_INFINITY;
          if (start < installed) continue;
          const count = 5 + Math.floor(random() * 16);
          let at = start;
          for (let k = 0; k < count; k += 1, at += 20_000 + random() * 40_000)
            actions.push({ at: EPOCH + at, inst, work: pickAction(random) });
          if (random() < BULK_SHARE_OF_SESSIONS) {
            const items = Math.round(20 * Math.pow(100, random()));
            actions.push({ at: EPOCH + at, inst, work: [-1, items] }); // marker: start a bulk job
          }
        }
  actions.sort((x, y) => x.at - y.at);

  // Daily triggers (at the install time of day) and today's installs.
  const triggers: Array<{ at: number; inst: Installation; kind: Kind }> = [];
  for (const inst of fleet) {
    const s = inst.site;
    if (s.installedAt !== undefined) triggers.push({ at: EPOCH + s.installedAt, inst, kind: 'build' });
    for (let day = 0; day < DAYS; day += 1) {
      const at = day * DAY + s.triggerAt;
      if (s.installedAt !== undefined && at <= s.installedAt) continue;
      triggers.push({ at: EPOCH + at, inst, kind: 'health' });
      if (tier === 2 || day % 7 === s.reconcileDay) triggers.push({ at: EPOCH + at, inst, kind: 'reconcile' });
    }
  }
  triggers.sort((x, y) => x.at - y.at);

  const reconciles = { started: 0, finished: 0, slowestHours: 0 };
  const enqueue = (inst: Installation, kind: Kind, work: Work) => {
    inst.jobs.push({ kind, work, next: 0, queuedAt: now });
    if (kind === 'reconcile') reconciles.started += 1;
    inst.wakeAt = Math.min(inst.wakeAt || now, now);
  };
  const pointsBySite = new Map<number, { bg: number; people: number }>();
  const spend = (s: Site) =>
    pointsBySite.get(s.id) ??
    (pointsBySite.set(s.id, { bg: 0, people: 0 }).get(s.id) as { bg: number; people: number });
  const result = { interactive: 0, deniedPeople: 0, bgRequests: 0, held: 0, deniedBg: 0, lowest: 1, lowestAfterBg: 1 };
  const hourlyPeople = new Map<number, number>();
  const answer = async (gov: Governor, inst: Installation, pool: FleetPool, cost: number): Promise<boolean> => {
    if (pool.exhausted()) {
      await gov.observe(inst.key, 429, headerSource(pool.refusalHeaders()), pool.secondsToReset() * 1000);
      return false;
    }
    pool.charge(cost, now);
    await gov.observe(inst.key, 200, headerSource(pool.headers()));
    return true;
  };

  let ai = 0;
  let ti = 0;
  const end = EPOCH + DAYS * DAY;
  for (now = EPOCH; now < end; now += 1000) {
    for (; ti < triggers.length && (triggers[ti]?.at ?? end) <= now; ti += 1) {
      const { inst, kind } = triggers[ti] as (typeof triggers)[number];
      const users = inst.site.users;
      enqueue(inst, kind, kind === 'health' ? healthWork(users) : crawlWork(users));
    }
    for (; ai < actions.length && (actions[ai]?.at ?? end) <= now; ai += 1) {
      const { inst, work } = actions[ai] as (typeof actions)[number];
      if (work[0] === -1) {
        enqueue(inst, 'bulk', bulkWork(work[1] ?? 0, Math.min(inst.site.users, 500)));
        continue;
      }
      const pool = poolOf(inst.site);
      result.interactive += 1;
      result.lowest = Math.min(result.lowest, pool.remaining() / pool.quota);
      let refused = false;
      for (const cost of work) {
        if (!(await answer(inst.resolver, inst, pool, cost))) refused = true;
        else {
          spend(inst.site).people += cost;
          const hour = Math.floor((now - EPOCH) / HOUR);
          hourlyPeople.set(hour, (hourlyPeople.get(hour) ?? 0) + cost);
        }
      }
      if (refused) result.deniedPeople += 1;
    }
    for (const inst of fleet) {
      if (inst.jobs.length === 0 || inst.wakeAt > now) continue;
      const pool = poolOf(inst.site);
      for (let k = 0; k < BACKGROUND_PER_SECOND && inst.jobs.length > 0; k += 1) {
        const job = inst.jobs[0] as Job;
        const admission = await inst.consumer.admitBackground(
          inst.key,
          job.kind === 'reconcile' ? 'deferrable' : 'normal',
          job.work[job.next] as number, // its points, as the app's executor passes expectedPoints
        );
        if (!admission.admitted) {
          result.held += 1;
          inst.wakeAt = now + admission.delaySeconds * 1000;
          break;
        }
        const cost = job.work[job.next] as number;
        result.bgRequests += 1;
        if (!(await answer(inst.consumer, inst, pool, cost))) {
          result.deniedBg += 1;
          inst.wakeAt = now + Math.min(pool.secondsToReset(), 900) * 1000;
          break;
        }
        spend(inst.site).bg += cost;
        result.lowestAfterBg = Math.min(result.lowestAfterBg, pool.remaining() / pool.quota);
        job.next += 1;
        if (job.next >= job.work.length) {
          inst.jobs.shift();
          if (job.kind === 'build') inst.freshAt = now;
          if (job.kind === 'reconcile') {
            reconciles.finished += 1;
            reconciles.slowestHours = Math.max(reconciles.slowestHours, round1((now - job.queuedAt) / HOUR));
          }
        }
      }
    }
  }

  const day0Used =
    tier === 1
      ? globalPool.usedBetween(EPOCH, EPOCH + DAY)
      : [...pools.values()].reduce((s, p) => s + p.usedBetween(EPOCH, EPOCH + DAY), 0);
  const day0Quota =
    (tier === 1 ? GLOBAL_APP_QUOTA : sites.reduce((s, x) => s + tenantQuota(x.edition, x.users), 0)) * 24;
  const hoursToFresh = (inst: Installation) =>
    inst.site.installedAt === undefined ? 0 : ((inst.freshAt ?? end) - (EPOCH + inst.site.installedAt)) / HOUR;
  const newOnes = fleet.filter((i) => i.site.installedAt !== undefined);
  const buckets: Array<[string, number, number]> = [
    ['50–999', 0, 1000],
    ['1k–9.9k', 1000, 10_000],
    ['10k–99k', 10_000, 100_000],
    ['100k', 100_000, Infinity],
  ];
  return {
    tier,
    installations: fleet.length,
    interactiveActions: result.interactive,
    interactiveDeniedByQuota: result.deniedPeople,
    backgroundRequests: result.bgRequests,
    backgroundHeldByReserve: result.held,
    backgroundDeniedByQuota: result.deniedBg,
    maxHoursToFreshIndex: round1(Math.max(0, ...fleet.map(hoursToFresh))),
    reconciliations: reconciles,
    newSitesFresh: `${newOnes.filter((i) => i.freshAt !== undefined).length}/${newOnes.length}`,
    poolUsedShare: round3(day0Used / day0Quota),
    peakHourInteractivePoints: Math.max(0, ...hourlyPeople.values()),
    lowestShareSeenByPeople: round3(result.lowest),
    lowestShareLeftByBackground: round3(result.lowestAfterBg),
    bySize: buckets.map(([bucket, lo, hi]) => {
      const members = fleet.filter((i) => i.site.users >= lo && i.site.users < hi);
      const fresh = members.filter((i) => i.site.installedAt !== undefined).map((i) => round1(hoursToFresh(i)));
      return {
        bucket,
        sites: members.length,
        backgroundPoints: members.reduce((s, i) => s + (pointsBySite.get(i.site.id)?.bg ?? 0), 0),
        interactivePoints: members.reduce((s, i) => s + (pointsBySite.get(i.site.id)?.people ?? 0), 0),
        hoursToFresh: fresh.length > 0 ? fresh.map((h) => `${h} h`).join(', ') : '–',
      };
    }),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const fmt = (n: number) => n.toLocaleString('en-US');

function table(r: TierResult): string {
  const lines = [
    `Tier ${r.tier} (${r.tier === 1 ? 'one 65,000-point pool for the whole fleet' : 'a pool per site, by edition and users'}):`,
    '',
    '| sites by size | sites | background points | people points | hours to a fresh index (sites installed today) |',
    '| --- | ---: | ---: | ---: | --- |',
    ...r.bySize.map(
      (b) =>
        `| ${b.bucket} | ${b.sites} | ${fmt(b.backgroundPoints)} | ${fmt(b.interactivePoints)} | ${b.hoursToFresh} |`,
    ),
    '',
    `people: ${fmt(r.interactiveActions)} actions, ${r.interactiveDeniedByQuota} refused for the pool; busiest hour ${fmt(r.peakHourInteractivePoints)} points; lowest pool share a person met ${(r.lowestShareSeenByPeople * 100).toFixed(1)} %`,
    `background: ${fmt(r.backgroundRequests)} requests, ${fmt(r.backgroundHeldByReserve)} holds at the reserve (waits on the queue), ${r.backgroundDeniedByQuota} refused for the pool; lowest pool share after a background request ${(r.lowestShareLeftByBackground * 100).toFixed(1)} %`,
    `pool used on day 1: ${(r.poolUsedShare * 100).toFixed(1)} %; sites installed today fresh by the end: ${r.newSitesFresh}, slowest ${r.maxHoursToFreshIndex} h`,
    `reconciliations (deferrable, they go after first builds, bulk jobs and health checks): ${r.reconciliations.finished} of ${r.reconciliations.started} started finished within the two days, slowest ${r.reconciliations.slowestHours} h`,
  ];
  return lines.join('\n');
}

const MODEL = [
  "**What is real and what is simulated.** Real: the app's points governor (`src/jira/transport/governor.ts`, one per",
  'container, a resolver container and a consumer container per installation sharing one record as KVS would) decides',
  'every background request, reading the pool only from `RateLimit-Policy` / `RateLimit` headers made by the',
  "simulator's own header code and parsed by the app's parser; pools are the simulator's (`PointsBank`, Tier 1 shared",
  'by all, Tier 2 per site by edition and users, reset at the top of each UTC hour, every request refused once spent);',
  "request sizes of the crawl are the app's (`USERS_PAGE`, member pages of 50, emails 100 a request). Simulated: the",
  'clock (1 s steps, two days), the sites (3 of 100,000 users, the rest log-uniform from 50 to 100,000; time zones;',
  "daily triggers at each install's time of day), their administrators (1 + users / 10,000 each, about 2 sessions a",
  'working day of 5–20 actions 20–60 s apart, in local working hours; 5 % of sessions start a bulk job of 20–2,000',
  'items), daily health checks, the work itself (lists of requests priced by the published model; no Jira, no KVS,',
  'no queue: a held consumer waits its `delaySeconds` on the simulated clock, 3 background requests a second).',
  "Freshness model (coordinated with the index work): an installed site's index is kept fresh by Jira's user",
  'events (patched within seconds, no points) and reconciled by a crawl weekly at Tier 1 and daily at Tier 2',
  "(deferrable: the governor's line for it is 20 % above normal work's, so it goes after first builds, bulk jobs",
  'and health checks); a site installed during the day is fresh once its first build (normal priority) is done.',
].join('\n');

async function main(): Promise<void> {
  const started = performance.now();
  const t1 = await simulate(1);
  const t2 = await simulate(2);
  const header = `bench:fleet: ${SITES} installations (seed ${SEED}; 3 of 100,000 users, the rest 50–100,000 log-uniform), ${NEW_INSTALLS} installed during day 1 (one of 100,000), ${DAYS} simulated days in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  // The same at Tier 1 for other fleets (other seeds): how much the headline depends on this one fleet.
  const otherSeeds =
    process.env.FLEET_OTHER_SEEDS === 'none'
      ? []
      : (process.env.FLEET_OTHER_SEEDS ?? '1,2,3,4,5,6,7,8').split(',').map(Number).filter(Number.isFinite);
  const others: Array<{ seed: number; r: TierResult }> = [];
  for (const seed of otherSeeds) others.push({ seed, r: await simulate(1, seed) });
  const sweep =
    others.length === 0
      ? ''
      : `\n\nOther fleets at Tier 1 (seeds ${otherSeeds.join(', ')}): slowest fresh index ${others.map((o) => `${o.r.maxHoursToFreshIndex} h`).join(', ')}; people's actions refused for the pool ${others.map((o) => o.r.interactiveDeniedByQuota).join(', ')}; reconciliations finished ${others.map((o) => `${o.r.reconciliations.finished}/${o.r.reconciliations.started}`).join(', ')}.`;
  const before =
    SEED === 18 && SITES === 50
      ? '\n\nBefore (36189e0: a reconciliation on the same line as first builds, requests admitted without their points): Tier 1 slowest fresh index 30.7 h, pool used on day 1 61.6 %, 11,208 holds; Tier 2 slowest 0.3 h.'
      : '';
  const body = [header, '', table(t1), '', table(t2)].join('\n') + before + sweep;
  const summary = {
    installations: t1.installations,
    interactiveDeniedByQuota: t1.interactiveDeniedByQuota,
    backgroundDeniedByQuota: t1.backgroundDeniedByQuota,
    backgroundHeldByReserve: t1.backgroundHeldByReserve,
    maxHoursToFreshIndex: t1.maxHoursToFreshIndex,
    poolUsedShare: t1.poolUsedShare,
    reconciliationsFinished: `${t1.reconciliations.finished}/${t1.reconciliations.started}`,
    otherSeedsMaxHoursToFreshIndex: Math.max(0, ...others.map((o) => o.r.maxHoursToFreshIndex)),
    tier2: {
      interactiveDeniedByQuota: t2.interactiveDeniedByQuota,
      backgroundDeniedByQuota: t2.backgroundDeniedByQuota,
      backgroundHeldByReserve: t2.backgroundHeldByReserve,
      maxHoursToFreshIndex: t2.maxHoursToFreshIndex,
      poolUsedShare: t2.poolUsedShare,
      reconciliationsFinished: `${t2.reconciliations.finished}/${t2.reconciliations.started}`,
    },
  };
  const json = JSON.stringify(summary);
  if (process.env.FLEET_README !== '0') {
    const path = join(__dirname, '..', 'README.md');
    const readme = readFileSync(path, 'utf8');
    const block = `<!-- fleet:begin -->\n\n\`npm run bench:fleet\` (written by the script):\n\n${MODEL}\n\n${body}\n\n\`\`\`json\n${json}\n\`\`\`\n\n<!-- fleet:end -->`;
    const updated = readme.replace(/<!-- fleet:begin -->[\s\S]*<!-- fleet:end -->/, block);
    // Formatted as the repository's prettier check wants it (tables aligned).
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(path, await prettier.format(updated, { ...options, filepath: path }));
  }
  console.info(body);
  console.info(json);
}

void main();
