/**
 * The `user-event-retry` consumer (function `apply-user-event-later` in manifest.yml): a Jira user event the
 * trigger could not record because a platform limit held it back (KVS's rate limits, or Jira asking for a
 * longer wait than an invocation may sleep; apply-user-event.ts) is recorded now, or put back on the queue
 * with the wait the limit asks for. Never dropped: every outcome but "recorded" pushes it again.
 */
import type { AsyncEvent } from '@forge/events';
import { record, recordLater, type PendingUserEvent } from './apply-user-event';

export async function applyUserEventLater(event: AsyncEvent<Record<string, unknown>>): Promise<void> {
  const { eventType, accountId } = event.body ?? {};
  if (typeof eventType !== 'string') return;
  const pending: PendingUserEvent = { eventType, ...(typeof accountId === 'string' ? { accountId } : {}) };
  const outcome = await record(pending);
  if (typeof outcome === 'number') await recordLater(pending, outcome);
}
