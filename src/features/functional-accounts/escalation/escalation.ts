/**
 * Credential-expiry escalation, the Jira way, as background work on the `functional-escalation` queue:
 * - plan (pushed when the daily health check finishes): reads the registry and the open cycles from KVS
 *   (no Jira request) and pushes one `account` event per account with a credential past a threshold or an
 *   open cycle to close, and one `departed` event per owner the check found inactive or deleted;
 * - account: for each credential cycle (account, credential, expiry) past a threshold, makes sure its one
 *   tracking issue exists (created as the app, assigned to the owner, carrying the entity property
 *   `jua-escalation` = { cycle }), then posts that threshold's comment and Jira notice once; cycles whose
 *   credential was rotated (a renewal is recorded as a rotation) or removed, or whose account was unregistered,
 *   move to done with a comment.
 * Exactly once under duplicate deliveries, killed consumers and lost answers: one delivery per account at a
 * time (a lease); every step is recorded in the cycle's KVS entry before and after it; a lost create is
 * found again by its entity property through JQL (never created twice), a lost comment by its words in the
 * issue's comments. Jira offers no read-back of its mail queue: a notice whose answer was lost is counted as
 * sent, never sent twice (the comment, which Jira's own notification scheme mails to the assignee, stands).
 */
import { Queue } from '@forge/events';
import type { AuditStore } from '../../audit/audit-store';
import type { JiraClient } from '../../../jira';
import { JiraApiError, JiraWaitRequired, outcomeUnknown } from '../../../jira/errors';
import { kvsWaitSeconds } from '../../../store/kvs-retry';
import type { FunctionalRecord, FunctionalStore } from '../functional-store';
import { isCheckable } from '../functional-health';
import type { CycleRecord, EscalationSettings, EscalationStore, LeaseDelivery } from './escalation-store';
import { EscalationRetry, ensureTrackingIssue, findIssueByProperty } from './tracking-issue';
import {
  ESCALATION_PROPERTY,
  type CloseReason,
  closingComment,
  crossedThreshold,
  cycleId,
  issueDescription,
  issueSummary,
  noticeSubject,
  noticeText,
  reminderComment,
  thresholdMarker,
  thresholdWords,
} from './escalation-texts';

export { EscalationRetry, INDEX_GRACE_MS, findIssueByProperty } from './tracking-issue';

export const ESCALATION_QUEUE = 'functional-escalation';
/** Accounts worked on at once, so escalation never takes every consumer or Jira's burst from people. */
export const ESCALATION_CONCURRENCY = 2;
const PUSH_MAX = 50;
const DAY = 86_400_000;

export type EscalationEvent =
  | { step: 'plan'; runId: string }
  | { step: 'account'; accountId: string }
  | { step: 'departed'; personId: string; source: 'event' | 'daily-check' }
  | { step: 'handover'; jobId: string; slice: number };

export type EscalationJira = Pick<
  JiraClient,
  | 'createIssue'
  | 'searchIssues'
  | 'listComments'
  | 'addComment'
  | 'listTransitions'
  | 'transitionIssue'
  | 'notifyIssue'
  | 'getUsersBulkPage'
>;

export interface EscalationDeps {
  jira: EscalationJira;
  store: FunctionalStore;
  esc: EscalationStore;
  audit: AuditStore;
  now?: () => Date;
  /** Pushes events to the escalation queue; defaults to @forge/events. */
  push: (events: EscalationEvent[]) => Promise<void>;
}

const nowOf = (deps: EscalationDeps) => deps.now?.() ?? new Date();

/** Pushes escalation events through @forge/events, account and person steps under the queue's concurrency key. */
export async function pushEscalationEvents(events: EscalationEvent[]): Promise<void> {
  if (events.length === 0) return;
  await new Queue({ key: ESCALATION_QUEUE }).push(
    events.map((body) => ({
      body: body as unknown as Record<string, unknown>,
      ...(body.step === 'plan' ? {} : { concurrency: { key: ESCALATION_QUEUE, limit: ESCALATION_CONCURRENCY } }),
    })),
  );
}

export async function pushAll(deps: EscalationDeps, events: EscalationEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += PUSH_MAX) await deps.push(events.slice(i, i + PUSH_MAX));
}

/** Whether reminders go anywhere: a project and an issue type are chosen. */
export function isConfigured(s: EscalationSettings): s is EscalationSettings & {
  projectId: string;
  issueTypeId: string;
} {
  return !!s.projectId && !!s.issueTypeId;
}

