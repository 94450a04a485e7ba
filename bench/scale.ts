/**
 * The scale bench (issues 12 and 18): for sites of 2k, 20k and 100k users (bench/scale-profile.json), builds the
 * directory index with the app's own background crawl (unpaced here, so the figures come quickly; the
 * points are the same as when paced), then measures each admin action under the profile (latency with
 * jitter, per-endpoint burst limits, the hourly points pool): every Jira request the action made (permission
 * checks and 429s included), points, wall time, and app / minimum, where each action's minimum is defined
 * from Jira's API and what the page shows (bench/scale-table.ts), never from the requests the app made;
 * naive / app is what the previous implementation's request pattern costs at that size. Then 5,000 bulk adds
 * (`SCALE_BULK_N`, `SCALE_BULK_RATE`) against N / rate. Prints the Markdown tables plus the crawl's points
 * per day; `-- --write` also puts the tables into the README (between the `scale` markers).
 * `npm run bench:scale` (or `SCALE_SIZES=2000 SCALE_BULK_N=1000`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  BulkPreview,
  DeskCustomersPage,
  Envelope,
  GroupMembersPage,
  ResolvedIdentifier,
  UserPage,
  UserRow,
} from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { benchKvsLimits } from './kvs-limits';
import { startLocalSite, type LocalSite } from '../local/local-site';
import type { CrawlState } from '../src/features/directory-index/directory-store';
import { POINTS_PER_OBJECT } from '../local/jira-sim/points';
import { kvsFigures, measureBulk, PUBLISHED_RATE } from './bulk';
import {
  bulkTable,
  minimumLookups,
  minimumPage,
  minimumPastedEmails,
  scaleTable,
  userRead,
  writeReadmeScale,
  type BulkFigures,
  type Minimum,
  type ScaleRow,
} from './scale-table';

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

function loadProfile(): Profile {
  return JSON.parse(readFileSync(join(__dirname, 'scale-profile.json'), 'utf8')) as Profile;
}

/**
 * How long the crawl may take before the bench stops with what it waits for (`SCALE_CRAWL_LIMIT_S`, default
 * 900 s: with the pool off it never has to wait on the queue, and 100k users take about a minute here).
 */
const CRAWL_LIMIT_MS = Number(process.env.SCALE_CRAWL_LIMIT_S ?? 900) * 1000;

