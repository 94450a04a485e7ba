/**
 * Quiet-day cost of keeping the directory index fresh (issue 18), in Jira points as the simulator meters
 * them (2 per user or group returned): on a site of QUIET_DAY_USERS users (default 100,000), builds the
 * index, then measures (1) one reconciliation crawl, (2) Jira's user events of a quiet day
 * (QUIET_DAY_EVENTS, default 60: deactivations, new accounts, renames, deletions) delivered to the app's
 * trigger, (3) the daily trigger on a day the reconciliation is not due. Prints the day's cost against the
 * Tier-1 daily pool (65,000 × 24) with the weekly reconciliation averaged over its week.
 * `npx tsx bench/quiet-day.ts` (QUIET_DAY_USERS=20000 for a quicker run).
 */
import type { Envelope } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { startLocalSite } from '../local/local-site';
import { benchKvsLimits } from './kvs-limits';
import type { CrawlState } from '../src/features/directory-index/directory-store';
import { RECONCILE_EVERY_DAYS } from '../src/features/directory-index/reconcile-cadence';

const USERS = Number(process.env.QUIET_DAY_USERS ?? 100_000);
const EVENTS = Number(process.env.QUIET_DAY_EVENTS ?? 60);
const TIER1_DAY = 65_000 * 24;
const ADMIN = NAMED_USERS.siteAdmin.accountId;

async function main(): Promise<void> {
  const t0 = performance.now();
  const site = await startLocalSite({ seed: { users: USERS }, ...benchKvsLimits({ published: true }) });
  const meter = () => {
    const app = site.sim.meter.requests.filter((r) => r.principal === 'app');
    return { requests: app.length, points: app.reduce((n, r) => n + r.points, 0) };
  };
  const invoke = async (key: string) => {
    const res = (await site.host.invoke(key, {}, ADMIN)) as Envelope<unknown>;
    if (!res.ok) throw new Error(`${key}: ${res.error.message}`);
  };
  site.sim.rateLimiter.configure({ pointsPerHour: 0 });
  const crawl = async () => {
    site.sim.meter.reset();
    await invoke('refreshSiteSummary');
    await site.queue.idle();
    const state = site.kvs.peek('dir:crawl') as CrawlState;
    if (state.phase !== 'done') throw new Error('crawl did not finish');
    return meter();
  };
  const build = await crawl(); // the first build
  const reconcile = await crawl();

  // A quiet day's changes made in Atlassian Administration, each a user event the runtime delivers to the app's trigger.
  site.sim.meter.reset();
  const people = [...site.sim.state.users.values()].filter((u) => u.accountType === 'atlassian' && u.active);
  for (let i = 0; i < EVENTS; i += 1) {
    const u = people[(i * 7919) % people.length];
    if (!u) continue;
    if (i % 4 === 0) site.sim.directory.updateUser(u.accountId, { active: false });
    else if (i % 4 === 1)
      site.sim.directory.createUser({ email: `quiet${i}@example.com`, displayName: `Quiet Day ${i}` });
    else if (i % 4 === 2) site.sim.directory.updateUser(u.accountId, { displayName: `${u.displayName} (renamed)` });
    else site.sim.directory.deleteUser(u.accountId);
  }
  await new Promise((r) => setTimeout(r, 50));
  await site.productEvents.idle();
  const events = meter();

  site.sim.meter.reset();
  await site.runScheduledTrigger('daily-directory-crawl');
  await site.queue.idle();
  const trigger = meter();
  await site.close();

  const week = RECONCILE_EVERY_DAYS[1];
  const day = reconcile.points / week + events.points + trigger.points;
  const pct = (n: number) => `${((100 * n) / TIER1_DAY).toFixed(2)} %`;
  console.info(
    `Quiet day at ${USERS.toLocaleString('en-US')} users (Tier 1 pool: ${TIER1_DAY.toLocaleString('en-US')} points a day)`,
  );
  console.info(`| part | requests | points | share of the Tier-1 day |`);
  console.info(`|---|---:|---:|---:|`);
  console.info(
    `| reconciliation crawl (once every ${week} days) | ${reconcile.requests} | ${reconcile.points} | ${pct(reconcile.points)} on its day |`,
  );
  console.info(
    `| the same, averaged over its week | | ${Math.round(reconcile.points / week)} | ${pct(reconcile.points / week)} |`,
  );
  console.info(
    `| ${EVENTS} user events through the trigger | ${events.requests} | ${events.points} | ${pct(events.points)} |`,
  );
  console.info(
    `| daily trigger, reconciliation not due | ${trigger.requests} | ${trigger.points} | ${pct(trigger.points)} |`,
  );
  console.info(`| **a quiet day (average)** | | **${Math.round(day)}** | **${pct(day)}** |`);
  console.info(
    `| a quiet day without the reconciliation | | ${events.points + trigger.points} | ${pct(events.points + trigger.points)} |`,
  );
  console.info(`(${Math.round((performance.now() - t0) / 1000)} s)`);
  console.info(
    JSON.stringify({
      users: USERS,
      buildRequests: build.requests,
      buildPoints: build.points,
      reconcileRequests: reconcile.requests,
      reconcilePoints: reconcile.points,
      eventsPoints: events.points,
      eventsRequests: events.requests,
      events: EVENTS,
      triggerPoints: trigger.points,
      quietDayPoints: Math.round(day),
      tier1DailyShare: day / TIER1_DAY,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