/** Active credentials past a threshold, with the threshold each is at. */
export function dueCredentials(
  record: FunctionalRecord,
  thresholds: number[],
  now: Date,
): Array<{ credentialId: string; label: string; expiresAt: string; threshold: number }> {
  const out: Array<{ credentialId: string; label: string; expiresAt: string; threshold: number }> = [];
  for (const c of record.credentials) {
    if (c.status !== 'active' || !c.expiresAt) continue;
    const t = crossedThreshold(thresholds, Date.parse(c.expiresAt) - now.getTime());
    if (t !== undefined)
      out.push({ credentialId: c.credentialId, label: c.label, expiresAt: c.expiresAt, threshold: t });
  }
  return out;
}

// ---- plan ----------------------------------------------------------------------------------------

/**
 * Step 1: which accounts and departed owners need work today. Reads KVS only. Runs again harmlessly
 * (each pushed step is idempotent and costs no Jira request when there is nothing left to do).
 */
export async function planEscalation(deps: EscalationDeps): Promise<{ accounts: number; departed: number }> {
  const settings = await deps.esc.settings();
  const now = nowOf(deps);
  const accounts = new Set<string>();
  const departed = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.store.page(cursor, 100);
    const records = (page.items as unknown[]).filter(isCheckable);
    const checks = await deps.store.checks(records.map((r) => r.accountId));
    for (const r of records) {
      if (isConfigured(settings) && dueCredentials(r, settings.thresholds, now).length > 0) accounts.add(r.accountId);
      const gone = checks
        .get(r.accountId)
        ?.findings.some((f) => f.kind === 'owner-inactive' || f.kind === 'owner-deleted');
      if (gone) departed.add(r.ownerAccountId);
    }
    cursor = page.nextCursor;
  } while (cursor);
  for (const c of await deps.esc.openCycles()) accounts.add(c.accountId);
  await pushAll(deps, [
    ...[...departed].map((personId) => ({ step: 'departed' as const, personId, source: 'daily-check' as const })),
    ...[...accounts].map((accountId) => ({ step: 'account' as const, accountId })),
  ]);
  return { accounts: accounts.size, departed: departed.size };
}

// ---- one account ---------------------------------------------------------------------------------

/** Step 2 for one account (the caller holds the account's lease). */
export async function escalateAccount(
  deps: EscalationDeps,
  accountId: string,
  renew: Renew = async () => undefined,
): Promise<void> {
  const settings = await deps.esc.settings();
  const record = await deps.store.get(accountId);
  const live = record && isCheckable(record) ? record : undefined;
  const cycles = await deps.esc.cycles(accountId);
  const now = nowOf(deps);
  const wanted = new Set<string>();
  if (live && isConfigured(settings)) {
    for (const due of dueCredentials(live, settings.thresholds, now)) {
      const id = cycleId(accountId, due.credentialId, due.expiresAt);
      wanted.add(id);
      const cycle: CycleRecord = cycles.find((c) => c.cycle === id) ?? {
        cycle: id,
        accountId,
        credentialId: due.credentialId,
        credentialLabel: due.label,
        accountName: live.displayName,
        expiresAt: due.expiresAt,
        projectId: settings.projectId,
        issueTypeId: settings.issueTypeId,
        notices: {},
      };
      if (cycle.closed) continue;
      await renew();
      await ensureIssue(deps, cycle, live, now);
      await renew();
      await notice(deps, cycle, live, due.threshold, settings.thresholds, now);
    }
  }
  for (const cycle of cycles) {
    if (wanted.has(cycle.cycle) || cycle.closed?.state === 'done') continue;
    const reason = closeReason(live, cycle);
    if (!reason) continue;
    await renew();
    await closeCycle(deps, cycle, live?.displayName ?? cycle.accountName ?? 'a former functional account', reason, now);
  }
}

/**
 * Why a cycle no longer wanted closes, if it does. A credential's expiry never changes once recorded: a
 * renewal is recorded as a rotation ("Record rotation" with the new expiry; an Atlassian API token cannot
 * be extended, a renewed token is a new one), which retires this credential, so "rotated" covers both.
 */
function closeReason(record: FunctionalRecord | undefined, cycle: CycleRecord): CloseReason | undefined {
  if (cycle.closed) return cycle.closed.reason as CloseReason;
  if (!record) return 'unregistered';
  const c = record.credentials.find((x) => x.credentialId === cycle.credentialId);
  if (!c) return 'removed';
  if (c.status !== 'active') return 'rotated';
  // Still the same current credential: the threshold list changed so it is not due yet; leave it open.
  return undefined;
}