/** Waits for the crawl's queue to drain; past CRAWL_LIMIT_MS, fails with the checkpoint and the pending events. */
async function crawlFinished(site: LocalSite, users: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waitingOn = {
        crawl: site.kvs.peek('dir:crawl'),
        pool: site.kvs.peek('governor:pool'),
        pending: site.queue.pending(),
        consumerErrors: site.queue.consumerErrors.slice(-5),
        dropped: site.queue.dropped.length,
      };
      const s = CRAWL_LIMIT_MS / 1000;
      reject(
        new Error(`crawl at ${users} users not finished after ${s} s: ${JSON.stringify(waitingOn).slice(0, 4000)}`),
      );
    }, CRAWL_LIMIT_MS);
  });
  try {
    await Promise.race([site.queue.idle(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}

async function benchSize(
  users: number,
  profile: Profile,
): Promise<{ rows: ScaleRow[]; crawl: CrawlState; crawlMeter: { requests: number; points: number }; seedMs: number }> {
  const seedStart = performance.now();
  const site: LocalSite = await startLocalSite({ seed: { users }, ...benchKvsLimits({ published: true }) });
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
  await crawlFinished(site, users);
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
  const rows: ScaleRow[] = [];
  const PERMISSION_CHECKS = new Set(['/rest/api/3/mypermissions', '/rest/api/3/myself']);
  /** Runs one action and counts every request it made; its minimum comes from what it showed (`minimum`). */
  const measure = async <T>(
    action: string,
    run: () => Promise<T>,
    minimum: (shown: T) => Minimum,
    naivePoints?: number,
  ): Promise<T> => {
    site.sim.meter.reset();
    const started = performance.now();
    const shown = await run();
    const ms = performance.now() - started;
    const jira = site.sim.meter.requests;
    if (process.env.SCALE_DEBUG)
      console.info(
        action,
        jira.map((r) => `${r.method} ${r.endpoint} ${r.status} ${r.points}`),
      );
    rows.push({
      action,
      requests: jira.length,
      permissionChecks: jira.filter((r) => PERMISSION_CHECKS.has(r.endpoint)).length,
      limited: jira.filter((r) => r.status === 429).length,
      points: jira.reduce((n, r) => n + r.points, 0),
      ms,
      min: minimum(shown),
      naivePoints,
    });
    return shown;
  };
  /** Rows whose email Jira hides (app accounts have none to look up), from the site itself. */
  const hiddenIn = (shown: UserRow[]) =>
    shown.filter((r) => {
      const u = state.users.get(r.accountId);
      return u !== undefined && u.accountType !== 'app' && !u.emailVisible;
    }).length;
  const pageOf = (shown: UserRow[]) => minimumPage(shown.length, hiddenIn(shown));
  const groups = state.groups.size;
  const desks = state.serviceDesks.size;

  // 1. Page open: site summary (from the index: no Jira request) + the first page of users.
  await measure(
    'open the page (summary + first 50 users)',
    async () => {
      await invoke('getSiteSummary');
      return (await invoke<UserPage>('listUsers', {})).users;
    },
    pageOf,
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
      return page.users;
    };
    if (n === 1 || n === 20) await measure(label, run, pageOf);
    else await run();
  }
  // 3. Sparse filter: app accounts.
  await measure(
    'type filter: app accounts',
    async () => (await invoke<UserPage>('listUsers', { filters: { accountType: 'app' } })).users,
    pageOf,
    Math.ceil(all.length / 1000) + U * all.length, // scanning every user for a handful
  );
  // 4. Search page of 50 by name.
  await measure(
    'search "a", page of 50',
    async () => (await invoke<UserPage>('listUsers', { query: 'a' })).users,
    pageOf,
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
      () => minimumPastedEmails(people.length),
      Math.ceil(all.length / 1000) + U * all.length + Math.ceil(nonApp / 100) + U * nonApp,
    );
  }
  // 6. User panel, group member page, customers page.
  const hidden = all.find((u) => u.accountType === 'atlassian' && !u.emailVisible && u.active);
  await measure(
    'user panel (hidden email)',
    () => invoke('getUserDetails', { accountId: hidden?.accountId }),
    // The user with groups and products (one `GET user`), plus its hidden email.
    () => ({ requests: 2, points: 2 * userRead(1) }),
    2 * (1 + U),
  );
  // The Groups tab opens on all groups (no search text); the admin opens one of them.
  const listed = await invoke<{ groups: Array<{ groupId: string }> }>('searchGroups', {});
  const team = listed.groups.find((g) => (state.groups.get(g.groupId)?.members.size ?? 0) >= 50) ?? listed.groups[0];
  await measure(
    'group member page (after opening the Groups tab)',
    async () => (await invoke<GroupMembersPage>('listGroupMembers', { groupId: team?.groupId })).members,
    pageOf,
  );
  rows[rows.length - 1]!.naivePoints = rows[rows.length - 1]!.points + (1 + G) + 4; // group lookup + roles, every time
  await invoke('listServiceDesks');
  const desk = [...state.serviceDesks.values()][0];
  await measure(
    'customers page (after desk list)',
    async () => (await invoke<DeskCustomersPage>('listDeskCustomers', { deskId: desk?.id })).customers,
    pageOf,
  );
  rows[rows.length - 1]!.naivePoints = rows[rows.length - 1]!.points + 2; // the desk fetched again
  // The desk-add preview of 200 pasted people: a preview needs only their lookups.
  const pasted = all
    .filter((u) => u.accountType !== 'app' && !desk?.customers.has(u.accountId))
    .filter((_, i) => i % 7 === 0)
    .slice(0, 200)
    .map((u) => u.accountId);
  if (desk?.customers.size) pasted.splice(0, 1, [...desk.customers][0] as string); // one already a customer
  await measure(
    'desk-add preview, 200 pasted people',
    () =>
      invoke<BulkPreview>('previewBulkJob', {
        operation: 'add-customers-to-desk',
        deskId: desk?.id,
        accountIds: pasted,
      }),
    () => minimumLookups(pasted.length, pasted.filter((id) => state.users.has(id)).length),
    // Before: the desk's whole customer list, 50 a request (up to the preview's budget of 40 requests).
    Math.ceil(pasted.length / 100) +
      U * pasted.length +
      Math.min(40, Math.ceil((desk?.customers.size ?? 0) / 50)) +
      U * Math.min(2000, desk?.customers.size ?? 0),
  );
  await site.close();
  return { rows, crawl, crawlMeter, seedMs };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function runScaleBench(): Promise<void> {
  const profile = loadProfile();
  const sizes = process.env.SCALE_SIZES ? process.env.SCALE_SIZES.split(',').map(Number) : profile.sizes;
  const bulkN = Number(process.env.SCALE_BULK_N ?? 5000);
  const bulkRate = Number(process.env.SCALE_BULK_RATE ?? PUBLISHED_RATE);
  const intro = `Latency ${profile.latencyMs}+${profile.jitterMs} ms, burst ${profile.burstPerSecond ? `${profile.burstPerSecond}/s` : 'as published'}, pool ${fmt(profile.pointsPerHour)} points/h; measured ${new Date().toISOString().slice(0, 10)}.`;
  console.info(`\nScale bench: ${intro}`);
  const tables: string[] = [];
  const crawlLines: string[] = [];
  for (const users of sizes) {
    const { rows, crawl, crawlMeter, seedMs } = await benchSize(users, profile);
    const table = scaleTable(users, rows);
    console.info(`\n(seeded in ${fmt(seedMs)} ms)\n\n${table}`);
    tables.push(table);
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
  let bulk: BulkFigures | undefined;
  if (bulkN > 0) {
    const r = await measureBulk(bulkN, bulkRate);
    bulk = {
      n: bulkN,
      rate: bulkRate,
      ms: r.ms,
      requests: r.requests,
      permissionChecks: r.permissionChecks,
      limited: r.limited,
      points: r.points,
      outcome: `${r.status}, ${r.applied} of ${bulkN} in Jira, ${r.counts.failed} failed; KVS under Forge's limits: ${kvsFigures(r.kvs)}`,
    };
    console.info(`\n${bulkTable(bulk)}`);
  }
  if (process.argv.includes('--write')) {
    const markdown = [intro, ...tables, ...(bulk ? [bulkTable(bulk)] : [])].join('\n\n');
    if (await writeReadmeScale(markdown)) console.info('README.md: scale tables updated.');
    else {
      console.error('README.md has no scale markers.');
      process.exitCode = 1;
    }
  }
}

if (require.main === module) void runScaleBench();
