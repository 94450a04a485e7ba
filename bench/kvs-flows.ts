/**
 * `npm run bench:kvs`: what each of the app's flows spends of Forge's KVS limits (per installation 1,000
 * requests a second, 4,000 read and 4,000 write units a minute, a unit per started 10 KB of a request;
 * developer.atlassian.com/platform/forge/limits-kvs-ce), at 20,000 and 100,000 users, with the limits
 * enforced as published (`KVS_FLOWS_LIMITS=0` switches them off to see the unconstrained demand). Jira's
 * points pool is off, so background work runs as fast as KVS lets it: the worst case for KVS. For each flow:
 * wall time, KVS requests, read and write units, the most units in any minute, requests KVS refused (429,
 * retried by the app), and whether the flow finished. Bulk jobs are measured by bench/bulk.ts.
 * `KVS_FLOWS_SIZES=20000` for one size; `KVS_FLOWS_EVENTS` (default 200) user events; `-- --write` puts the table
 * into README.md between `<!-- kvs:begin -->` and `<!-- kvs:end -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope, ResolvedIdentifier, UserPage } from '../src/contract';
import type { CrawlState } from '../src/features/directory-index/directory-store';
import { NAMED_USERS } from '../local/jira-sim/seed';
import { startLocalSite, type LocalSite } from '../local/local-site';
import type { KvsUsage } from '../local/forge-runtime/kvs-store';

const SIZES = (process.env.KVS_FLOWS_SIZES ?? '20000,100000').split(',').map(Number);
const EVENTS = Number(process.env.KVS_FLOWS_EVENTS ?? 200);
const LIMITS = process.env.KVS_FLOWS_LIMITS !== '0';
const ADMIN = NAMED_USERS.siteAdmin.accountId;
/** A flow that has not finished after this long is reported as not finished. */
const FLOW_LIMIT_MS = Number(process.env.KVS_FLOWS_LIMIT_S ?? 900) * 1000;

interface FlowRow {
  users: number;
  flow: string;
  seconds: number;
  usage: KvsUsage;
  finished: string;
}

