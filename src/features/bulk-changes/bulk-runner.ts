/**
 * Bulk jobs on Forge's queue (`@forge/events`): the resolver records a job and pushes one event per slice
 * (a chunk of 500 items); the `bulk-jobs` consumer processes a slice as the administrator who started the
 * job (offline impersonation). Delivery is at least once, so each slice is guarded by a lease (a KVS key
 * set with FAIL_IF_EXISTS and a TTL past the holder's time limit: a killed holder can make no further
 * request, so once its lease expires nobody else is writing).
 * Before every write batch (50 items) the slice reads, fresh, the job's cancel flag (a KVS get, strongly
 * consistent) and the creator's rights (asUser(creator) `mypermissions`; nothing cached across batches), and
 * marks the batch's items in flight. The next batch's check runs while the current batch's last writes are
 * sent (LOOKAHEAD), so the pipe to Jira never stalls between batches.
 * The lease is also the cancel fence: a delivery takes it before it reads the flag, and cancelling sets
 * the flag before it looks for leases, so a cancel that finds no lease held knows no further write can be
 * sent (see `writersActive` and bulk-jobs.ts `cancelJob`).
 * A creator who can no longer act (deactivated, deleted, no longer an administrator) stops the job with that
 * reason; the items not sent are "not attempted" (no outcome), never "failed", and can be retried.
 * Forge's KVS limits (per installation 4,000 read and 4,000 write units a minute, a unit per started 10 KB;
 * developer.atlassian.com/platform/forge/limits-kvs-ce) shape what is stored: at Jira's 100 adds a second a
 * per-item write would spend 6,000 a minute. So a batch's items are marked in flight with one write before
 * its first request leaves (after a kill, a later delivery reads Jira back for those items that have no
 * stored outcome; one never sent reads back as not so and is sent then), and every batch's outcomes are
 * stored with their audit entries (packed, audit-store.ts) and the slice's in-flight record in one
 * transaction (job-store.ts `checkpoint`), so an outcome and its entry are stored together or not at all and
 * none is counted twice. Index patches follow at most every INDEX_FLUSH_MS. A 5,000-item job stores a few
 * hundred units (bench/bulk.ts prints them). KVS 429s are waited out by the app's KVS client
 * (store/kvs-retry.ts); past its budget the delivery ends and Forge delivers its event again
 * (run-bulk-slice.ts).
 * A read-back never credits this job with another job's write; only after a lost answer, when it is
 * unknowable, is an item "done" with the note that says so.
 * Each item gets one outcome and one audit entry (stable id per job and item), attributed to the job's
 * creator. A Retry-After or a spent time budget ends the invocation early and pushes a continuation
 * event delayed by the wait: nothing ever sleeps past the invocation's limit. Requests are paced to Jira's
 * burst limit by the executor's shared pacer (src/jira/transport/pacer.ts), from Jira's published limit
 * before any 429.
 */
import { Queue } from '@forge/events';
import { kvs } from '../../store/kvs-retry';
import { randomUUID } from 'node:crypto';
import type { ChangeResult } from '../../contract';
import type { JiraClient } from '../../jira';
import { runActingAs } from '../../jira/acting-as';
import { forgeProxyRefused, JiraApiError } from '../../jira/errors';
import type { AuditStore } from '../audit/audit-store';
import { JOB_CHUNK, jobTtl, retally, type JobHeader, type JobItem, type JobOutcome, type JobStore } from './job-store';
import { BULK_OPERATIONS, type BulkJira } from './bulk-operations';
import { isRetryable } from './bulk-outcomes';
import { membershipLanded, RateLimitedFailure, SITE_ADMIN_MESSAGE, type MembershipJira } from '../groups/membership';
import { MEMBERSHIP_READ_BACK_NOTE } from '../../jira/read-back';
import type { AccountChange } from '../directory-index/index-patches';
import { isKeyConflict } from '../../store/kvs-conflict';
import { auditPacks, auditTtl, type AuditInput } from '../audit/audit-store';
import { customersAmong, deskCustomersWithin } from './desk-state';

export const BULK_QUEUE = 'bulk-jobs';
/** All bulk slices share one concurrency key: one slice writes to Jira at a time, so pacing holds. */
export const BULK_CONCURRENCY = { key: 'bulk-jira-writes', limit: 1 } as const;
/**
 * Requests in flight at once inside a slice. Jira's burst limit for a write such as `POST
 * /rest/api/3/group/user` is 100 a second per site, endpoint and method (developer.atlassian.com/cloud/jira/
 * platform/rate-limiting/, "Burst API rate limit … one tenant, one endpoint, one HTTP method"; GET and POST
 * 100/s, local/jira-sim/rate-limit.ts), so keeping that rate needs rate × latency requests in flight: 12 at
 * 120 ms. 16 covers latencies up to 160 ms; the executor's pacer (src/jira/transport/pacer.ts), not this
 * number, holds the rate under Jira's published limit (and a lower one a burst 429 announces). With 4 (before
 * issue 18 item 5) a slice made ~27 adds a second at 120 ms: 5,000 adds took 3.72 × N / rate.
 */
