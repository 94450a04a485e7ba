/**
 * Ownership hand-over.
 * - When an owner leaves (a Jira user event says deactivated or deleted, or the daily check finds it):
 *   each account they owned goes to its first active backup owner (who leaves the backup list), or, with
 *   none, stays marked for its owning group; the registry marks every one; one hand-over issue per departed
 *   person lists the accounts, assigned to the first new owner, and one notice goes to the backups and the
 *   owning groups. Idempotent per person (a lease, the departed record in KVS, the issue found by its
 *   entity property `jua-handover`), and audited per account under a stable id.
 * - "Hand over" (an administrator): every account one person owns moves to a new owner in one step, each
 *   audited; more than INLINE_MAX accounts go to the queue in slices.
 * Identity: Jira reads and the hand-over issue asApp (no user in consumers; the issue is the app's).
 */
import { kvs } from '../../../store/kvs-retry';
import { randomUUID } from 'node:crypto';
import type { JiraClient } from '../../../jira';
import { outcomeUnknown } from '../../../jira/errors';
import type { FunctionalRecord, FunctionalStore } from '../functional-store';
import { isCheckable } from '../functional-health';
import { lockedAccount } from '../functional-accounts';
import { AppFailure, invalidInput } from '../../../invocation/app-error';
import type { DepartedRecord } from './escalation-store';
import { type EscalationDeps, type Renew, isConfigured, pushAll, sendNotice } from './escalation';
import { ensureTrackingIssue } from './tracking-issue';
import { HANDOVER_PROPERTY, departedId, handoverDescription, handoverSummary } from './escalation-texts';

/** Accounts moved within the resolver; more go to the queue. */
export const INLINE_MAX = 25;
/** Accounts per queued hand-over slice (one KVS transaction's worth of records). */
export const HANDOVER_SLICE = 20;
const HANDOVER_JOB_PREFIX = 'esc-handover-job:';

export type HandoverJira = Pick<JiraClient, 'getUsersBulkPage' | 'createIssue' | 'searchIssues' | 'notifyIssue'>;

interface UserFacts {
  name: string;
  active: boolean;
  person: boolean;
}

async function facts(jira: Pick<JiraClient, 'getUsersBulkPage'>, ids: string[]): Promise<Map<string, UserFacts>> {
  const out = new Map<string, UserFacts>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const page = await jira.getUsersBulkPage(unique.slice(i, i + 100), 0, 'app');
    for (const u of page.items)
      out.set(u.accountId, { name: u.displayName, active: u.active, person: u.accountType === 'atlassian' });
  }
  return out;
}

