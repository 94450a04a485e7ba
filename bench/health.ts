/**
 * `npx tsx bench/health.ts`: the functional health check on the queue for 10,000 registered accounts
 * with 20 ms on every KVS call: wall time from the trigger to the summary, KVS calls, Jira requests.
 */
import type { Envelope, RegistryPage } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { registerFunctionalLoad } from '../local/functional-load';
import { benchKvsLimits, withoutKvsLimits } from './kvs-limits';
import { startLocalSite } from '../local/local-site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

export async function runHealthBench(): Promise<void> {
  const count = Number(process.env.HEALTH_ACCOUNTS ?? 10_000);
  const site = await startLocalSite({
    seed: { users: count + 1200, groups: 20 },
    ...benchKvsLimits({ published: true }),
  });
  const team = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
  const owners = [NAMED_USERS.regular.accountId, NAMED_USERS.jiraAdmin.accountId];
  // Registering 10,000 accounts through the resolvers spends more than an hour's Tier-1 pool: the setup
  // runs with the pool off, the measured run from a fresh hour below.
  site.sim.rateLimiter.configure({ pointsPerHour: 0 });
  await withoutKvsLimits(site, () =>
    registerFunctionalLoad(site, { admin: ADMIN, count, owners, owningGroupId: team?.groupId ?? '' }),
  );
  site.kvs.resetUsage();
  site.kvs.latencyMs = 20;
  site.sim.rateLimiter.configure({}); // a fresh hour of the points pool for the measured run
  site.sim.meter.reset();
  const ops = site.kvs.operations.length;
  const started = performance.now();
  await site.runScheduledTrigger('daily-functional-health');
  await site.queue.idle();
  const ms = performance.now() - started;
  const jiraRequests = site.sim.meter.requests.length;
  const kvsCalls = site.kvs.operations.length - ops;
  const page = (await site.host.invoke('listFunctional', {}, ADMIN)) as Envelope<RegistryPage>;
  const last = page.ok ? page.data.lastCheck : undefined;
  console.info(
    `health check of ${last?.accounts} accounts, 20 ms KVS latency: ${(ms / 1000).toFixed(1)} s, ` +
      `${kvsCalls} KVS calls, ${jiraRequests} Jira requests (${site.sim.meter.points()} points) ` +
      `(summary says ${last?.jiraRequests}), ${last?.findings} findings, ${last?.failed} failed; ` +
      `KVS under Forge's limits: ${site.kvs.usage.readUnits} read and ${site.kvs.usage.writeUnits} write units, ` +
      `${site.kvs.usage.refused} requests refused (retried)`,
  );
  console.info(
    JSON.stringify({
      accounts: last?.accounts,
      seconds: Math.round(ms / 100) / 10,
      kvsCalls,
      jiraRequests,
      jiraPoints: site.sim.meter.points(),
      findings: last?.findings,
      failed: last?.failed,
      kvs: site.kvs.usage,
    }),
  );
  await site.close();
}

// Run directly (`npx tsx bench/health.ts`) or from bench/run.ts.
if (require.main === module) void runHealthBench();