export const WORKERS = 16;
/**
 * Rights read this recently (and found sufficient) stand for a batch's check: the first batch of a delivery
 * uses those read when the slice opened, or by the previous slice's last batch, if no older than this.
 */
export const RIGHTS_FRESH_MS = 1000;
/**
 * A slice goes on with the next one in the same invocation only with this much time left; the next one hands
 * over (a continuation event) on its own once it nears the limit (HANDOVER_MARGIN_MS).
 */
export const CHAIN_MIN_REMAINING_MS = 5_000;
/** Stop this long before the invocation's limit, to checkpoint and hand over. */
export const HANDOVER_MARGIN_MS = 10_000;
/**
 * The next batch's check (cancel flag, rights, in-flight mark) starts when this many of the current batch's
 * units are left to send: about as long as the check takes at Jira's pace (16 writes ≈ 160 ms at 100/s).
 */
export const LOOKAHEAD = WORKERS;
/**
 * Index patches of a membership job are recorded at most this often (and at the slice's end): a product
 * group's patch touches up to 16 locked buckets, ~50 KVS write units, which per batch of 50 would spend more
 * than Forge's 4,000 a minute at Jira's 100 adds a second. Items whose patch is owed are listed in each
 * checkpoint, so a delivery that dies before recording them leaves them to the next one.
 */
export const INDEX_FLUSH_MS = 10_000;
/** The longest reason stored per item: Jira's error texts are cut to this. */
export const MAX_REASON_CHARS = 200;

export interface SliceEvent {
  jobId: string;
  chunk: number;
  /**
   * Hand-over generation: each continuation carries the next one. A delivery of an older generation is
   * stale (its continuation already exists) and ends at once, so duplicates never fork the chain.
   */
  gen?: number;
}

/** Which delivery this is: Forge's event id and retry count. */
export interface Delivery {
  eventId: string;
  retryCount: number;
}

interface Lease {
  token: string;
  eventId: string;
  retryCount: number;
}

export interface RunnerDeps {
  jira: BulkJira &
    MembershipJira &
    Pick<JiraClient, 'listDeskCustomersPage'> & {
      getMyGlobalPermissions(keys: Array<'ADMINISTER' | 'SYSTEM_ADMIN'>): Promise<Record<string, boolean>>;
      /** asApp: the creator's account as Jira has it (deleted ones are missing), for a stop reason in words. */
      getUsersBulkPage(
        accountIds: string[],
        startAt: number,
        identity: 'user' | 'app',
      ): Promise<{
        items: Array<{ accountId: string; active?: boolean; displayName?: string; emailAddress?: string }>;
      }>;
    };
  jobs: JobStore;
  audit: AuditStore;
  /** The directory index: each membership item's outcome is recorded in it as it is recorded here. */
  index?: { record(changes: AccountChange[]): Promise<void> };
}

const queue = new Queue({ key: BULK_QUEUE });

// A slice's own keys (flight, index owed, pre-state, outcomes) are read-modify-written only by the delivery
// holding the slice's lease (takeLease: a create-only key), one delivery at a time; the header they share
// with other slices goes through jobStore.checkpoint, under the job's record lock (issue 19, item 5).
const leaseKey = (e: SliceEvent) => `job:${e.jobId}:lease:${e.chunk}`;
const flightKey = (e: SliceEvent) => `job:${e.jobId}:flight:${e.chunk}`;
/** Items of the slice whose outcome is stored but whose index patch is not yet recorded (INDEX_FLUSH_MS). */
const indexOwedKey = (e: SliceEvent) => `job:${e.jobId}:ix:${e.chunk}`;
const cancelKey = (jobId: string) => `job:${jobId}:cancel`;
const preKey = (e: SliceEvent) => `job:${e.jobId}:pre:${e.chunk}`;

/** Reading a desk slice's customers before it may cost at most this share of its items in requests. */
const PRE_STATE_MAX_SHARE = 0.2;

/**
 * A membership slice's items as Jira had them before the slice wrote anything: `inTarget` are the item
 * indices already so (already a member, already not a member). Kept per slice (≤ 500 numbers), so an
 * item whose answer was lost and that reads back as changed is `done` only if it was not so before.
 * `known: false` when it was not read (a slice of many people: each write's answer says it instead).
 */
interface PreState {
  known: boolean;
  inTarget: number[];
}

/** A reason short enough that no record grows with Jira's error texts. */
export function boundedReason(message: string): string {
  return message.length <= MAX_REASON_CHARS ? message : `${message.slice(0, MAX_REASON_CHARS - 1)}…`;
}

/**
 * Pushes one event per slice (50 per push, Forge's limit; a job has at most 20 slices, so one push) and
 * answers the Forge queue job each slice's event went out in. A refused push (Forge's 500 events a minute:
 * `RateLimitError` from @forge/events) throws; nothing was queued.
 */
