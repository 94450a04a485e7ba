/**
 * Jira's user events (`trigger` user-events → function `apply-user-event` in manifest.yml): Jira tells the
 * app when an account is created (`avi:jira:created:user`), changes (`avi:jira:updated:user`: profile,
 * active status, groups and product access) or is deleted (`avi:jira:deleted:user`) — Forge's Jira events
 * reference, "User events" (developer.atlassian.com/platform/forge/events-reference/jira/; scope
 * read:jira-user). The directory index records it within seconds of the change.
 *
 * Delivery is at least once, and may be late or out of order; the payload carries no event time. So the
 * handler takes only the account id from a created/updated event and reads the account from Jira now
 * (asApp: a trigger has no user; one request, plus the email lookup when Jira hides it), recording it at
 * the time of that answer; a deletion is final. A repeated or late event thus records the current state
 * again (idempotent), never an older one (record-changes.ts, index-patches.ts). An update or deletion also
 * pushes the functional-account hand-over step for that person (features/functional-accounts/escalation).
 *
 * A trigger that fails is not delivered again (Atlassian promises no retry of product events), so an event
 * that KVS's rate limits (src/store/kvs-retry.ts: KvsRateLimited after its retries) or Jira's (a wait longer
 * than the invocation may sleep) keep from being recorded is not lost: it goes on the `user-event-retry`
 * queue with a delay (apply-user-event-later.ts), which records it then, and again later while the
 * limits last. Recording reads the account afresh each time, so a late record is still the current state.
 */
import { getAppContext } from '@forge/api';
import { Queue } from '@forge/events';
import * as users from '../jira/users';
import { JiraWaitRequired } from '../jira/errors';
import { applyJiraUserEvent } from '../features/directory-index/record-changes';
import { directoryStore } from '../features/directory-index/directory-store';
import { pushEscalationEvents } from '../features/functional-accounts/escalation/escalation';
import { isKvsBusy } from '../store/kvs-retry';
import { AppFailure } from '../invocation/app-error';

export const USER_EVENTS = ['avi:jira:created:user', 'avi:jira:updated:user', 'avi:jira:deleted:user'] as const;

/** The queue of user events to record later (consumer user-event-retry-consumer in manifest.yml). */
export const USER_EVENT_RETRY_QUEUE = 'user-event-retry';
/** The longest `delayInSeconds` Forge's queue accepts. */
const MAX_QUEUE_DELAY_SECONDS = 900;

export interface PendingUserEvent {
  eventType: string;
  accountId?: string;
  /** Deliveries from the retry queue so far (absent on the trigger's own). */
  attempt?: number;
}

/** Tries from the retry queue for an event that fails for another reason than a limit; then it is left to the reconciliation. */
export const MAX_LATER_ATTEMPTS = 8;

/** The wait before a retry of an event that failed for another reason: 1 min, 2, 4 … 15 min at most. */
export function backoffSeconds(attempt: number): number {
  return Math.min(MAX_QUEUE_DELAY_SECONDS, 60 * 2 ** attempt);
}

/** Records the event, or answers the seconds to wait before trying again when a platform limit stops it. */
export async function record(e: PendingUserEvent): Promise<'deleted' | 'observed' | 'ignored' | number> {
  try {
    return await applyJiraUserEvent(
      {
        jira: { getUser: (id) => users.getUser(id, 'app'), getEmailsBulk: users.getEmailsBulk },
        store: directoryStore,
      },
      { eventType: e.eventType, user: { ...(e.accountId !== undefined ? { accountId: e.accountId } : {}) } },
    );
  } catch (err) {
    if (isKvsBusy(err) || err instanceof JiraWaitRequired) return err.retryAfterSeconds;
    // A patch bucket's lock held by others past the wait (record-lock.ts): soon again.
    if (err instanceof AppFailure && err.code === 'CONFLICT') return 5;
    throw err;
  }
}

export async function recordLater(e: PendingUserEvent, seconds: number): Promise<void> {
  await new Queue({ key: USER_EVENT_RETRY_QUEUE }).push({
    body: { ...e },
    delayInSeconds: Math.min(Math.max(1, seconds), MAX_QUEUE_DELAY_SECONDS),
  });
}

/** Time a trigger keeps in hand before Forge ends it. */
const TRIGGER_RESERVE_MS = 10_000;

function triggerTimeLeftMs(): number {
  try {
    return getAppContext().invocationRemainingTimeInMillis();
  } catch {
    return 55_000;
  }
}

/** `work`'s outcome, or 'late' once `ms` have passed without one. */
async function beforeTheEnd<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, ms))));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function applyUserEvent(event: unknown): Promise<void> {
  const e = (event && typeof event === 'object' ? event : {}) as { eventType?: unknown; user?: unknown };
  const user = (e.user && typeof e.user === 'object' ? e.user : {}) as { accountId?: unknown };
  const pending: PendingUserEvent = {
    eventType: typeof e.eventType === 'string' ? e.eventType : '',
    ...(typeof user.accountId === 'string' ? { accountId: user.accountId } : {}),
  };
  let outcome: Awaited<ReturnType<typeof record>> | 'late';
  try {
    // A trigger that runs out of time is ended and not delivered again: one that is still recording
    // TRIGGER_RESERVE_MS before its end hands the event to the queue (recording twice is harmless).
    outcome = await beforeTheEnd(record(pending), triggerTimeLeftMs() - TRIGGER_RESERVE_MS);
    if (outcome === 'late') outcome = 1;
  } catch (err) {
    // A trigger that fails is not delivered again: any other failure is retried from the queue too.
    console.error(`user event not recorded (${(err as Error)?.name ?? 'error'}); retried from the queue`);
    outcome = backoffSeconds(0);
  }
  if (typeof outcome === 'number') await recordLater(pending, outcome);
  if (outcome === 'ignored') console.warn('user event ignored: not a Jira user event this app reads, or no index yet');
  // An owner deactivated or deleted: their functional accounts go to their backups (the escalation queue's
  // departed step reads the person and the registry itself, and does nothing for the active or for
  // someone who owns no account).
  if (
    (e.eventType === 'avi:jira:updated:user' || e.eventType === 'avi:jira:deleted:user') &&
    typeof user.accountId === 'string'
  )
    await pushEscalationEvents([{ step: 'departed', personId: user.accountId, source: 'event' }]);
}