async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function flowsAt(users: number): Promise<FlowRow[]> {
  const site: LocalSite = await startLocalSite({ seed: { users }, ...(LIMITS ? {} : { kvsRateLimits: false }) });
  site.sim.rateLimiter.configure({ pointsPerHour: 0 });
  const rows: FlowRow[] = [];
  const invoke = async <T>(key: string, payload: unknown = {}) => {
    const res = (await site.host.invoke(key, payload, ADMIN)) as Envelope<T>;
    if (!res.ok) throw new Error(`${key}: ${res.error.code} ${res.error.message}`);
    return res.data;
  };
  const measure = async (flow: string, run: () => Promise<string>) => {
    // Each flow on a quiet installation: the rate-limit windows start empty.
    site.kvs.resetRateLimits();
    site.kvs.resetUsage();
    const t0 = performance.now();
    let finished: string;
    try {
      finished = await run();
    } catch (err) {
      finished = `FAILED: ${String(err).slice(0, 160)}`;
    }
    rows.push({ users, flow, seconds: (performance.now() - t0) / 1000, usage: site.kvs.resetUsage(), finished });
    console.info(JSON.stringify(rows[rows.length - 1]));
  };
  const crawl = async () => {
    await invoke('refreshSiteSummary');
    const idle = await within(site.queue.idle(), FLOW_LIMIT_MS);
    const state = site.kvs.peek('dir:crawl') as CrawlState | undefined;
    const errors = site.queue.consumerErrors.length;
    if (!idle) return `no: still running after ${FLOW_LIMIT_MS / 1000} s (phase ${state?.phase})`;
    return state?.phase === 'done'
      ? `yes${errors ? ` (${errors} consumer errors, redelivered)` : ''}`
      : `no: ${state?.phase} ${state?.error ?? ''} ${site.queue.consumerErrors.slice(-1).join('')}`;
  };
  await measure('first build of the index (crawl)', crawl);
  await measure('reconciliation (second crawl)', crawl);
  await measure(`${EVENTS} user events (Jira changes → trigger → patches)`, async () => {
    const named = new Set<string>(Object.values(NAMED_USERS).map((u) => u.accountId));
    const people = [...site.sim.state.users.values()].filter(
      (u) => u.accountType === 'atlassian' && u.active && !named.has(u.accountId),
    );
    for (let i = 0; i < EVENTS; i += 1) {
      const u = people[(i * 7919) % people.length];
      if (!u) continue;
      if (i % 3 === 0) site.sim.directory.updateUser(u.accountId, { active: false });
      else if (i % 3 === 1)
        site.sim.directory.createUser({ email: `kvs${i}@example.com`, displayName: `Kvs Flow ${i}` });
      else site.sim.directory.updateUser(u.accountId, { displayName: `${u.displayName} (renamed)` });
    }
    await new Promise((r) => setTimeout(r, 50));
    await site.productEvents.idle();
    const errors = site.productEvents.errors.length;
    return errors === 0 ? 'yes' : `no: ${errors} trigger errors (${site.productEvents.errors.slice(-1).join('')})`;
  });
  await measure('20 pages of a product filter + type filter + 2,000 pasted emails', async () => {
    let cursor: string | undefined;
    for (let n = 0; n < 20; n += 1) {
      const page = await invoke<UserPage>('listUsers', { filters: { product: 'jira-software' }, cursor });
      cursor = page.nextCursor;
    }
    await invoke<UserPage>('listUsers', { filters: { accountType: 'app' } });
    const emails = [...site.sim.state.users.values()]
      .filter((u) => u.accountType !== 'app')
      .slice(0, 2000)
      .map((u) => u.email);
    const resolved = await invoke<ResolvedIdentifier[]>('resolveIdentifiers', { text: emails.join('\n') });
    return `yes (${resolved.filter((r) => r.accountId).length} of 2,000 resolved)`;
  });
  await measure('daily trigger (reconciliation not due)', async () => {
    await site.runScheduledTrigger('daily-directory-crawl');
    return (await within(site.queue.idle(), FLOW_LIMIT_MS)) ? 'yes' : 'no';
  });
  await site.close();
  return rows;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const all: FlowRow[] = [];
  for (const users of SIZES) all.push(...(await flowsAt(users)));
  const lines = [
    `KVS per flow, limits ${LIMITS ? 'as published (4,000 read and 4,000 write units a minute, 1,000 requests/s)' : 'off'}; Jira's pool off; measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:kvs\`.`,
    '',
    '| users | flow | wall s | KVS requests | read units | write units | most read units in a minute | most write units in a minute | 429s (retried) | finished |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...all.map(
      (r) =>
        `| ${fmt(r.users)} | ${r.flow} | ${r.seconds.toFixed(1)} | ${fmt(r.usage.requests)} | ${fmt(r.usage.readUnits)} | ${fmt(r.usage.writeUnits)} | ${fmt(r.usage.peakReadUnitsPerMinute)} | ${fmt(r.usage.peakWriteUnitsPerMinute)} | ${fmt(r.usage.refused)} | ${r.finished} |`,
    ),
  ];
  console.info(`\n${lines.join('\n')}`);
  if (process.argv.includes('--write')) {
    const file = join(__dirname, '..', 'README.md');
    const readme = readFileSync(file, 'utf8');
    const [begin, end] = ['<!-- kvs:begin -->', '<!-- kvs:end -->'];
    const a = readme.indexOf(begin);
    const b = readme.indexOf(end);
    if (a < 0 || b < a) {
      console.error('README.md has no kvs markers.');
      process.exitCode = 1;
    } else {
      const next = `${readme.slice(0, a + begin.length)}\n\n${lines.join('\n')}\n\n${readme.slice(b)}`;
      // Formatted as the repository's prettier check wants it (tables aligned).
      const prettier = await import('prettier');
      const options = (await prettier.resolveConfig(file)) ?? {};
      writeFileSync(file, await prettier.format(next, { ...options, filepath: file }));
      console.info('README.md: KVS table updated.');
    }
  }
  console.info(JSON.stringify({ limits: LIMITS, flows: all }));
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
