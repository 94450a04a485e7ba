/**
 * `npx tsx bench/escalation.ts`: the Jira points a day of credential-expiry escalation costs at 1,000
 * registered accounts with 5 % of them nearing expiry (spread over the 30/7/1/0-day thresholds), on the
 * local site with Atlassian's published points (the simulator's meter). Three days are measured:
 * - day 1: reminders switched on: every nearing account gets its issue, comment and notice;
 * - day 2: a quiet day (nothing new crosses a threshold): what the daily plan costs when all is done;
 * - day 3: a fifth of them rotated: their issues move to done.
 * Only the escalation queue's requests are counted (the health check's own cost is in bench/health.ts).
 * Prints a table and, as its last line, one JSON object.
 */
import type { Envelope, FunctionalAccountView, ProjectOption, IssueTypeOption, RegistryPage } from '../src/contract';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { registerFunctionalLoad } from '../local/functional-load';
import { startLocalSite, type LocalSite } from '../local/local-site';
import { benchKvsLimits, withoutKvsLimits } from './kvs-limits';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;

async function call<T>(site: LocalSite, key: string, payload: unknown): Promise<T> {
  const res = (await site.host.invoke(key, payload, ADMIN)) as Envelope<T>;
  if (!res.ok) throw new Error(`${key}: ${res.error.message}`);
  return res.data;
}

/** Points and requests the escalation consumer made since `from` (its requests carry principal `app`). */
function escalationCost(
  site: LocalSite,
  from: number,
): { requests: number; points: number; byEndpoint: Record<string, number> } {
  const reqs = site.sim.meter.requests
    .slice(from)
    .filter((r) => r.principal === 'app' && /\/issue|search\/jql|project|mypermissions/.test(r.endpoint));
  const byEndpoint: Record<string, number> = {};
  for (const r of reqs)
    byEndpoint[`${r.method} ${r.endpoint}`] = (byEndpoint[`${r.method} ${r.endpoint}`] ?? 0) + r.points;
  return { requests: reqs.length, points: reqs.reduce((s, r) => s + r.points, 0), byEndpoint };
}

export async function runEscalationBench(): Promise<Record<string, unknown>> {
  const count = Number(process.env.ESCALATION_ACCOUNTS ?? 1000);
  const nearing = Math.round(count * 0.05);
  // Forge's KVS limits, but off for the setup: registering 1,000 accounts in a minute is not a day of escalation.
  const site = await startLocalSite({
    seed: { users: count + 400, groups: 20 },
    ...benchKvsLimits({ published: true }),
  });
  const team = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
  const owners = [NAMED_USERS.regular.accountId, NAMED_USERS.jiraAdmin.accountId];
  await withoutKvsLimits(site, () =>
    registerFunctionalLoad(site, { admin: ADMIN, count, owners, owningGroupId: team?.groupId ?? '' }),
  );
  const page1 = await call<RegistryPage>(site, 'listFunctional', {});
  let cursor = page1.nextCursor;
  const ids = page1.accounts.map((a) => a.accountId);
  while (cursor && ids.length < nearing) {
    const p = await call<RegistryPage>(site, 'listFunctional', { cursor });
    ids.push(...p.accounts.map((a) => a.accountId));
    cursor = p.nextCursor;
  }
  const spread = [29, 6, 0, 20];
  const now = Date.now();
  for (const [i, accountId] of ids.slice(0, nearing).entries())
    await call<FunctionalAccountView>(site, 'addCredential', {
      accountId,
      type: 'api-token',
      label: `token ${i + 1}`,
      createdAt: new Date(now - 300 * DAY).toISOString(),
      expiresAt: new Date(now + (spread[i % spread.length] as number) * DAY + 3_600_000).toISOString(),
    });
  const ops = (await call<ProjectOption[]>(site, 'listEscalationProjects', {})).find((p) => p.key === 'OPS');
  const task = (await call<IssueTypeOption[]>(site, 'listEscalationIssueTypes', { projectId: ops?.id })).find(
    (t) => t.name === 'Task',
  );
  await call(site, 'saveEscalationSettings', { projectId: ops?.id, issueTypeId: task?.id, thresholds: [30, 7, 1, 0] });
  const days: Array<{ day: string; requests: number; points: number; byEndpoint: Record<string, number> }> = [];
  const measure = async (day: string, before?: () => Promise<void>) => {
    // Counted from before the day's changes: a rotation's own escalation step (closing its issue) is that day's.
    const from = site.sim.meter.requests.length;
    await before?.();
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    days.push({ day, ...escalationCost(site, from) });
  };
  await measure('day 1: reminders start');
  await measure('day 2: quiet');
  await measure('day 3: a fifth rotated', async () => {
    for (const accountId of ids.slice(0, Math.round(nearing / 5))) {
      const v = (await call<RegistryPage>(site, 'listFunctional', {})).accounts.find((a) => a.accountId === accountId);
      const cred = v?.credentials.find((c) => c.status === 'active');
      if (cred) await call(site, 'rotateCredential', { accountId, credentialId: cred.credentialId });
    }
    await site.queue.idle();
  });
  console.info(`escalation at ${count} registered accounts, ${nearing} nearing expiry (spread over 29/6/0/20 days):`);
  for (const d of days)
    console.info(
      `  ${d.day.padEnd(26)} ${String(d.requests).padStart(5)} requests ${String(d.points).padStart(6)} points`,
    );
  const out = {
    accounts: count,
    nearing,
    day1Points: days[0]?.points,
    day2Points: days[1]?.points,
    day3Points: days[2]?.points,
    tier1DailyPoolShare: Number((((days[0]?.points ?? 0) / (65_000 * 24)) * 100).toFixed(4)),
  };
  console.info(JSON.stringify(out));
  await site.close();
  return out;
}

if (require.main === module) void runEscalationBench();
