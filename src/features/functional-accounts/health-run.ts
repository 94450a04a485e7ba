/**
 * The functional health check as a run on Forge's queue (`@forge/events`), so it finishes at any registry
 * size whatever one invocation's time limit:
 * 1. start (Check now, or the daily trigger): one run at a time; records the run and pushes `prepare`.
 * 2. prepare: reads the registry and asks Jira once for the whole run (the request budget in
 *    functional-health.ts), splits the registry into slices (at most `sliceSize` accounts and SLICE_BYTES
 *    each), saves each slice's input and pushes one event per slice.
 * 3. slice: reads its accounts' records fresh, computes their findings as of the run's start and writes
 *    them in batches of ≤ 25, then records its result; the last slice to finish writes the summary and
 *    the run's audit entry (under a key derived from the run, so a repeat overwrites it) and clears up.
 * Delivery is at least once: every step can run again, or twice at once, with the same outcome.
 * A killed step is redelivered and resumes from what KVS holds; a finished slice is never redone.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from '@forge/events';
import type { HealthCheckProgress, HealthRun } from '../../contract';
import { SCHEDULED_ACTOR } from '../audit/audit-names';
import type { AuditStore } from '../audit/audit-store';
import { type CheckRecord, type FunctionalRecord, type FunctionalStore } from './functional-store';
import {
  type HealthRunStore,
  type RunHeader,
  type RunPlan,
  type SliceInput,
  type SliceResult,
  RUN_LOCK_HOURS,
} from './health-run-store';
import { AppFailure } from '../../invocation/app-error';
import { withRecordLock } from '../../store/record-lock';
import {
  type HealthJira,
  type UserFact,
  checkOne,
  count,
  currentFindings,
  isCheckable,
  readJiraFacts,
} from './functional-health';

export const HEALTH_QUEUE = 'functional-health';
/** Accounts per slice; FUNCTIONAL_HEALTH_SLICE_SIZE overrides it (tests use smaller slices). */
export const DEFAULT_SLICE_SIZE = 100;
/** A slice's input stays well under KVS's 240 KiB per value, whatever the names in it. */
export const SLICE_BYTES = 150 * 1024;
/** Slices checked at once (a concurrency key), so the check never takes every consumer from bulk jobs. */
export const SLICE_CONCURRENCY = 4;
/** Forge accepts at most 50 events per push. */
const PUSH_MAX = 50;

/** A scheduled start KVS refused for longer than the trigger could wait: continued on the queue. */
export interface QueuedStart {
  step: 'start';
  runId: string;
  /** When the daily trigger asked for the run. */
  at: string;
  siteId: string;
}

export type HealthEvent =
  { step: 'prepare'; runId: string } | { step: 'slice'; runId: string; prep: string; slice: number } | QueuedStart;

/** A queued start older than this is dropped: the next daily trigger asks again. */
export const QUEUED_START_MAX_AGE_MS = 23 * 3_600_000;

export interface HealthRunDeps {
  jira: HealthJira;
  store: FunctionalStore;
  runs: HealthRunStore;
  audit: AuditStore;
  /** Pushes events to the health queue; defaults to @forge/events. */
  push?: (events: HealthEvent[]) => Promise<void>;
  /** Called once the run's summary is written (again on a repeat): starts the day's expiry escalation. */
  afterRun?: (runId: string) => Promise<void>;
  now?: () => Date;
}

export async function pushEvents(deps: HealthRunDeps, events: HealthEvent[], delayInSeconds?: number): Promise<void> {
  if (deps.push) return deps.push(events);
  const queue = new Queue({ key: HEALTH_QUEUE });
  for (let i = 0; i < events.length; i += PUSH_MAX) {
    await queue.push(
      events.slice(i, i + PUSH_MAX).map((body) => ({
        body: body as unknown as Record<string, unknown>,
        ...(body.step === 'slice' ? { concurrency: { key: HEALTH_QUEUE, limit: SLICE_CONCURRENCY } } : {}),
        ...(delayInSeconds ? { delayInSeconds } : {}),
      })),
    );
  }
}

