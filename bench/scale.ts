/**
 * The scale bench (issue 12): for sites of 2k, 20k and 100k users (bench/scale-profile.json), builds the
 * directory index with the app's own background crawl (unpaced here, so the figures come quickly; the
 * points are the same as when paced), then measures each admin action under the profile (latency with
 * jitter, per-endpoint burst limits, the hourly points pool): Jira requests, points, wall time, app /
 * minimum (the requests and points the action cannot do without) and naive / app (what the previous
 * implementation's request pattern costs at that size, computed from the directory's size). Prints one
 * Markdown table per size plus the crawl's points per day. `npm run bench:scale` (or `SCALE_SIZES=2000`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope, GroupMembersPage, ResolvedIdentifier, UserPage } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { benchKvsLimits } from './kvs-limits';
import { startLocalSite, type LocalSite } from '../local/local-site';
import type { CrawlState } from '../src/features/directory-index/directory-store';
import { POINTS_PER_OBJECT } from '../local/jira-sim/points';

/** Jira's published price per user or group returned (1 a request on top): local/jira-sim/points.ts. */
const U = POINTS_PER_OBJECT.user;
const G = POINTS_PER_OBJECT.group;

interface Profile {
  latencyMs: number;
  jitterMs: number;
  pointsPerHour: number;
  /** Optional overrides of the published burst limits (the simulator's defaults). */
  burstPerSecond?: number;
  burstPerEndpoint?: Record<string, number>;
  sizes: number[];
  crawlPointsPerHour: number;
}

const ADMIN = NAMED_USERS.siteAdmin.accountId;

interface Row {
  action: string;
  requests: number;
  points: number;
  ms: number;
  minRequests: number;
  minPoints: number;
  naivePoints?: number;
}

function loadProfile(): Profile {
  return JSON.parse(readFileSync(join(__dirname, 'scale-profile.json'), 'utf8')) as Profile;
}