/** Creates the cycle's issue unless it exists (tracking-issue.ts: found by its entity property, never twice). */
async function ensureIssue(
  deps: EscalationDeps,
  cycle: CycleRecord,
  record: FunctionalRecord,
  now: Date,
): Promise<void> {
  const created = await ensureTrackingIssue(
    deps.jira,
    cycle,
    (c) => deps.esc.putCycle(c),
    {
      property: ESCALATION_PROPERTY,
      id: cycle.cycle,
      fields: {
        projectId: cycle.projectId,
        issueTypeId: cycle.issueTypeId,
        summary: issueSummary(record.displayName, cycle.credentialLabel, cycle.expiresAt),
        description: issueDescription(record.displayName, cycle.credentialLabel, cycle.expiresAt),
        properties: [{ key: ESCALATION_PROPERTY, value: { cycle: cycle.cycle, kind: 'credential-expiry' } }],
      },
      assigneeAccountId: record.ownerAccountId,
      // Only a refusal of the assignee field itself means "cannot be assigned there".
      unassignable: (err) => hasFieldError(err.body, 'assignee'),
    },
    now,
  );
  if (created?.made) await deps.esc.putStatus(cycle.accountId, { issueKey: created.key });
}

function hasFieldError(body: unknown, field: string): boolean {
  const errors = (body as { errors?: Record<string, unknown> } | undefined)?.errors;
  return !!errors && Object.hasOwn(errors, field);
}

/**
 * The threshold's comment, then its notice, each once. Thresholds crossed earlier without a notice (the
 * account was registered late, or reminders were switched on late) are skipped: one notice, the most urgent.
 */