export async function enqueueJob(header: JobHeader, delayInSeconds = 0): Promise<Record<number, string>> {
  const chunks = Math.ceil(header.total / JOB_CHUNK);
  const byChunk: Record<number, string> = {};
  for (let first = 0; first < chunks; first += 50) {
    const slice = Array.from({ length: Math.min(50, chunks - first) }, (_, k) => first + k);
    const { jobId } = await queue.push(
      slice.map((chunk) => ({
        body: { jobId: header.jobId, chunk },
        concurrency: { ...BULK_CONCURRENCY },
        ...(delayInSeconds > 0 ? { delayInSeconds } : {}),
      })),
    );
    for (const chunk of slice) byChunk[chunk] = jobId;
  }
  return byChunk;
}

/** Pushes one more event for each of these slices, at their current generation (the watchdog's resume). */
export async function repushSlices(header: JobHeader, chunks: number[]): Promise<Record<number, string>> {
  const byChunk: Record<number, string> = {};
  for (let i = 0; i < chunks.length; i += 50) {
    const part = chunks.slice(i, i + 50);
    const { jobId } = await queue.push(
      part.map((chunk) => ({
        body: { jobId: header.jobId, chunk, gen: header.slices?.[chunk]?.gen ?? 0 },
        concurrency: { ...BULK_CONCURRENCY },
      })),
    );
    for (const chunk of part) byChunk[chunk] = jobId;
  }
  return byChunk;
}

/** Whether any of these Forge queue jobs still has an event waiting or running (`getStats().inProgress`). */
export async function queueJobsInProgress(forgeJobIds: string[]): Promise<boolean> {
  for (const id of new Set(forgeJobIds)) {
    try {
      if ((await queue.getStats(id)).inProgress > 0) return true;
    } catch {
      // An unknown (expired) queue job has nothing in progress.
    }
  }
  return false;
}

/**
 * Slices whose lease is held: a delivery that may still send a write. A lease outlives its holder's time
 * limit (TTL), so once none is held, no delivery that read the cancel flag before it was set is left.
 */
export async function writersActive(jobId: string, total: number): Promise<number[]> {
  const chunks = Array.from({ length: Math.ceil(total / JOB_CHUNK) }, (_, c) => c);
  const held: number[] = [];
  for (let i = 0; i < chunks.length; i += 25) {
    const part = chunks.slice(i, i + 25);
    const res = await kvs.batchGet<Lease>(part.map((chunk) => ({ key: leaseKey({ jobId, chunk }) })));
    for (const chunk of part)
      if (res.successfulKeys.some((k) => k.key === leaseKey({ jobId, chunk }) && k.value !== undefined))
        held.push(chunk);
  }
  return held;
}

/** A blind write of `true`, never a read-modify-write: two cancels (or a cancel and the watchdog) agree. */
export async function requestCancel(jobId: string): Promise<void> {
  await kvs.set(cancelKey(jobId), true, await jobTtl());
}

export async function isCancelled(jobId: string): Promise<boolean> {
  return (await kvs.get<boolean>(cancelKey(jobId))) === true;
}

/** Sums the per-slice tallies into the header's totals. */
/**
 * Takes the slice's lease. Free (or expired) → taken. Held by an earlier delivery of this same event →
 * taken over: Forge redelivers an event only after that delivery ended (it failed, timed out or was
 * killed, and can make no further request). Held by anyone else (a concurrent duplicate, another event
 * for the slice) → busy.
 */
