/**
 * `npx tsx bench/retention.ts` (part of `npm run bench`): what the app keeps in KVS, in bytes (key plus
 * JSON value, as Forge counts a value's size), per 10,000 audit entries and per 1,000 bulk jobs of 10
 * items, written by the app's own stores; and that every one of those keys carries a TTL (retention,
 * issue 19 item 8), so the figures are a ceiling, not a growth rate.
 */
import { randomUUID } from 'node:crypto';
import type { LocalSite } from '../local/local-site';
import { startLocalSite } from '../local/local-site';
import { runInvocation } from '../local/forge-runtime/runtime';
import { auditStore } from '../src/features/audit/audit-store';
import { jobStore, type JobHeader } from '../src/features/bulk-changes/job-store';
import { DEFAULT_SETTINGS } from '../src/store/settings';

function bytesOf(site: LocalSite, keys: string[]): number {
  return keys.reduce(
    (n, k) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(JSON.stringify(site.kvs.peek(k)), 'utf8'),
    0,
  );
}

function withoutTtl(site: LocalSite, keys: string[]): string[] {
  return keys.filter(
    (key) => !(site.kvs.handle('/api/v1/get', { key }) as { body?: { expireTime?: string } }).body?.expireTime,
  );
}

export async function runRetentionBench(): Promise<void> {
  // KVS limits off: this measures the bytes 10,000 audit entries and 1,000 jobs take, written in seconds as
  // setup (a site writes them over months), not a flow's rate.
  const site = await startLocalSite({ seed: { users: 50, groups: 5 }, kvsRateLimits: false });
  const people = [...site.sim.state.users.values()].slice(0, 10);
  const group = [...site.sim.state.groups.values()][0];
  const app = (fn: () => Promise<void>) => runInvocation({ moduleKey: 'retention-bench', timeoutMs: 600_000 }, fn);

  // 10,000 audit entries shaped like a bulk job's per-item entries (the most numerous kind).
  await app(async () => {
    const jobId = randomUUID();
    for (let i = 0; i < 10_000; i += 1) {
      const p = people[i % people.length];
      await auditStore.record({
        actor: '712020:00000000-0000-4000-a000-000000000001',
        action: 'group.member.add',
        targetType: 'user',
        targetId: p?.accountId ?? '',
        targetLabel: p?.displayName,
        objectType: 'group',
        objectId: group?.groupId,
        objectLabel: group?.name,
        result: 'done',
        detail: 'Added.',
        jobId,
      });
    }
  });
  const audit = site.kvs.keys().filter((k) => k.startsWith('audit:'));
  console.info(
    `KVS per 10,000 audit entries: ${(bytesOf(site, audit) / 1e6).toFixed(2)} MB in ${audit.length} keys ` +
      `(${Math.round(bytesOf(site, audit) / audit.length)} B each); without a TTL: ${withoutTtl(site, audit).length} ` +
      `(kept ${DEFAULT_SETTINGS.auditRetentionDays} days by default)`,
  );

  // 1,000 finished jobs of 10 items each: header, items chunk, outcome chunk, index entry, and the queue job its
  // first event went out in (what a finished job leaves; a slice's in-flight records are deleted when it completes).
  await app(async () => {
    for (let j = 0; j < 1000; j += 1) {
      const header: JobHeader = {
        jobId: randomUUID(),
        operation: 'add-users-to-group',
        createdAt: new Date(Date.now() - j * 1000).toISOString(),
        createdBy: '712020:00000000-0000-4000-a000-000000000001',
        total: people.length,
        processed: 0,
        counts: { done: 0, already: 0, failed: 0 },
        labels: Object.fromEntries([
          [group?.groupId ?? '', group?.name ?? ''],
          ...people.map((p) => [p.accountId, p.displayName]),
        ]),
      };
      await jobStore.create(
        header,
        people.map((p) => ({ a: p.accountId, g: group?.groupId ?? '' })),
      );
      await jobStore.setPushed(header.jobId, { 0: randomUUID() });
      await jobStore.checkpoint(
        {
          ...header,
          processed: people.length,
          counts: { done: people.length, already: 0, failed: 0 },
          slices: { 0: { done: people.length, already: 0, failed: 0, complete: true } },
        },
        0,
        people.map(() => ({ o: 'done' as const })),
      );
    }
  });
  const jobs = site.kvs.keys().filter((k) => /^jobs?:/.test(k));
  console.info(
    `KVS per 1,000 bulk jobs of 10 items: ${(bytesOf(site, jobs) / 1e6).toFixed(2)} MB in ${jobs.length} keys ` +
      `(${Math.round(bytesOf(site, jobs) / 1000)} B a job); without a TTL: ${withoutTtl(site, jobs).length} ` +
      `(kept ${DEFAULT_SETTINGS.jobRetentionDays} days by default)`,
  );
  await site.close();
}

if (require.main === module) void runRetentionBench();
