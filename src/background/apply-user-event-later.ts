/**
 * The `user-event-retry` consumer (function `apply-user-event-later` in manifest.yml): a Jira user event the
 * trigger could not record because a platform limit held it back (KVS's rate limits, or Jira asking for a
 * longer wait than an invocation may sleep; apply-user-event.ts) is recorded now, or put back on the queue
 * with the wait the limit asks for: a limit never drops it. Any other failure is tried again with growing waits
 * (1 min … 15 min), MAX_LATER_ATTEMPTS times, and then left to the next reconciliation, which corrects the index.
 */
import type { AsyncEvent } from '@forge/events';
import { backoffSeconds, MAX_LATER_ATTEMPTS, record, recordLater, type PendingUserEvent } from './apply-user-event';

export async function applyUserEventLater(event: AsyncEvent<Record<string, unknown>>): Promise<void> {
  const { eventType, accountId, attempt } = event.body ?? {};
  if (typeof eventType !== 'string') return;
  const tries = typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 0 ? attempt + 1 : 1;
  const pending: PendingUserEvent = {
    eventType,
    ...(typeof accountId === 'string' ? { accountId } : {}),
    attempt: tries,
  };
  let outcome: Awaited<ReturnType<typeof record>>;
  try {
    outcome = await record(pending);
  } catch (err) {
    if (tries >= MAX_LATER_ATTEMPTS) throw err;
    outcome = backoffSeconds(tries);
  }
  if (typeof outcome === 'number') await recordLater(pending, outcome);
}