async function takeLease(e: SliceEvent, d: Delivery, remainingMs: number): Promise<Lease | undefined> {
  const mine: Lease = { token: randomUUID(), eventId: d.eventId, retryCount: d.retryCount };
  const ttl = { value: Math.ceil(remainingMs / 1000) + 2, unit: 'SECONDS' as const };
  try {
    await kvs.set(leaseKey(e), mine, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
    return mine;
  } catch (err) {
    if (!isKeyConflict(err)) throw err;
  }
  const held = await kvs.get<Lease>(leaseKey(e));
  if (!held || held.eventId !== d.eventId || held.retryCount >= d.retryCount) return undefined;
  const previous = await kvs.set<Lease, Lease>(leaseKey(e), mine, {
    keyPolicy: 'OVERRIDE',
    returnValue: 'PREVIOUS',
    ttl,
  });
  if (previous?.value.token === held.token) return mine;
  // A concurrent duplicate of this redelivery swapped first: give it back and stand aside.
  if (previous) await kvs.set(leaseKey(e), previous.value, { ttl });
  return undefined;
}

/**
 * Reads the slice's state before any write: a desk's customers within PRE_STATE_MAX_SHARE of the slice's
 * items in requests (desk-state.ts), or, when it costs one request, one user's groups (`user/groups`). A slice of many people for one group reads nothing: the group's member list
 * would be re-read per slice and grows as the job adds (issue 18: 5,000 adds took 1.197 × N / rate), and
 * each write's own answer says whether it was already so. Jira answers an add of an existing member 400
 * "Cannot add user. User is already a member of '<group>'" and a removal of a non-member 400 "… is not a
 * member of …", which `applyMembership` (groups/membership.ts) records as "already". (The published spec,
 * local/specs/jira-platform-v3.json `POST`/`DELETE /rest/api/3/group/user`, lists 400 only for a missing
 * group name or account id; it does not describe the existing-member answer, which the app has always
 * matched by its text, as the simulator answers it: local/jira-sim/routes/groups.ts.)
 */
async function readPreState(
  jira: RunnerDeps['jira'],
  op: 'add' | 'remove',
  items: JobItem[],
  todo: number[],
  desk: boolean,
): Promise<PreState> {
  const wanted = (isMember: boolean) => isMember === (op === 'add');
  const users = new Set(todo.map((i) => (items[i] as JobItem).a));
  if (desk) {
    // A desk job has one desk; beyond the budget each batch searches its own people (applyToDesk).
    const deskId = (items[todo[0] as number] as JobItem).g;
    const budget = Math.max(1, Math.floor(todo.length * PRE_STATE_MAX_SHARE));
    const customers = await deskCustomersWithin(jira, deskId, budget);
    if (!customers) return { known: false, inTarget: [] };
    return { known: true, inTarget: todo.filter((i) => wanted(customers.has((items[i] as JobItem).a))) };
  }
  if (users.size !== 1) return { known: false, inTarget: [] };
  const ids = await jira.getUserGroupIds([...users][0] as string);
  return { known: true, inTarget: todo.filter((i) => wanted(ids.has((items[i] as JobItem).g))) };
}

export type SliceResult = { kind: 'finished' } | { kind: 'busy' } | { kind: 'continued'; delaySeconds: number };

/** A wait longer than this is Jira's hourly points pool (it resets at the top of the hour), not a burst limit. */
const HOURLY_WAIT_MS = 60_000;

/** What a job waits for, in words, from how long Jira asked it to wait. */
export function waitingReason(waitMs: number): string {
  return waitMs > HOURLY_WAIT_MS ? "Jira's hourly limit" : "Jira's rate limit";
}

/**
 * Why the job's creator can no longer act, in words, or undefined when they still can: asUser(creator)
 * `mypermissions` (no cache), and when Forge refuses to act as them at all, what Jira says of the account
 * (asApp): deleted, or deactivated. Throws JiraWaitRequired (nothing sent) when Jira asks to wait.
 */
async function creatorRefusal(
  jira: RunnerDeps['jira'],
  creator: string,
  membership: boolean,
): Promise<string | undefined> {
  let rights: Record<string, boolean>;
  try {
    rights = await runActingAs(creator, () => jira.getMyGlobalPermissions(['ADMINISTER', 'SYSTEM_ADMIN']));
  } catch (err) {
    if (!forgeProxyRefused(err)) throw err;
    const page = await jira.getUsersBulkPage([creator], 0, 'app').catch(() => undefined);
    const account = page?.items.find((u) => u.accountId === creator);
    if (page && !account) return 'Stopped: the administrator who started this job has been deleted from the site.';
    if (account?.active === false) return 'Stopped: the administrator who started this job has been deactivated.';
    return 'Stopped: Forge no longer lets the app act as the administrator who started this job.';
  }
  if (membership && !rights.SYSTEM_ADMIN)
    return 'Stopped: the administrator who started this job is no longer a site admin.';
  if (!rights.ADMINISTER) return 'Stopped: the administrator who started this job is no longer a Jira administrator.';
  return undefined;
}

/**
 * Processes one slice event, and goes on with the following slices in the same invocation while it has
 * time (chainNext). Returns finished (also when the job was cancelled, stopped or is unknown),
 * busy (another live delivery holds the slice; it carries on, and if it dies Forge redelivers its event),
 * or continued (a continuation event has been pushed).
 */
export async function processSlice(
  deps: RunnerDeps,
  e: SliceEvent,
  d: Delivery,
  remainingMs: () => number,
): Promise<SliceResult> {
  const first = await deps.jobs.header(e.jobId);
  if (!first || first.stopped || e.chunk * JOB_CHUNK >= first.total) return { kind: 'finished' };
  let chained: Promise<SliceResult> | undefined;
  /**
   * Goes on with the next slice in this same invocation, under this delivery's identity, once this slice's
   * last write is under way: its set-up (lease, reads, rights) overlaps this slice's last answers, and the
   * pace to Jira does not drop at each hand-over (ten of them in a 5,000-item job). The next slice's own event
   * then finds it complete (or, if it comes while this delivery's lease is left by a dead holder, busy: the
   * redelivery of this event, whose retry count is higher, takes the lease over and goes on, below).
   */
  const chainNext = () => {
    if (chained || (e.chunk + 1) * JOB_CHUNK >= first.total || remainingMs() < CHAIN_MIN_REMAINING_MS) return;
    chained = (async () => {
      const header = await deps.jobs.header(e.jobId);
      const next = { jobId: e.jobId, chunk: e.chunk + 1, gen: header?.slices?.[e.chunk + 1]?.gen ?? 0 };
      return processSlice(deps, next, d, remainingMs);
    })();
    // Awaited (and its error rethrown) when this slice ends; handled now, so it is never an unhandled rejection.
    chained.catch(() => undefined);
  };
  const known = first.slices?.[e.chunk];
  if (known?.complete || (e.gen ?? 0) < (known?.gen ?? 0)) {
    // A redelivery (after a failure) may find its slice done and the chain it started cut short: go on.
    if (known?.complete && d.retryCount > 0) {
      chainNext();
      if (chained) await chained;
    }
    return { kind: 'finished' };
  }
  const lease = await takeLease(e, d, remainingMs());
  if (!lease) return { kind: 'busy' };
  try {
    // The fence: the lease is held before the cancel flag is read (cancelJob sets the flag, then waits for leases).
    if (await isCancelled(e.jobId)) return { kind: 'finished' };
    const result = await runActingAs(first.createdBy, () => work(deps, e, remainingMs, chainNext));
    // A redelivery that had nothing left to send still owes the chain a dead delivery of this event started.
    if (d.retryCount > 0 && result.kind === 'finished') chainNext();
    return result;
  } finally {
    // Given back even when KVS is busy (its 429s waited out); a lease left behind ends with its TTL.
    if ((await kvs.get<Lease>(leaseKey(e)))?.token === lease.token) await kvs.delete(leaseKey(e));
    // The next slice, if this one started it, ends within this invocation too (its errors are this delivery's).
    if (chained) await chained;
  }
}

async function work(
  deps: RunnerDeps,
  e: SliceEvent,
  remainingMs: () => number,
  /** Called once this slice's last unit is under way (processSlice starts the next slice then). */
  onLastSent: () => void = () => undefined,
): Promise<SliceResult> {
  const header = (await deps.jobs.header(e.jobId)) as JobHeader;
  const spec = BULK_OPERATIONS[header.operation];
  const membershipOp =
    header.operation === 'remove-users-from-group'
      ? 'remove'
      : header.operation === 'add-users-to-group' || header.operation === 'add-user-to-groups'
        ? 'add'
        : undefined;
  const deskOp =
    header.operation === 'add-customers-to-desk'
      ? 'add'
      : header.operation === 'remove-customers-from-desk'
        ? 'remove'
        : undefined;
  /** Operations whose items may already be so: read before the slice writes, recorded "already so" unsent. */
  const stateOp = membershipOp ?? deskOp;
  const alreadyMessage =
    deskOp === 'add'
      ? 'Already a customer of this desk.'
      : deskOp === 'remove'
        ? 'Already not a customer of this desk.'
        : membershipOp === 'add'
          ? 'Already a member.'
          : 'Already not a member.';
  const slice = (header.slices ??= {})[e.chunk] ?? { done: 0, already: 0, failed: 0, complete: false, gen: 0 };
  if ((e.gen ?? 0) < (slice.gen ?? 0) || header.stopped) return { kind: 'finished' };
  header.slices[e.chunk] = slice;

  const [items, outcomes, inFlight, indexOwed, ttl, auditTtlNow] = await Promise.all([
    deps.jobs.items(e.jobId, e.chunk),
    deps.jobs.outcomes(e.jobId, e.chunk),
    kvs.get<number[]>(flightKey(e)),
    kvs.get<number[]>(indexOwedKey(e)),
    jobTtl(),
    auditTtl(),
  ]);
  // Items whose request may have reached Jira in an earlier delivery, and have no outcome: read back first.
  const uncertain = new Set((inFlight ?? []).filter((i) => !outcomes[i]));
  /** Items of this delivery's batches, marked in flight (stored) before any of their requests leaves. */
  const marked = new Set<number>();
  /** Items whose outcome is stored (committed by a checkpoint), so no longer in flight. */
  const saved = new Set<number>();
  /**
   * What the slice's in-flight record must hold: marked or uncertain, outcome not stored (`stored`: the
   * outcomes committed, or being committed in the same transaction). An outcome known only in memory does not
   * count: if the delivery dies before its checkpoint, the item must be read back.
   */
  const flightNow = (stored: Set<number>) => [...new Set([...uncertain, ...marked])].filter((i) => !stored.has(i));
  /**
   * Audit entries and index changes of outcomes recorded in memory, not yet stored: the next checkpoint
   * writes the entries with the outcomes (one transaction); index changes are recorded at most every
   * INDEX_FLUSH_MS, and the items owed stay listed in the checkpoint (`indexOwedKey`) until then.
   */
  const pendingAudit: Array<{ input: AuditInput; stableId: { at: Date; id: string } }> = [];
  const owedIndex = new Set<number>((indexOwed ?? []).filter((i) => outcomes[i] && outcomes[i]?.o !== 'failed'));
  let indexFlushedAt = Date.now();

  /**
   * Every write of the slice's own keys goes through this chain, one at a time and in the order they were
   * asked for, so a later in-flight record is never overwritten by an earlier one.
   */
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const flushIndex = async () => {
    if (!membershipOp || !deps.index || owedIndex.size === 0) return;
    const at = Date.now();
    const owed = [...owedIndex];
    const changes: AccountChange[] = owed.map((i) => ({
      kind: 'group',
      accountId: (items[i] as JobItem).a,
      at,
      op: membershipOp,
      groupId: (items[i] as JobItem).g,
    }));
    await (deps.index as NonNullable<RunnerDeps['index']>).record(changes);
    for (const i of owed) owedIndex.delete(i);
    indexFlushedAt = Date.now();
  };

  /** Stores the outcomes recorded so far with their audit entries and the in-flight record, in one transaction. */
  const checkpoint = (final = false) =>
    serial(async () => {
      if (final || Date.now() - indexFlushedAt >= INDEX_FLUSH_MS) await flushIndex();
      header.heartbeat = new Date().toISOString();
      let committed: { saved: number[]; audit: number } = { saved: [], audit: 0 };
      // Merged with the other slices' tallies as stored (this slice's own object stays `slice`).
      const stored = await deps.jobs.checkpoint(header, e.chunk, outcomes, () => {
        const now = outcomes.flatMap((o, i) => (o ? [i] : []));
        committed = { saved: now, audit: pendingAudit.length };
        return [
          { key: flightKey(e), value: flightNow(new Set(now)), ttl },
          { key: indexOwedKey(e), value: [...owedIndex], ttl },
          ...auditPacks(pendingAudit, auditTtlNow),
        ];
      });
      for (const i of committed.saved) saved.add(i);
      pendingAudit.splice(0, committed.audit);
      header.slices = { ...stored.slices, [e.chunk]: slice };
      header.counts = stored.counts;
      header.processed = stored.processed;
      if (stored.stopped) header.stopped = stored.stopped;
    });
  /** Marks items in flight (stored before any of their requests may leave). */
  const mark = (indices: number[]) => {
    for (const i of indices) marked.add(i);
    return serial(() => kvs.set(flightKey(e), flightNow(saved), ttl));
  };
  const stopJob = async (reason: string): Promise<SliceResult> => {
    header.stopped = reason;
    delete header.waiting;
    await checkpoint(true);
    return { kind: 'finished' };
  };

  let todo = items.map((_, i) => i).filter((i) => !outcomes[i]);
  let pause: number | undefined;
  let stop = false;
  /** A desk job whose desk was too large to read up front: each batch searches its people (applyToDesk). */
  let deskUnknown = false;
  // Membership: 50 items per batch (rights and cancel read before each; one checkpoint per batch).
  const batchSize = spec.batch > 1 ? spec.batch : 50;

  /** The creator's rights, fresh; a wait Jira asks for becomes this slice's pause. */
  const refusal = async (): Promise<string | undefined> => {
    try {
      const refused = await creatorRefusal(deps.jira, header.createdBy, membershipOp !== undefined);
      // Kept in the header by the next checkpoint, so the slice after this one may start on it (below).
      if (!refused && pause === undefined) header.rightsAt = Math.max(header.rightsAt ?? 0, Date.now());
      return refused;
    } catch (err) {
      if (!(err instanceof JiraApiError) || err.status !== 429) throw err;
      pause = Math.max(pause ?? 0, err.retryAfter ?? 1000);
      return undefined;
    }
  };

  // The administrator's rights, before anything (the pre-state read below is made as them too).
  // A slice that follows another at once starts on the rights its last batch read, when under RIGHTS_FRESH_MS
  // old (as a batch inside a slice does): one mypermissions request less per hand-over.
  const carried = header.rightsAt !== undefined && Date.now() - header.rightsAt < RIGHTS_FRESH_MS;
  const before = carried ? undefined : await refusal();
  if (before) return stopJob(before);
  const rightsReadAt = carried ? (header.rightsAt as number) : Date.now();

  /** Records outcomes in memory (stored by the next checkpoint, with their audit entries). */
  const record = (indices: number[], results: ChangeResult[]) => {
    for (const [k, i] of indices.entries()) {
      const item = items[i] as JobItem;
      const result = results[k] as ChangeResult;
      if (outcomes[i]) continue;
      const message = boundedReason(result.message);
      pendingAudit.push({
        input: {
          actor: header.createdBy,
          action: spec.action,
          targetType: 'user',
          targetId: item.a,
          objectType: spec.objectType,
          objectId: item.g,
          objectLabel: header.labels[item.g],
          result: result.outcome,
          detail: message,
          jobId: e.jobId,
        },
        stableId: {
          at: new Date(header.createdAt),
          id: `${e.jobId}-${String(e.chunk * JOB_CHUNK + i).padStart(6, '0')}`,
        },
      });
      outcomes[i] = { o: result.outcome, ...(result.outcome === 'failed' ? { m: message } : {}) } as JobOutcome;
      slice[result.outcome] += 1;
      // Done or already so: the membership is now as the item asked, so product access in the index follows.
      if (membershipOp && result.outcome !== 'failed') owedIndex.add(i);
    }
  };

  /**
   * A desk batch when the desk was too large to read up front: its people are searched on the desk first,
   * and those already so are recorded as such, unsent. Items whose request may have left in an earlier
   * delivery are not searched (this job may have put them there): they are sent again, as before.
   */
  const applyToDesk = async (indices: number[]): Promise<ChangeResult[]> => {
    const batch = indices.map((i) => items[i] as JobItem);
    const deskId = (batch[0] as JobItem).g;
    const fresh = (k: number) => !uncertain.has(indices[k] as number);
    const onDesk = await customersAmong(
      deps.jira,
      deskId,
      batch.filter((_, k) => fresh(k)).map((item) => item.a),
    );
    const isAlready = (item: JobItem, k: number) => fresh(k) && onDesk.has(item.a) === (deskOp === 'add');
    const send = batch.filter((item, k) => !isAlready(item, k));
    const sent = send.length > 0 ? await spec.apply(deps.jira, send) : [];
    let next = 0;
    return batch.map((item, k) =>
      isAlready(item, k) ? { outcome: 'already', message: alreadyMessage } : (sent[next++] as ChangeResult),
    );
  };

  /** One item (or one JSM batch): an in-flight one from a lost delivery is read back first. */
  const applyOne = async (indices: number[]): Promise<ChangeResult[]> => {
    if (deskOp && deskUnknown) return applyToDesk(indices);
    const batch = indices.map((i) => items[i] as JobItem);
    if (membershipOp && indices.length === 1 && uncertain.has(indices[0] as number)) {
      const item = batch[0] as JobItem;
      if (await membershipLanded(deps.jira, membershipOp, item.g, item.a)) {
        const done = membershipOp === 'add' ? 'Added to the group.' : 'Removed from the group.';
        return [{ outcome: 'done', message: `${done} ${MEMBERSHIP_READ_BACK_NOTE}` }];
      }
    }
    const results = await spec.apply(deps.jira, batch);
    // A transient failure (5xx after the executor's own retries) gets one more try before it is recorded.
    if (membershipOp && results.length === 1 && results[0]?.outcome === 'failed' && isRetryable(results[0].message))
      return spec.apply(deps.jira, batch);
    return results;
  };

  // Membership and desks: what was already so before this slice wrote anything is recorded as such, unsent.
  if (stateOp && pause === undefined) {
    let pre = await kvs.get<PreState>(preKey(e));
    if (!pre) {
      const untouched = todo.length === items.length && uncertain.size === 0;
      try {
        pre =
          untouched && todo.length > 0
            ? await readPreState(deps.jira, stateOp, items, todo, deskOp !== undefined)
            : { known: false, inTarget: [] };
      } catch (err) {
        if (!(err instanceof JiraApiError) || err.status !== 429) throw err;
        pre = undefined;
        pause = err.retryAfter ?? 1000;
      }
      const value = pre;
      if (value) await kvs.set(preKey(e), value, ttl);
    }
    deskUnknown = pre?.known === false;
    const already = new Set(pre?.inTarget ?? []);
    const skip = todo.filter((i) => already.has(i));
    if (skip.length > 0) {
      record(
        skip,
        skip.map(() => ({ outcome: 'already', message: alreadyMessage })),
      );
      todo = todo.filter((i) => !already.has(i));
      slice.complete = outcomes.filter(Boolean).length >= items.length;
      retally(header);
      await checkpoint();
    }
  }

  // The units of work (one item, or one JSM batch), in order; batch b holds units [b·perBatch, (b+1)·perBatch).
  const units: number[][] =
    spec.batch > 1
      ? Array.from({ length: Math.ceil(todo.length / spec.batch) }, (_, u) =>
          todo.slice(u * spec.batch, (u + 1) * spec.batch),
        )
      : todo.map((i) => [i]);
  const perBatch = Math.max(1, Math.floor(batchSize / Math.max(spec.batch, 1)));
  const batchCount = Math.ceil(units.length / perBatch);

  /**
   * Before each write batch: the cancel flag and the creator's rights, read fresh (nothing cached), and the
   * batch's items marked in flight. The check for batch b+1 starts while batch b's last WORKERS units are being
   * sent (LOOKAHEAD), so it is ready when they are, instead of stalling the pipe between batches (~120 ms a
   * batch); rights lost are thus noticed at most a batch and LOOKAHEAD writes late. (The cancel fence does
   * not rest on when the flag is read: cancelJob waits until no lease is held.) The first batch uses the
   * rights just read when they are under a second old (no pre-state read came between).
   */
  type Gate = { cancelled: boolean; refused?: string } | { err: unknown };
  const gates = new Map<number, Promise<Gate>>();
  const gate = (b: number): Promise<Gate> => {
    let g = gates.get(b);
    if (!g) {
      const batchItems = units.slice(b * perBatch, (b + 1) * perBatch).flat();
      const fresh = b === 0 && Date.now() - rightsReadAt < RIGHTS_FRESH_MS;
      // Settled here, never rejected: a check that is never awaited (the loop ended) rejects nobody.
      g = (async (): Promise<Gate> => {
        try {
          const [cancelled, refused] = await Promise.all([
            isCancelled(e.jobId),
            fresh ? Promise.resolve(undefined) : refusal(),
          ]);
          if (cancelled || refused) return { cancelled, ...(refused ? { refused } : {}) };
          await mark(batchItems);
          return { cancelled: false };
        } catch (err) {
          return { err };
        }
      })();
      gates.set(b, g);
    }
    return g;
  };

  // Hand over with a margin: 10 s, or a quarter of a short time limit.
  const margin = Math.min(HANDOVER_MARGIN_MS, remainingMs() / 4);
  /** Units Jira refused with 403 (site admin required): not attempted if the creator lost the rights. */
  const forbidden: Array<{ indices: number[]; results: ChangeResult[] }> = [];
  let halted = false;
  let refusedBy: string | undefined;
  let failure: unknown;
  let next = 0;
  /** Units whose request may have left (taken by a worker past its batch's check). */
  const sentUnits = new Set<number>();
  let settledSinceCheckpoint = 0;
  const dispatching = () =>
    pause === undefined && !halted && !stop && !refusedBy && failure === undefined && next < units.length;
  const worker = async () => {
    while (dispatching()) {
      if (remainingMs() < margin) return;
      const u = next;
      next += 1;
      const b = Math.floor(u / perBatch);
      // Batch b's last units are under way: read the next batch's flag and rights meanwhile.
      if (b + 1 < batchCount && (b + 1) * perBatch - next < LOOKAHEAD) void gate(b + 1);
      const g = await gate(b);
      if ('err' in g) {
        failure ??= g.err;
        return;
      }
      if (g.cancelled) stop = true;
      if (g.refused) refusedBy ??= g.refused;
      if (g.cancelled || g.refused || pause !== undefined || halted) return;
      const indices = units[u] as number[];
      sentUnits.add(u);
      if (next >= units.length) onLastSent();
      try {
        const results = await applyOne(indices);
        if (membershipOp && results.some((r) => r.outcome === 'failed' && r.message === SITE_ADMIN_MESSAGE)) {
          forbidden.push({ indices, results });
          halted = true;
        } else {
          record(indices, results);
          settledSinceCheckpoint += indices.length;
          if (settledSinceCheckpoint >= batchSize) {
            settledSinceCheckpoint = 0;
            retally(header);
            void checkpoint().catch((err: unknown) => {
              failure ??= err;
            });
          }
        }
      } catch (err) {
        if (err instanceof RateLimitedFailure) {
          pause = Math.max(pause ?? 0, err.retryAfterMs ?? 1000);
          return;
        }
        // Forge refused to act as the creator (deactivated, deleted): nothing reached Jira.
        if (forgeProxyRefused(err)) {
          halted = true;
          return;
        }
        failure ??= err;
        return;
      }
    }
  };
  if (units.length > 0 && pause === undefined)
    await runActingAs(header.createdBy, () => Promise.all(Array.from({ length: WORKERS }, () => worker())));
  // Checks started for batches that will not be sent: let their reads end before the lease is given back.
  await Promise.all([...gates.values()]);
  await chain;
  if (failure !== undefined) throw failure;
  // Units never sent are no longer in flight (a unit whose request may have left keeps its mark).
  const sentItems = new Set([...sentUnits].flatMap((u) => units[u] ?? []));
  for (const i of [...marked]) if (!sentItems.has(i)) marked.delete(i);
  // Jira refused writes as forbidden, or Forge refused to act as the creator: ask again who they are now.
  const lost =
    refusedBy ??
    (halted
      ? ((await refusal()) ??
        (forbidden.length === 0 && pause === undefined
          ? 'Stopped: Forge no longer lets the app act as the administrator who started this job.'
          : undefined))
      : undefined);
  if (!lost) for (const f of forbidden) record(f.indices, f.results);
  // A 403 is Jira refusing the write: nothing changed, so those items are simply not attempted.
  else
    for (const f of forbidden)
      for (const i of f.indices) {
        marked.delete(i);
        uncertain.delete(i);
      }
  slice.complete = outcomes.filter(Boolean).length >= items.length;
  retally(header);
  if (lost) return stopJob(lost);
  if (stop || slice.complete) {
    delete header.waiting;
    await checkpoint(true);
    if (slice.complete) await kvs.transact().delete(flightKey(e)).delete(preKey(e)).delete(indexOwedKey(e)).execute();
    return { kind: 'finished' };
  }
  // Not done: hand over to a continuation event, after Jira's Retry-After when it asked to wait.
  const delaySeconds = pause === undefined ? 0 : Math.min(Math.ceil(pause / 1000), 900);
  const gen = (e.gen ?? 0) + 1;
  const { jobId: q } = await queue.push({
    body: { jobId: e.jobId, chunk: e.chunk, gen },
    concurrency: { ...BULK_CONCURRENCY },
    ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}),
  });
  slice.gen = gen;
  slice.q = q;
  if (pause !== undefined)
    header.waiting = {
      until: new Date(Date.now() + Math.max(pause, delaySeconds * 1000)).toISOString(),
      reason: waitingReason(pause),
    };
  else delete header.waiting;
  await checkpoint(true);
  return { kind: 'continued', delaySeconds };
}