function sliceSize(): number {
  const n = Number(process.env.FUNCTIONAL_HEALTH_SLICE_SIZE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SLICE_SIZE;
}

function progressOf(
  header: RunHeader,
  plan: RunPlan | undefined,
  done: number,
  alreadyRunning = false,
): HealthCheckProgress {
  const slices = plan?.slices ?? 0;
  return {
    runId: header.runId,
    status: header.status === 'done' ? 'done' : plan ? 'checking' : 'preparing',
    startedAt: header.at,
    startedBy: header.startedBy,
    slices,
    slicesDone: header.status === 'done' ? slices : done,
    ...(alreadyRunning ? { alreadyRunning } : {}),
    ...(header.summary ? { summary: header.summary } : {}),
  };
}

/** Where a run stands. */
export async function healthProgress(deps: HealthRunDeps, runId: string): Promise<HealthCheckProgress> {
  const header = await deps.runs.header(runId);
  if (!header) throw new AppFailure('NOT_FOUND', 'No such health check run (runs are kept for 7 days).');
  if (header.status === 'done') return progressOf(header, undefined, 0);
  const plan = await deps.runs.plan(runId);
  const done = plan ? (await deps.runs.results(runId, plan.prep)).size : 0;
  return progressOf(header, plan, done);
}

/** The run under way, if any. */
export async function runningHealthCheck(deps: HealthRunDeps): Promise<HealthCheckProgress | undefined> {
  const lock = await deps.runs.running();
  if (!lock) return undefined;
  const progress = await healthProgress(deps, lock.runId).catch(() => undefined);
  return progress?.status === 'done' ? undefined : progress;
}

/**
 * Starts a run for `actor` (an administrator's account ID, or SCHEDULED_ACTOR); when one is already
 * under way, answers that one instead of starting a second. `given` names the run (and when it was asked
 * for), so that attempts after a KVS refusal, or a queued start delivered twice, start it at most once.
 */
export async function startHealthCheck(
  deps: HealthRunDeps,
  actor: string,
  siteId: string,
  given?: { runId: string; at: string },
): Promise<HealthCheckProgress> {
  const at = given?.at ?? (deps.now?.() ?? new Date()).toISOString();
  if (given) {
    const existing = await deps.runs.header(given.runId);
    if (existing?.status === 'done') return progressOf(existing, undefined, 0);
  }
  const header: RunHeader = {
    runId: given?.runId ?? randomUUID(),
    at,
    startedBy: actor,
    siteId,
    status: 'running',
  };
  // The header first: whoever holds the lock always has one.
  await deps.runs.putHeader(header);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await deps.runs.lock(header.runId, at)) {
      try {
        await pushEvents(deps, [{ step: 'prepare', runId: header.runId }]);
      } catch (err) {
        await deps.runs.unlock(header.runId);
        await deps.runs.removeHeader(header.runId);
        throw err;
      }
      return progressOf(header, undefined, 0);
    }
    const holder = await deps.runs.running();
    if (holder?.runId === header.runId) {
      // This run took the lock in an earlier attempt: make sure it is prepared (prepare is idempotent).
      await pushEvents(deps, [{ step: 'prepare', runId: header.runId }]);
      return healthProgress(deps, header.runId);
    }
    const holderHeader = holder && (await deps.runs.header(holder.runId));
    const stale = !holder || Date.parse(holder.at) < Date.parse(at) - RUN_LOCK_HOURS * 3_600_000;
    if (holder && holderHeader && holderHeader.status !== 'done' && !stale) {
      await deps.runs.removeHeader(header.runId);
      return { ...(await healthProgress(deps, holder.runId)), alreadyRunning: true };
    }
    // The lock outlived its run (finished, lost or expired): free it and try once more.
    if (holder) await deps.runs.unlock(holder.runId);
  }
  await deps.runs.removeHeader(header.runId);
  throw new AppFailure('CONFLICT', 'Another health check is starting; try again in a moment.');
}

