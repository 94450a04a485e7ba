/**
 * The `functional-escalation` queue's consumer (manifest: consumer `functional-escalation-consumer` →
 * function `run-escalation-step`). Forge calls it with an AsyncEvent and no user; every Jira request is asApp
 * (the tracking issues are the app's). Steps: plan, one account, one departed owner, one hand-over slice
 * (features/functional-accounts/escalation). It runs as background work (`inBackground` in src/index.ts):
 * it asks the points governor before it starts, and its requests spend only inside the governor's share.
 *
 * A step that must wait (the governor holds background work, a lost answer to look up, a Retry-After) goes back on the queue as a fresh delayed event rather than through
 * Forge's redeliveries, which are few (an event is dropped after its retries). Duplicate deliveries that all
 * have to wait leave one such event between them (`claimWaiter`), so waiting never multiplies events.
 * KVS refusing requests for its rate limits past what the app's client waits (store/kvs-retry.ts) is waited
 * out the same way, a KVS window later (retryOf): longer than a lease, so a lease whose release was refused
 * too has expired when the new event comes.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from '@forge/events';
import { admitBackground } from '../jira/transport/background';
import {
  ESCALATION_CONCURRENCY,
  ESCALATION_QUEUE,
  escalateAccount,
  planEscalation,
  retryOf,
  withLease,
} from '../features/functional-accounts/escalation/escalation';
import { escalationDeps } from '../features/functional-accounts/escalation/deps';
import type { LeaseDelivery } from '../features/functional-accounts/escalation/escalation-store';
import { handOverSlice, handleDeparted } from '../features/functional-accounts/escalation/handover';

/** Forge's retries of one event (the async events reference: at most 4), after which it is dropped. */
const FORGE_MAX_RETRIES = 4;
/** How many times in a row a step hands itself on at its last retry (bounds a step that always fails). */
const MAX_SUCCESSORS = 3;
/** A successor comes this long after its predecessor's last delivery started (past its lease, if it died). */
const SUCCESSOR_DELAY_SECONDS = 30;

/** The step's name: at most one re-push waits per name. */
function stepName(body: Record<string, unknown>): string {
  if (body.step === 'account') return `account:${String(body.accountId)}`;
  if (body.step === 'departed') return `person:${String(body.personId)}`;
  if (body.step === 'handover') return `handover:${String(body.jobId)}:${String(body.slice)}`;
  return 'plan';
}

/** The same step again, later, as a new event (every step is idempotent). */
async function pushLater(body: Record<string, unknown>, seconds: number): Promise<void> {
  await new Queue({ key: ESCALATION_QUEUE }).push({
    body,
    delayInSeconds: Math.min(Math.max(Math.ceil(seconds), 1), 900),
    ...(body.step === 'plan' ? {} : { concurrency: { key: ESCALATION_QUEUE, limit: ESCALATION_CONCURRENCY } }),
  });
}

/** Re-pushes the step after `seconds` unless another delivery already did. */
async function waitAsNewEvent(body: Record<string, unknown>, seconds: number): Promise<void> {
  const token = randomUUID();
  const delay = Math.min(Math.max(Math.ceil(seconds), 1), 900);
  // The claim outlives the delay by a margin: a re-pushed event that never arrives frees it by itself.
  if (!(await escalationDeps.esc.claimWaiter(stepName(body), token, delay + 120))) return;
  await pushLater({ ...body, waitToken: token }, delay);
}

async function runStep(body: Record<string, unknown>, delivery: LeaseDelivery): Promise<void> {
  if (body.step === 'plan') await planEscalation(escalationDeps);
  else if (body.step === 'account' && typeof body.accountId === 'string') {
    const accountId = body.accountId;
    await withLease(escalationDeps, `account:${accountId}`, delivery, (renew) =>
      escalateAccount(escalationDeps, accountId, renew),
    );
  } else if (body.step === 'departed' && typeof body.personId === 'string') {
    const personId = body.personId;
    const source = body.source === 'event' ? 'event' : 'daily-check';
    await withLease(escalationDeps, `person:${personId}`, delivery, (renew) =>
      handleDeparted(escalationDeps, personId, source, renew),
    );
  } else if (body.step === 'handover' && typeof body.jobId === 'string' && Number.isInteger(body.slice))
    await handOverSlice(escalationDeps, body.jobId, body.slice as number);
}

export async function runEscalationStep(event: {
  body?: Record<string, unknown>;
  eventId?: string;
  retryContext?: { retryCount?: number };
}): Promise<unknown> {
  const { waitToken, successor, successorOf, ...body } = event.body ?? {};
  const eventId = String(event.eventId ?? '');
  const delivery = {
    eventId,
    retryCount: event.retryContext?.retryCount ?? 0,
    ...(typeof successorOf === 'string' ? { successorOf } : {}),
  };
  // The awaited re-push has arrived: a later wait may be claimed again.
  if (typeof waitToken === 'string') await escalationDeps.esc.releaseWaiter(stepName(body), waitToken);
  // Background work: spend only inside the points governor's background share (issue 18).
  const admission = await admitBackground();
  if (!admission.admitted) {
    await waitAsNewEvent(body, admission.delaySeconds);
    return undefined;
  }
  // Forge's last redelivery: if this one dies too, Forge drops the event, so a successor (a no-op once the
  // work is done) is queued first. Bounded, so a step that fails every time does not live for ever.
  const generation = typeof successor === 'number' ? successor : 0;
  if (delivery.retryCount >= FORGE_MAX_RETRIES && generation < MAX_SUCCESSORS)
    await pushLater({ ...body, successor: generation + 1, successorOf: eventId }, SUCCESSOR_DELAY_SECONDS);
  try {
    await runStep(body, delivery);
  } catch (err) {
    const retry = retryOf(err);
    if (!retry) throw err;
    await waitAsNewEvent(body, retry.seconds);
  }
  return undefined;
}
