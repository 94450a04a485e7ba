import type { AuditEntryView, HealthRun } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { jira } from '../../src/jira';
import { auditStore } from '../../src/features/audit/audit-store';
import { JOB_CHUNK, jobStore, type JobHeader, type JobOutcome } from '../../src/features/bulk-changes/job-store';
import { functionalStore } from '../../src/features/functional-accounts/functional-store';
import { finishRun, type HealthRunDeps } from '../../src/features/functional-accounts/health-run';
import { healthRunStore, type RunPlan } from '../../src/features/functional-accounts/health-run-store';
import { startTestSite } from '../support/site';

/**
 * Issue 19, item 5: job and run headers are read-modify-written by several deliveries; each write goes
 * under the record's lock (src/store/record-lock.ts) and re-reads the header, so no update is lost: two
 * slices checkpointing at once both count, and a run finished twice keeps one story.
 */
describe('job and run headers lose no update', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 10, groups: 2 } });
  });
  afterAll(() => site.close());

  let n = 0;
  const inApp = <T>(fn: () => Promise<T>) =>
    runInvocation({ moduleKey: `record-updates-${(n += 1)}`, timeoutMs: 30_000 }, fn);
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

  it('two slices of a job checkpointing at once, from the same header, both count', async () => {
    const header: JobHeader = {
      jobId: 'record-updates-job',
      operation: 'add-users-to-group',
      createdAt: new Date().toISOString(),
      createdBy: '712020:00000000-0000-4000-a000-000000000001',
      total: JOB_CHUNK + 3,
      processed: 0,
      counts: { done: 0, already: 0, failed: 0 },
      labels: {},
    };
    const items = Array.from({ length: header.total }, (_, i) => ({ a: `acct-${i}`, g: 'group-1' }));
    await inApp(() => jobStore.create(header, items));
    // Each slice's delivery read the header before either wrote (as two deliveries do).
    const stored = (await inApp(() => jobStore.header(header.jobId))) as JobHeader;
    const first = clone(stored);
    first.slices = { 0: { done: 4, already: 1, failed: 0, complete: false } };
    const second = clone(stored);
    second.slices = { 1: { done: 2, already: 0, failed: 1, complete: true } };
    const outcomes = (k: number): JobOutcome[] => Array.from({ length: k }, () => ({ o: 'done' }));
    await Promise.all([
      inApp(() => jobStore.checkpoint(first, 0, outcomes(5))),
      inApp(() => jobStore.checkpoint(second, 1, outcomes(3))),
    ]);
    const after = (await inApp(() => jobStore.header(header.jobId))) as JobHeader;
    expect(after.slices).toEqual({ 0: first.slices[0], 1: second.slices[1] });
    expect(after.counts).toEqual({ done: 6, already: 1, failed: 1 });
    expect(after.processed).toBe(8);
    expect(site.kvs.keys().filter((k) => k.startsWith('lock:'))).toEqual([]);
  });

  it('a run finished twice (the last slice and the watchdog at once, or one after the other) keeps one summary', async () => {
    const deps: HealthRunDeps = { jira, store: functionalStore, runs: healthRunStore, audit: auditStore };
    const plan: RunPlan = { prep: 'p1', slices: 2, unreadable: 0, jiraRequests: 3 };
    const complete = new Map([
      [0, { checked: 5, findings: 1, failed: 0 }],
      [1, { checked: 4, findings: 0, failed: 0 }],
    ]);
    const partial = new Map([
      [0, { checked: 5, findings: 1, failed: 0 }],
      [1, { checked: 0, findings: 0, failed: 4 }],
    ]);
    const ended = 'The run was ended by the watchdog.';
    const story = (runId: string) => {
      const audit = site.kvs
        .keys()
        .filter((k) => k.startsWith('audit:'))
        .map((k) => site.kvs.peek(k) as AuditEntryView)
        .filter((e) => e.id === `functional-health-${runId}`);
      const header = site.kvs.peek(`fa-health:run:${runId}`) as { status: string; summary?: HealthRun };
      const last = site.kvs.peek('fa-health:last') as HealthRun;
      return { audit, header, last };
    };

    for (const [runId, together] of [
      ['run-one-after-the-other', false],
      ['run-at-once', true],
    ] as const) {
      const header = {
        runId,
        at: new Date().toISOString(),
        startedBy: 'scheduled',
        siteId: 'site',
        status: 'running' as const,
      };
      await inApp(() => healthRunStore.putHeader(header));
      const slice = () => inApp(() => finishRun(deps, header, plan, complete));
      const watchdog = () => inApp(() => finishRun(deps, header, plan, partial, ended));
      if (together) await Promise.all([slice(), watchdog()]);
      else {
        await slice();
        await watchdog();
      }
      const { audit, header: saved, last } = story(runId);
      expect(saved.status).toBe('done');
      expect(audit).toHaveLength(1);
      // The header, the last summary and the audit entry tell the same story.
      expect(saved.summary).toEqual(last);
      expect(audit[0]?.detail?.includes(ended)).toBe(last.ended === ended);
      expect(last.failed).toBe(last.ended ? 4 : 0);
      // One after the other: the first finish stands.
      if (!together) expect(last.ended).toBeUndefined();
    }
  });
});