/** Splits the registry into slice inputs of at most `size` accounts and SLICE_BYTES each. */
export function sliceRegistry(
  records: FunctionalRecord[],
  users: Map<string, UserFact>,
  adminMembers: Map<string, string>,
  size: number,
): SliceInput[] {
  const slices: SliceInput[] = [];
  let current: SliceInput | undefined;
  let bytes = 0;
  for (const r of records) {
    const add: SliceInput = { accountIds: [r.accountId], users: {}, admins: {} };
    for (const id of [r.accountId, r.ownerAccountId]) {
      const fact = users.get(id);
      if (fact) add.users[id] = fact;
    }
    const admin = adminMembers.get(r.accountId);
    if (admin) add.admins[r.accountId] = admin;
    const addBytes = Buffer.byteLength(JSON.stringify(add), 'utf8');
    if (!current || current.accountIds.length >= size || bytes + addBytes > SLICE_BYTES) {
      current = { accountIds: [], users: {}, admins: {} };
      slices.push(current);
      bytes = 0;
    }
    current.accountIds.push(r.accountId);
    Object.assign(current.users, add.users);
    Object.assign(current.admins, add.admins);
    bytes += addBytes;
  }
  return slices;
}

/**
 * Step 2. Concurrent preparations may both read Jira, but only the first plan saved counts; one redelivered
 * after the plan was saved only pushes the slice events not yet known to be pushed.
 */