async function benchSize(
  users: number,
  profile: Profile,
): Promise<{ rows: Row[]; crawl: CrawlState; crawlMeter: { requests: number; points: number }; seedMs: number }> {
  const seedStart = performance.now();
  const site: LocalSite = await startLocalSite({ seed: { users }, ...benchKvsLimits() });
  const seedMs = performance.now() - seedStart;
  const invoke = async <T>(key: string, payload: unknown = {}) => {
    const res = (await site.host.invoke(key, payload, ADMIN)) as Envelope<T>;
    if (!res.ok) throw new Error(`${key}: ${res.error.message}`);
    return res.data;
  };
  // The crawl: without latency and with the pool unenforced (a crawl of a large site spends more than an
  // hour's pool, and the governor would hold it until the reset), so the bench stays short. Its points are
  // Jira's, read from the simulator's meter (the app's own count is its estimate).
  site.sim.rateLimiter.configure({ pointsPerHour: 0 });
  site.sim.meter.reset();
  await invoke('refreshSiteSummary');
  await site.queue.idle();
  const crawl = site.kvs.peek('dir:crawl') as CrawlState;
  if (crawl.phase !== 'done') throw new Error(`crawl did not finish at ${users} users: ${JSON.stringify(crawl)}`);
  const crawlRequests = site.sim.meter.requests.filter((r) => r.principal === 'app');
  const crawlMeter = { requests: crawlRequests.length, points: crawlRequests.reduce((n, r) => n + r.points, 0) };

  site.sim.faults.configure({ latencyMs: profile.latencyMs, jitterMs: profile.jitterMs, seed: 11 });
  // A fresh hour of the pool and the published burst limits (unless the profile overrides them).
  site.sim.rateLimiter.configure({
    pointsPerHour: profile.pointsPerHour,
    ...(profile.burstPerSecond !== undefined ? { burstPerSecond: profile.burstPerSecond } : {}),
    ...(profile.burstPerEndpoint ? { burstPerEndpoint: profile.burstPerEndpoint } : {}),
  });
  await invoke('listProducts'); // permission check and roles warm, as after any first page view
  const state = site.sim.state;
  const all = [...state.users.values()];
  const nonApp = all.filter((u) => u.accountType !== 'app').length;
  const rows: Row[] = [];
  const measure = async (
    action: string,
    run: () => Promise<unknown>,
    minimum: (jira: Array<{ endpoint: string; points: number }>) => { requests: number; points: number },
    naivePoints?: number,
  ) => {
    site.sim.meter.reset();
    const started = performance.now();
    await run();
    const ms = performance.now() - started;
    const jira = site.sim.meter.requests.filter((r) => r.endpoint !== '/rest/api/3/mypermissions' && r.status < 400);
    const min = minimum(jira);
    rows.push({
      action,
      requests: jira.length,
      points: jira.reduce((n, r) => n + r.points, 0),
      ms,
      minRequests: min.requests,
      minPoints: min.points,
      naivePoints,
    });
  };
  /** The listing request itself plus one email lookup for hidden emails: what any page of users needs. */
  const pageMinimum = (listing: string) => (jira: Array<{ endpoint: string; points: number }>) => {
    const list = jira.find((r) => r.endpoint === listing);
    const emails = jira.find((r) => r.endpoint === '/rest/api/3/user/email/bulk');
    return { requests: 1 + (emails ? 1 : 0), points: (list?.points ?? 0) + (emails?.points ?? 0) };
  };
  const groups = state.groups.size;
  const desks = state.serviceDesks.size;

  // 1. Page open: site summary + the first page of users.
  await measure(
    'open the page (summary + first 50 users)',
    async () => {
      await invoke('getSiteSummary');
      await invoke<UserPage>('listUsers', {});
    },
    (jira) => {
      const page = pageMinimum('/rest/api/3/users/search')(jira);
      // The summary's one request (whatever it returns) is part of the minimum.
      const summary = jira.find(
        (r) => r.endpoint !== '/rest/api/3/users/search' && r.endpoint !== '/rest/api/3/user/email/bulk',
      );
      return { requests: page.requests + 1, points: page.points + (summary?.points ?? 2) };
    },
    // Before: the summary walked every user, group and desk on each open.
    Math.ceil(all.length / 1000) +
      U * all.length +
      Math.ceil(groups / 50) +
      G * groups +
      1 +
      desks +
      2 +
      (1 + U * 50) +
      U * 50,
  );
  // 2. Product filter: the first and the 20th page.
  let cursor: string | undefined;
  for (let n = 1; n <= 20; n += 1) {
    const label = `product filter, page ${n}`;
    const run = async () => {
      const page = await invoke<UserPage>('listUsers', { filters: { product: 'jira-software' }, cursor });
      cursor = page.nextCursor;
    };
    if (n === 1 || n === 20) await measure(label, run, pageMinimum('/rest/api/3/user/bulk'));
    else await run();
  }
  // 3. Sparse filter: app accounts.
  await measure(
    'type filter: app accounts',
    () => invoke<UserPage>('listUsers', { filters: { accountType: 'app' } }),
    pageMinimum('/rest/api/3/user/bulk'),
    Math.ceil(all.length / 1000) + U * all.length, // scanning every user for a handful
  );
  // 4. Search page of 50 by name.
  await measure(
    'search "a", page of 50',
    () => invoke<UserPage>('listUsers', { query: 'a' }),
    pageMinimum('/rest/api/3/user/search'),
  );
  // 5. Pasted emails: 200 and 2,000 (a fifth of them hidden or inactive, spread across the directory).
  for (const count of [200, 2000]) {
    const step = Math.max(1, Math.floor(nonApp / count));
    const people = all
      .filter((u) => u.accountType !== 'app')
      .filter((_, i) => i % step === 0)
      .slice(0, count);
    await measure(
      `resolve ${count.toLocaleString('en-US')} pasted emails`,
      async () => {
        const rows = await invoke<ResolvedIdentifier[]>('resolveIdentifiers', {
          text: people.map((u) => u.email).join('\n'),
        });
        const missing = rows.filter((r) => !r.accountId).length;
        if (missing > 0) throw new Error(`${missing} of ${count} emails did not resolve at ${users} users`);
      },
      () => ({
        requests: 2 * Math.ceil(people.length / 100),
        points: 2 * Math.ceil(people.length / 100) + 2 * U * people.length,
      }),
      Math.ceil(all.length / 1000) + U * all.length + Math.ceil(nonApp / 100) + U * nonApp,
    );
  }
  // 6. User panel, group member page, customers page.
  const hidden = all.find((u) => u.accountType === 'atlassian' && !u.emailVisible && u.active);
  await measure(
    'user panel (hidden email)',
    () => invoke('getUserDetails', { accountId: hidden?.accountId }),
    () => ({ requests: 2, points: 2 * (1 + U) }),
    2 * (1 + U),
  );
  const team = [...state.groups.values()].find((g) => g.name.startsWith('team-'));
  await invoke('searchGroups', { query: 'team' });
  let memberPoints = 0;
  await measure(
    'group member page (after group search)',
    async () => {
      const page = await invoke<GroupMembersPage>('listGroupMembers', { groupId: team?.groupId });
      memberPoints = page.members.length;
    },
    pageMinimum('/rest/api/3/group/member'),
  );
  rows[rows.length - 1]!.naivePoints = rows[rows.length - 1]!.points + (1 + G) + 4; // group lookup + roles, every time
  void memberPoints;
  await invoke('listServiceDesks');
  const desk = [...state.serviceDesks.values()][0];
  await measure(
    'customers page (after desk list)',
    () => invoke('listDeskCustomers', { deskId: desk?.id }),
    // JSM's customer list has no account type: one user/bulk for the page's types is part of the minimum.
    (jira) => {
      const page = pageMinimum('/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer')(jira);
      const types = jira.find((r) => r.endpoint === '/rest/api/3/user/bulk');
      return { requests: page.requests + (types ? 1 : 0), points: page.points + (types?.points ?? 0) };
    },
  );
  rows[rows.length - 1]!.naivePoints = rows[rows.length - 1]!.points + 2; // the desk fetched again
  await site.close();
  return { rows, crawl, crawlMeter, seedMs };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');

export async function runScaleBench(): Promise<void> {
  const profile = loadProfile();
  const sizes = process.env.SCALE_SIZES ? process.env.SCALE_SIZES.split(',').map(Number) : profile.sizes;
  console.info(
    `\nScale bench: latency ${profile.latencyMs}+${profile.jitterMs} ms, burst ${profile.burstPerSecond ? `${profile.burstPerSecond}/s` : 'as published'}, pool ${fmt(profile.pointsPerHour)} points/h`,
  );
  const crawlLines: string[] = [];
  for (const users of sizes) {
    const { rows, crawl, crawlMeter, seedMs } = await benchSize(users, profile);
    console.info(`\n### ${fmt(users)} users (seeded in ${fmt(seedMs)} ms)\n`);
    console.info('| action | requests | points | wall ms | app / minimum (req, pts) | naive / app (pts) |');
    console.info('|---|---:|---:|---:|---|---:|');
    for (const r of rows)
      console.info(
        `| ${r.action} | ${fmt(r.requests)} | ${fmt(r.points)} | ${fmt(r.ms)} | ${ratio(r.requests, r.minRequests)}, ${ratio(r.points, r.minPoints)} | ${r.naivePoints ? ratio(r.naivePoints, r.points) : '–'} |`,
      );
    // Duration at the default pacing: the app paces by its own count of points (crawl.points); Jira charges
    // the meter's.
    const hours = crawl.points / profile.crawlPointsPerHour;
    crawlLines.push(
      `| ${fmt(users)} | ${fmt(crawlMeter.requests)} | ${fmt(crawlMeter.points)} | ${fmt(crawl.points)} | ${((crawlMeter.points / (profile.pointsPerHour * 24)) * 100).toFixed(1)} % | ${hours.toFixed(1)} h |`,
    );
  }
  console.info('\n### Background crawl (daily)\n');
  console.info(
    '| users | requests | points per day (Jira) | points the app counted | share of the daily pool | duration at the default pacing |',
  );
  console.info('|---:|---:|---:|---:|---:|---:|');
  for (const l of crawlLines) console.info(l);
}

if (require.main === module) void runScaleBench();