async function notice(
  deps: EscalationDeps,
  cycle: CycleRecord,
  record: FunctionalRecord,
  t: number,
  thresholds: number[],
  now: Date,
): Promise<void> {
  const key = String(t);
  const at = now.toISOString();
  let changed = false;
  for (const other of thresholds)
    if (other > t && !cycle.notices[String(other)]) {
      cycle.notices[String(other)] = { state: 'skipped', at };
      changed = true;
    }
  if (changed) await deps.esc.putCycle(cycle);
  const issue = cycle.issueId as string;
  let n = cycle.notices[key];
  if (n?.state === 'done' || n?.state === 'skipped') return;
  if (!n || n.state === 'commenting') {
    if (n?.state === 'commenting') {
      const mine = (await deps.jira.listComments(issue)).find((c) => c.text.includes(thresholdMarker(t)));
      if (mine) n = { state: 'commented', at, commentId: mine.id };
    }
    if (!n || n.state === 'commenting') {
      cycle.notices[key] = { state: 'commenting', at };
      await deps.esc.putCycle(cycle);
      try {
        const c = await deps.jira.addComment(
          issue,
          reminderComment(t, record.displayName, cycle.credentialLabel, cycle.expiresAt),
        );
        n = { state: 'commented', at, commentId: c.id };
      } catch (err) {
        if (outcomeUnknown(err)) throw new EscalationRetry(5, 'the comment’s answer was lost: read it back next');
        throw err;
      }
    }
    cycle.notices[key] = n;
    await deps.esc.putCycle(cycle);
  }
  if (n.state === 'notifying') {
    cycle.notices[key] = { ...n, state: 'done', uncertain: true };
    await deps.esc.putCycle(cycle);
    return;
  }
  cycle.notices[key] = { ...n, state: 'notifying', at };
  await deps.esc.putCycle(cycle);
  let uncertain = false;
  try {
    await sendNotice(deps, issue, {
      subject: noticeSubject(t, record.displayName, cycle.credentialLabel),
      textBody: noticeText(t, record.displayName, cycle.credentialLabel, cycle.expiresAt),
      accountIds: [record.ownerAccountId, ...(record.backupOwnerIds ?? [])],
      groupIds: t <= 1 ? [record.owningGroupId] : [],
    });
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    uncertain = true;
  }
  cycle.notices[key] = { ...n, state: 'done', at: nowOf(deps).toISOString(), ...(uncertain ? { uncertain } : {}) };
  await deps.esc.putCycle(cycle);
  await deps.esc.putStatus(cycle.accountId, {
    ...(cycle.issueKey ? { issueKey: cycle.issueKey } : {}),
    lastNotice: thresholdWords(t),
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One notify call. Jira refuses the whole call (400) when a named person no longer exists: then the people
 * are read back (one `user/bulk`) and the call repeats once without them (a 400 sends nothing).
 */
export async function sendNotice(
  deps: Pick<EscalationDeps, 'jira'>,
  issue: string,
  n: { subject: string; textBody: string; accountIds: string[]; groupIds: string[] },
): Promise<void> {
  const accountIds = [...new Set(n.accountIds)];
  const send = (ids: string[]) =>
    deps.jira.notifyIssue(issue, {
      subject: n.subject,
      textBody: n.textBody,
      htmlBody: `<p>${escapeHtml(n.textBody)}</p>`,
      accountIds: ids,
      groupIds: n.groupIds,
    });
  try {
    await send(accountIds);
  } catch (err) {
    if (!(err instanceof JiraApiError && err.status === 400) || accountIds.length === 0) throw err;
    const existing = new Set((await deps.jira.getUsersBulkPage(accountIds, 0, 'app')).items.map((u) => u.accountId));
    const left = accountIds.filter((id) => existing.has(id));
    if (left.length === accountIds.length || (left.length === 0 && n.groupIds.length === 0)) throw err;
    await send(left);
  }
}

/** Moves the cycle's issue to done with a comment saying why (once), and marks the cycle closed. */
async function closeCycle(
  deps: EscalationDeps,
  cycle: CycleRecord,
  accountName: string,
  reason: CloseReason,
  now: Date,
): Promise<void> {
  if (!cycle.issueId) {
    // No issue was ever created (or its create is still unknown): look once, then close the record.
    const found = cycle.creatingSince
      ? await findIssueByProperty(deps.jira, cycle.projectId, ESCALATION_PROPERTY, cycle.cycle)
      : undefined;
    if (found) Object.assign(cycle, { issueId: found.id, issueKey: found.key });
    else {
      cycle.closed = { at: now.toISOString(), reason, state: 'done' };
      await deps.esc.putCycle(cycle);
      return;
    }
  }
  cycle.closed = { at: now.toISOString(), reason, state: 'closing' };
  await deps.esc.putCycle(cycle);
  const transitions = await deps.jira.listTransitions(cycle.issueId as string);
  const done = transitions.find((t) => t.toCategory === 'done');
  if (done) {
    try {
      await deps.jira.transitionIssue(
        cycle.issueId as string,
        done.id,
        closingComment(reason, accountName, cycle.credentialLabel),
      );
    } catch (err) {
      // A lost answer: the next delivery lists transitions again; once the issue is done none leads to done.
      if (outcomeUnknown(err)) throw new EscalationRetry(5, 'the transition’s answer was lost: read it back next');
      throw err;
    }
  }
  // No transition to done from here means the issue is already done (by this step earlier, or by a person).
  cycle.closed = { at: now.toISOString(), reason, state: 'done' };
  await deps.esc.putCycle(cycle);
  if (reason !== 'unregistered')
    await deps.esc.putStatus(cycle.accountId, {
      ...(cycle.issueKey ? { issueKey: cycle.issueKey } : {}),
      closed: true,
    });
}

/**
 * How long a lease lasts unless renewed. Short, because a delivery killed while holding it (a duplicate Forge
 * never redelivers) blocks the account until it expires; the holder renews it before each Jira write.
 */
export const LEASE_SECONDS = 20;

/** Renews the caller's lease before a write; throws when it was lost (another delivery carries on). */
export type Renew = () => Promise<void>;

/**
 * Runs `fn` under a lease named `name`, so two deliveries never work on one account or person at once.
 * A delivery that finds the lease held does not wait for it: it marks the work wanted and returns, and the
 * holder, after releasing, runs once more when it finds the mark (the mark is set before the lease is tried
 * and read after it is released, so work asked for while a run was under way is never dropped). A holder
 * that dies is redelivered by Forge and takes its own lease over; at its last redelivery a successor event
 * was queued first (run-escalation-step), which may take it over too. A repeat that finds everything done
 * costs no Jira request.
 */
export async function withLease(
  deps: EscalationDeps,
  name: string,
  delivery: LeaseDelivery,
  fn: (renew: Renew) => Promise<void>,
): Promise<void> {
  await deps.esc.markWanted(name);
  // Bounded: a holder reruns at most a few times before leaving the rest to the next delivery or daily plan.
  for (let round = 0; round < 5; round++) {
    const lease = await deps.esc.takeLease(name, delivery, LEASE_SECONDS);
    if (!lease) return;
    const renew: Renew = async () => {
      if (!(await deps.esc.renewLease(name, lease, LEASE_SECONDS)))
        throw new EscalationRetry(LEASE_SECONDS, `${name}: the lease was lost`);
    };
    try {
      await deps.esc.takeWanted(name);
      await fn(renew);
    } finally {
      await deps.esc.releaseLease(name, lease);
    }
    if (!(await deps.esc.takeWanted(name))) return;
    await deps.esc.markWanted(name);
  }
}

/** Turns Jira's "wait", or KVS refusing requests for its rate limits, into a queue retry. */
export function retryOf(err: unknown): EscalationRetry | undefined {
  if (err instanceof EscalationRetry) return err;
  const kvsWait = kvsWaitSeconds(err);
  if (kvsWait !== undefined) return new EscalationRetry(kvsWait, 'KVS is rate limiting this installation');
  // retryAfter is in milliseconds (the executor parses Retry-After so).
  if (err instanceof JiraWaitRequired || (err instanceof JiraApiError && (err.status === 429 || err.status >= 500)))
    return new EscalationRetry(Math.max(1, Math.ceil((err.retryAfter ?? 30_000) / 1000)), err.message);
  return undefined;
}

export const ESCALATION_DAY_MS = DAY;