export async function prepareRun(deps: HealthRunDeps, runId: string): Promise<void> {
  const header = await deps.runs.header(runId);
  if (!header || header.status === 'done') return;
  let plan = await deps.runs.plan(runId);
  if (!plan) {
    const records: FunctionalRecord[] = [];
    let unreadable = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.store.page(cursor, 100);
      for (const item of page.items as unknown[]) {
        if (isCheckable(item)) records.push(item);
        else unreadable += 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    const facts = await readJiraFacts(deps.jira, records, header.siteId);
    const inputs = sliceRegistry(records, facts.users, facts.adminMembers, sliceSize());
    const prep = randomUUID().slice(0, 8);
    await deps.runs.putInputs(runId, prep, inputs);
    plan = await deps.runs.putPlan(runId, {
      prep,
      slices: inputs.length,
      unreadable,
      jiraRequests: facts.requests,
      preparedAt: new Date().toISOString(),
    });
  }
  if (plan.slices === 0) return finishRun(deps, header, plan, new Map());
  if (await deps.runs.pushed(runId)) return;
  const finished = await deps.runs.results(runId, plan.prep);
  const prep = plan.prep;
  const missing = Array.from({ length: plan.slices }, (_, slice) => slice).filter((n) => !finished.has(n));
  await pushEvents(
    deps,
    missing.map((slice) => ({ step: 'slice', runId, prep, slice })),
  );
  await deps.runs.markPushed(runId);
}

/** Step 3: one slice. A slice of a superseded preparation, or of a finished run, is ignored. */
export async function checkSlice(deps: HealthRunDeps, runId: string, prep: string, slice: number): Promise<void> {
  const state = await deps.runs.sliceState(runId, prep, slice);
  const { header, plan } = state;
  if (!header || header.status === 'done' || plan?.prep !== prep) return;
  if (!state.done) {
    if (!state.input) return; // cleared by a finished run
    const input = state.input;
    const now = new Date(header.at);
    const users = new Map(Object.entries(input.users));
    const admins = new Map(Object.entries(input.admins));
    const [records, previous] = await Promise.all([
      deps.store.getMany(input.accountIds),
      deps.store.checks(input.accountIds),
    ]);
    const result: SliceResult = { checked: 0, findings: 0, failed: 0 };
    const writes: Array<{ accountId: string; check: CheckRecord }> = [];
    for (const record of records as unknown[]) {
      // An account unregistered since the run was prepared is simply not in `records`.
      const check =
        isCheckable(record) &&
        checkOne(record, currentFindings(record, previous.get(record.accountId)), users, admins, header.siteId, now);
      if (!check || !isCheckable(record)) result.failed += 1;
      else {
        result.findings += check.findings.length;
        writes.push({ accountId: record.accountId, check });
      }
    }
    const failedWrites = await deps.store.putChecks(writes);
    result.failed += failedWrites.length;
    result.checked = writes.length - failedWrites.length;
    result.at = new Date().toISOString();
    await deps.runs.putResult(runId, prep, slice, result);
  }
  const results = await deps.runs.results(runId, prep);
  if (results.size >= plan.slices) await finishRun(deps, header, plan, results);
}

/**
 * Writes the run's one summary and one audit entry, once: under the run's record lock
 * (store/record-lock.ts) it re-reads the header, and a run already done (the last slice and the watchdog
 * finishing it at once, or a redelivery) is left as it is, so the summary, the audit entry and the header
 * always tell the same story. A finish interrupted before the header says done is repeated in full and
 * rewrites the same values. `ended` (the watchdog ending a stuck run) says why some accounts could not be
 * checked.
 */
export async function finishRun(
  deps: HealthRunDeps,
  header: RunHeader,
  plan: RunPlan,
  results: Map<number, SliceResult>,
  ended?: string,
): Promise<void> {
  await withRecordLock(
    `fa-health:run:${header.runId}`,
    async () => {
      const current = await deps.runs.header(header.runId);
      if (current?.status !== 'done') await writeFinish(deps, current ?? header, plan, results, ended);
    },
    { what: 'this health check' },
  );
  // Both idempotent: a finish that was interrupted after the header said done completes here.
  await deps.runs.unlock(header.runId);
  await deps.runs.clearSlices(header.runId);
}

async function writeFinish(
  deps: HealthRunDeps,
  header: RunHeader,
  plan: RunPlan,
  results: Map<number, SliceResult>,
  ended: string | undefined,
): Promise<void> {
  const sum = (k: 'checked' | 'findings' | 'failed') => [...results.values()].reduce((n, r) => n + r[k], 0);
  const failed = sum('failed') + plan.unreadable;
  const summary: HealthRun = {
    runId: header.runId,
    at: header.at,
    finishedAt: (deps.now?.() ?? new Date()).toISOString(),
    startedBy: header.startedBy,
    accounts: sum('checked') + failed,
    failed,
    findings: sum('findings'),
    jiraRequests: plan.jiraRequests,
    ...(ended ? { ended } : {}),
  };
  await deps.runs.putSummary(summary);
  await deps.audit.record(
    {
      actor: header.startedBy,
      action: 'functional.health-check',
      targetType: 'registry',
      targetId: 'functional-accounts',
      result: 'done',
      detail:
        `${count(summary.accounts, 'account')} checked, ${count(summary.findings, 'finding')}` +
        `${failed > 0 ? `, ${failed} could not be checked` : ''}` +
        `${header.startedBy === SCHEDULED_ACTOR ? ' (daily scheduled check)' : ''}.` +
        (ended ? ` ${ended}` : ''),
    },
    { at: new Date(header.at), id: `functional-health-${header.runId}` },
  );
  // Before the run counts as done, so a delivery killed here repeats it (the escalation plan is idempotent).
  await deps.afterRun?.(header.runId);
  await deps.runs.putHeader({ ...header, status: 'done', summary });
}

/**
 * The daily trigger's run, named before the first attempt so that every attempt (the trigger's own after a
 * KVS refusal, then the queued start's deliveries) starts the same run at most once. Nothing is started when
 * a run finished after the day's start was asked for (this one, or one that was under way), or when the
 * request is older than QUEUED_START_MAX_AGE_MS (the next daily trigger asks again).
 */
export async function startScheduled(deps: HealthRunDeps, start: Omit<QueuedStart, 'step'>): Promise<void> {
  const asked = Date.parse(start.at);
  if (!(asked > (deps.now?.() ?? new Date()).getTime() - QUEUED_START_MAX_AGE_MS)) return;
  const last = await deps.runs.lastSummary();
  if (last?.finishedAt && Date.parse(last.finishedAt) > asked) return;
  await startHealthCheck(deps, SCHEDULED_ACTOR, start.siteId, { runId: start.runId, at: start.at });
}

/** The queue consumer's entry: one event of a run. */
export async function handleHealthEvent(deps: HealthRunDeps, body: unknown): Promise<void> {
  const e = (body ?? {}) as Partial<Record<string, unknown>>;
  if (typeof e.runId !== 'string') return;
  if (e.step === 'start' && typeof e.at === 'string' && typeof e.siteId === 'string')
    return startScheduled(deps, { runId: e.runId, at: e.at, siteId: e.siteId });
  if (e.step === 'prepare') return prepareRun(deps, e.runId);
  if (e.step === 'slice' && typeof e.prep === 'string' && Number.isInteger(e.slice))
    return checkSlice(deps, e.runId, e.prep, e.slice as number);
}