/** Every registered account `personId` owns (a registry scan: KVS only). */
export async function accountsOwnedBy(store: FunctionalStore, personId: string): Promise<FunctionalRecord[]> {
  const out: FunctionalRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.page(cursor, 100);
    for (const r of page.items as unknown[]) if (isCheckable(r) && r.ownerAccountId === personId) out.push(r);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * A departed owner (the caller holds the person's lease). Work already done is skipped: accounts already
 * moved, the issue already made, the notice already sent.
 */
export async function handleDeparted(
  deps: EscalationDeps,
  personId: string,
  source: DepartedRecord['source'],
  renew: Renew = async () => undefined,
): Promise<void> {
  const now = deps.now?.() ?? new Date();
  let dep = await deps.esc.departed(personId);
  const owned = await accountsOwnedBy(deps.store, personId);
  // Someone who owns nothing (most people a user event is about) costs no Jira request.
  if (owned.length === 0 && !dep?.accounts.length) return;
  const people = await facts(deps.jira, [personId, ...owned.flatMap((r) => r.backupOwnerIds ?? [])]);
  const person = people.get(personId);
  if (person?.active) return; // back again (reactivated, or an out-of-order event): nothing to hand over
  dep ??= { personId, source, at: now.toISOString(), accounts: [] };
  for (const r of owned) {
    const backup = (r.backupOwnerIds ?? []).find((id) => people.get(id)?.active && people.get(id)?.person);
    const updated: FunctionalRecord = {
      ...r,
      ...(backup
        ? { ownerAccountId: backup, backupOwnerIds: (r.backupOwnerIds ?? []).filter((id) => id !== backup) }
        : {}),
      handover: {
        fromId: personId,
        fromName: person?.name,
        at: now.toISOString(),
        source,
        ...(backup ? { toId: backup } : {}),
      },
    };
    // Only the owner fields and the mark change, read and written under the account's lock (as every
    // change of the record is): a credential change or an edit at the same moment is kept (issue 19, item 5).
    const moved = await lockedAccount(r.accountId, async () => {
      const fresh = await deps.store.get(r.accountId);
      if (!fresh || fresh.ownerAccountId !== personId) return false;
      await deps.store.put({
        ...fresh,
        ownerAccountId: updated.ownerAccountId,
        backupOwnerIds: updated.backupOwnerIds,
        handover: updated.handover,
      });
      return true;
    });
    if (!moved) continue;
    await deps.audit.record(
      {
        actor: source === 'event' ? 'jira-user-event' : 'scheduled',
        action: 'functional.handover',
        targetType: 'user',
        targetId: r.accountId,
        targetLabel: r.displayName,
        result: 'done',
        detail: backup
          ? `Owner ${person?.name ?? 'a former user'} left; now owned by backup ${people.get(backup)?.name ?? 'a backup owner'}.`
          : `Owner ${person?.name ?? 'a former user'} left; no active backup owner: owning group ${r.owningGroupName} is responsible until it is handed over.`,
      },
      { at: now, id: `handover-${departedId(personId)}-${r.accountId}` },
    );
    if (!dep.accounts.some((a) => a.accountId === r.accountId))
      dep.accounts.push({
        accountId: r.accountId,
        displayName: r.displayName,
        ...(backup ? { newOwnerId: backup } : {}),
      });
  }
  await deps.esc.putDeparted(dep);
  if (dep.accounts.length === 0) return;
  const settings = await deps.esc.settings();
  if (!isConfigured(settings)) return;
  const personName = person?.name ?? 'A former user';
  await renew();
  if (!dep.issueId) await ensureHandoverIssue(deps, dep, settings, personName, people, now);
  await renew();
  if (dep.notified) return;
  dep.notified = 'notifying';
  await deps.esc.putDeparted(dep);
  const records = await deps.store.getMany(dep.accounts.map((a) => a.accountId));
  try {
    await sendNotice(deps, dep.issueId as string, {
      subject: handoverSummary(personName, dep.accounts.length),
      textBody: `${personName} is no longer active in Jira. Their functional accounts went to their backup owners and owning groups: ${dep.accounts.map((a) => a.displayName).join(', ')}. See ${dep.issueKey ?? 'the issue'} and hand them over in Jira User Admin.`,
      accountIds: [
        ...dep.accounts.flatMap((a) => (a.newOwnerId ? [a.newOwnerId] : [])),
        ...records.flatMap((r) => r.backupOwnerIds ?? []),
      ],
      groupIds: [...new Set(records.map((r) => r.owningGroupId))],
    });
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
  }
  dep.notified = 'done';
  await deps.esc.putDeparted(dep);
}

async function ensureHandoverIssue(
  deps: EscalationDeps,
  dep: DepartedRecord,
  settings: { projectId: string; issueTypeId: string },
  personName: string,
  people: Map<string, UserFacts>,
  now: Date,
): Promise<void> {
  const lines = dep.accounts.map((a) =>
    a.newOwnerId
      ? `${a.displayName}: now owned by ${people.get(a.newOwnerId)?.name ?? 'its backup owner'}`
      : `${a.displayName}: no active backup owner; its owning group is responsible`,
  );
  const id = departedId(dep.personId);
  const assignee = dep.accounts.find((a) => a.newOwnerId)?.newOwnerId;
  await ensureTrackingIssue(
    deps.jira,
    dep,
    (d) => deps.esc.putDeparted(d),
    {
      property: HANDOVER_PROPERTY,
      id,
      fields: {
        projectId: settings.projectId,
        issueTypeId: settings.issueTypeId,
        summary: handoverSummary(personName, dep.accounts.length),
        description: handoverDescription(personName, lines),
        properties: [{ key: HANDOVER_PROPERTY, value: { cycle: id, kind: 'owner-departed' } }],
      },
      ...(assignee ? { assigneeAccountId: assignee } : {}),
      // The new owner cannot be assigned issues there: any 400 to the assigned create made nothing.
      unassignable: () => true,
      minWaitSeconds: 10,
    },
    now,
  );
}

// ---- "Hand over" ---------------------------------------------------------------------------------

export interface HandoverJob {
  jobId: string;
  fromId: string;
  toId: string;
  fromName: string;
  toName: string;
  actor: string;
  at: string;
  accountIds: string[];
}

export interface HandoverResult {
  moved: number;
  /** Set when the accounts are many: they move on the queue. */
  queued?: { jobId: string; accounts: number };
  message: string;
}

/** Moves one account (idempotent: an account already with `toId`, or no longer with `fromId`, is left alone). */
async function moveOne(
  deps: Pick<EscalationDeps, 'store' | 'audit'>,
  job: HandoverJob,
  accountId: string,
): Promise<'done' | 'skipped'> {
  // Read and written under the account's lock, so a rotation or an edit at the same moment is kept (issue 19, item 5).
  const r = await lockedAccount(accountId, async () => {
    const current = await deps.store.get(accountId);
    if (!current || current.ownerAccountId !== job.fromId) return undefined;
    const { handover: _old, ...rest } = current;
    await deps.store.put({
      ...rest,
      ownerAccountId: job.toId,
      backupOwnerIds: (current.backupOwnerIds ?? []).filter((id) => id !== job.toId),
    });
    return current;
  });
  if (!r) return 'skipped';
  await deps.audit.record(
    {
      actor: job.actor,
      action: 'functional.handover',
      targetType: 'user',
      targetId: r.accountId,
      targetLabel: r.displayName,
      result: 'done',
      detail: `Owner ${job.fromName} → ${job.toName} (hand-over of all their accounts).`,
    },
    { at: new Date(job.at), id: `handover-${job.jobId}-${accountId}` },
  );
  return 'done';
}

/**
 * "Hand over": every account `fromId` owns goes to `toId`, audited per account. The new owner must be an
 * active person who is not a registered functional account. Also for a departed owner's accounts that went
 * to backups: those are owned by the backup now, so hand them over from the backup.
 */
export async function handOver(
  deps: Pick<EscalationDeps, 'store' | 'audit' | 'push' | 'now'> & {
    jira: Pick<JiraClient, 'getUsersBulkPage'>;
    jobs?: { put(job: HandoverJob): Promise<void> };
  },
  actor: string,
  fromId: string,
  toId: string,
): Promise<HandoverResult> {
  if (fromId === toId) throw invalidInput('Choose a different person as the new owner.');
  const people = await facts(deps.jira, [fromId, toId]);
  const to = people.get(toId);
  if (!to) throw new AppFailure('NOT_FOUND', 'The new owner does not exist.');
  if (!to.person) throw invalidInput('The new owner must be a person, not an app or a customer account.');
  if (!to.active) throw invalidInput(`${to.name} is inactive and cannot own accounts.`);
  if (await deps.store.get(toId)) throw invalidInput(`${to.name} is itself a functional account: choose a person.`);
  const owned = await accountsOwnedBy(deps.store, fromId);
  const fromName = people.get(fromId)?.name ?? 'a former user';
  if (owned.length === 0) throw invalidInput(`${fromName} owns no registered functional account.`);
  const job: HandoverJob = {
    jobId: randomUUID(),
    fromId,
    toId,
    fromName,
    toName: to.name,
    actor,
    at: (deps.now?.() ?? new Date()).toISOString(),
    accountIds: owned.map((r) => r.accountId),
  };
  if (owned.length <= INLINE_MAX) {
    let moved = 0;
    for (const r of owned) if ((await moveOne(deps, job, r.accountId)) === 'done') moved += 1;
    return {
      moved,
      message: `${moved} ${moved === 1 ? 'account' : 'accounts'} handed over from ${fromName} to ${to.name}.`,
    };
  }
  await (deps.jobs ?? handoverJobs).put(job);
  const slices = Math.ceil(job.accountIds.length / HANDOVER_SLICE);
  await pushAll(
    deps as EscalationDeps,
    Array.from({ length: slices }, (_, slice) => ({ step: 'handover' as const, jobId: job.jobId, slice })),
  );
  return {
    moved: 0,
    queued: { jobId: job.jobId, accounts: owned.length },
    message: `Handing over ${owned.length} accounts from ${fromName} to ${to.name} in the background; each is audited as it moves.`,
  };
}

/** One queued slice of a hand-over (idempotent). */
export async function handOverSlice(
  deps: Pick<EscalationDeps, 'store' | 'audit'>,
  jobId: string,
  slice: number,
  jobs: { get(jobId: string): Promise<HandoverJob | undefined> } = handoverJobs,
): Promise<void> {
  const job = await jobs.get(jobId);
  if (!job) return;
  for (const id of job.accountIds.slice(slice * HANDOVER_SLICE, (slice + 1) * HANDOVER_SLICE))
    await moveOne(deps, job, id);
}

/** Hand-over jobs in KVS, kept a week. */
export const handoverJobs = {
  put: (job: HandoverJob) =>
    kvs.set(`${HANDOVER_JOB_PREFIX}${job.jobId}`, job, { ttl: { value: 7, unit: 'DAYS' as const } }),
  get: (jobId: string) => kvs.get<HandoverJob>(`${HANDOVER_JOB_PREFIX}${jobId}`),
};
