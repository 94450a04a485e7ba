/**
 * Escalation state in KVS, bounded and expiring:
 * - `esc-settings`: the Jira project and issue type reminders go to, and the thresholds;
 * - `esc-cycle:<accountId>:<cycle>`: one credential cycle (account, credential, expiry): its tracking
 *   issue and where each threshold's notice stands. Closed cycles expire CLOSED_TTL_DAYS after closing;
 * - `esc-departed:<accountId>`: one departed owner's hand-over (its issue, the accounts handed over);
 * - `esc-status:<accountId>`: what the registry shows about the account's reminders (issue, last notice);
 * - `esc-lease:<name>`: a short lease so two deliveries never work on the same account or person at once;
 * - `esc-wait:<name>`: the one re-push of a step that waits (busy lease, governor, Retry-After), so duplicate
 *   deliveries that must all wait leave one delayed event between them, not one each (which would multiply).
 * Nothing here holds a secret or an email: accounts are referred to by id and credentials by label.
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../../store/kvs-retry';
import { randomUUID } from 'node:crypto';
import type { EscalationStatusView } from '../../../contract';
import { isKeyConflict } from '../../../store/kvs-conflict';

export const DEFAULT_THRESHOLDS = [30, 7, 1, 0] as const;
const SETTINGS_KEY = 'esc-settings';
const CYCLE_PREFIX = 'esc-cycle:';
const DEPARTED_PREFIX = 'esc-departed:';
const LEASE_PREFIX = 'esc-lease:';
const STATUS_PREFIX = 'esc-status:';
const WAIT_PREFIX = 'esc-wait:';
const WANTED_PREFIX = 'esc-wanted:';
/** Closed cycles and finished hand-overs are kept this long (for the page and the daily plan), then dropped. */
export const CLOSED_TTL_DAYS = 90;

export interface EscalationSettings {
  projectId?: string;
  projectKey?: string;
  projectName?: string;
  issueTypeId?: string;
  issueTypeName?: string;
  /** Days before expiry at which owner and backups are told (0 = on expiry), most distant first. */
  thresholds: number[];
  updatedAt?: string;
  updatedBy?: string;
}

export type NoticeState = 'commenting' | 'commented' | 'notifying' | 'done' | 'skipped';

export interface NoticeRecord {
  state: NoticeState;
  at: string;
  commentId?: string;
  /** The notify call's answer was lost: counted as sent (never sent twice), Jira's comment stands. */
  uncertain?: boolean;
}

export interface CycleRecord {
  cycle: string;
  accountId: string;
  credentialId: string;
  /** The credential's label (never a secret: labels that look like one are refused on entry). */
  credentialLabel: string;
  /** The account's display name when the cycle began, so the closing comment can name an unregistered account. */
  accountName?: string;
  expiresAt: string;
  projectId: string;
  issueTypeId: string;
  issueId?: string;
  issueKey?: string;
  /** Set just before the create request; a delivery that finds it without an issue looks the issue up first. */
  creatingSince?: string;
  notices: Record<string, NoticeRecord>;
  closed?: { at: string; reason: string; state: 'closing' | 'done' };
}

export interface DepartedRecord {
  personId: string;
  /** How the app learned: a Jira user event or the daily check. */
  source: 'event' | 'daily-check';
  at: string;
  accounts: Array<{ accountId: string; displayName: string; newOwnerId?: string }>;
  issueId?: string;
  issueKey?: string;
  creatingSince?: string;
  notified?: 'notifying' | 'done';
}

/** Who asks for a lease: a delivery of an event, maybe the successor of an event Forge dropped. */
export interface LeaseDelivery {
  eventId: string;
  retryCount: number;
  /** The event whose last redelivery queued this one (it may take that event's lease over). */
  successorOf?: string;
}

export interface Lease {
  token: string;
  eventId: string;
  retryCount: number;
  /** When the lease expires by itself (ms since the epoch). */
  until?: number;
}

const cycleKey = (accountId: string, cycle: string) => `${CYCLE_PREFIX}${accountId}:${cycle}`;
const ttlDays = (days: number) => ({ ttl: { value: days, unit: 'DAYS' as const } });

async function scan<T>(prefix: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    const res = await (cursor ? q.cursor(cursor) : q).getMany<T>();
    out.push(...res.results.map((r) => r.value));
    cursor = res.nextCursor;
  } while (cursor);
  return out;
}

export interface EscalationStore {
  settings(): Promise<EscalationSettings>;
  putSettings(s: EscalationSettings): Promise<void>;
  cycles(accountId: string): Promise<CycleRecord[]>;
  /** Every open cycle (the daily plan closes those whose credential moved on). */
  openCycles(): Promise<CycleRecord[]>;
  putCycle(c: CycleRecord): Promise<void>;
  departed(personId: string): Promise<DepartedRecord | undefined>;
  putDeparted(d: DepartedRecord): Promise<void>;
  /** Takes `name`'s lease for this delivery; undefined when another delivery holds it (see `leaseHolder`). */
  takeLease(name: string, delivery: LeaseDelivery, seconds: number): Promise<Lease | undefined>;
  releaseLease(name: string, lease: Lease): Promise<void>;
  /** Extends our lease; false when it is no longer ours (it expired and another delivery took it). */
  renewLease(name: string, lease: Lease, seconds: number): Promise<boolean>;
  /** The lease on `name` as it stands (who holds it), if held. */
  leaseHolder(name: string): Promise<Lease | undefined>;
  /**
   * Claims the right to re-push step `name` as a delayed event carrying `token`; false when another
   * delivery already did (its event will do the work). The claim expires after `seconds` by itself.
   */
  claimWaiter(name: string, token: string, seconds: number): Promise<boolean>;
  /** The re-pushed event carrying `token` has arrived: the next wait may be claimed again. */
  releaseWaiter(name: string, token: string): Promise<void>;
  /** Marks that work on `name` is wanted (a delivery found its lease held: the holder runs once more). */
  markWanted(name: string): Promise<void>;
  /** Takes the mark: whether work on `name` was wanted since it was last taken. */
  takeWanted(name: string): Promise<boolean>;
  /** The registry's reminder line per account (batched reads). */
  statuses(accountIds: string[]): Promise<Map<string, EscalationStatusView>>;
  putStatus(accountId: string, status: EscalationStatusView): Promise<void>;
}

export const escalationStore: EscalationStore = {
  async settings() {
    const s = await kvs.get<EscalationSettings>(SETTINGS_KEY);
    return s ?? { thresholds: [...DEFAULT_THRESHOLDS] };
  },
  putSettings: (s) => kvs.set(SETTINGS_KEY, s),
  cycles: (accountId) => scan<CycleRecord>(`${CYCLE_PREFIX}${accountId}:`),
  async openCycles() {
    return (await scan<CycleRecord>(CYCLE_PREFIX)).filter((c) => c.closed?.state !== 'done');
  },
  putCycle: (c) =>
    c.closed?.state === 'done'
      ? kvs.set(cycleKey(c.accountId, c.cycle), c, ttlDays(CLOSED_TTL_DAYS))
      : kvs.set(cycleKey(c.accountId, c.cycle), c),
  departed: (personId) => kvs.get<DepartedRecord>(`${DEPARTED_PREFIX}${personId}`),
  putDeparted: (d) => kvs.set(`${DEPARTED_PREFIX}${d.personId}`, d, ttlDays(CLOSED_TTL_DAYS)),
  /**
   * Free (or expired) → taken. Held by an earlier delivery of this same event → taken over (Forge redelivers
   * only after that delivery ended); held by the event this one succeeds (its last delivery, queued this one
   * before it started, ≥ 30 s earlier) → taken over. Held by anyone else → undefined. (The bulk runner's lease, by name.)
   */
  async takeLease(name, delivery, seconds) {
    const key = `${LEASE_PREFIX}${name}`;
    const ttl = { value: Math.max(1, Math.ceil(seconds)), unit: 'SECONDS' as const };
    const mine: Lease = {
      token: randomUUID(),
      eventId: delivery.eventId,
      retryCount: delivery.retryCount,
      until: Date.now() + ttl.value * 1000,
    };
    try {
      await kvs.set(key, mine, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
      return mine;
    } catch (err) {
      if (!isKeyConflict(err)) throw err;
    }
    const held = await kvs.get<Lease>(key);
    const laterDelivery = held?.eventId === delivery.eventId && held.retryCount < delivery.retryCount;
    const successor = !!delivery.successorOf && held?.eventId === delivery.successorOf;
    if (!held || !(laterDelivery || successor)) return undefined;
    const previous = await kvs.set<Lease, Lease>(key, mine, { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS', ttl });
    if (previous?.value.token === held.token) return mine;
    if (previous) await kvs.set(key, previous.value, { ttl });
    return undefined;
  },
  async statuses(accountIds) {
    const out = new Map<string, EscalationStatusView>();
    for (let i = 0; i < accountIds.length; i += 25) {
      const res = await kvs.batchGet<EscalationStatusView>(
        accountIds.slice(i, i + 25).map((id) => ({ key: `${STATUS_PREFIX}${id}` })),
      );
      res.successfulKeys.forEach((k) => out.set(k.key.slice(STATUS_PREFIX.length), k.value));
    }
    return out;
  },
  putStatus: (accountId, status) =>
    status.closed
      ? kvs.set(`${STATUS_PREFIX}${accountId}`, status, ttlDays(CLOSED_TTL_DAYS))
      : kvs.set(`${STATUS_PREFIX}${accountId}`, status),
  async renewLease(name, lease, seconds) {
    const key = `${LEASE_PREFIX}${name}`;
    if ((await kvs.get<Lease>(key))?.token !== lease.token) return false;
    const ttl = { value: Math.max(1, Math.ceil(seconds)), unit: 'SECONDS' as const };
    await kvs.set(key, { ...lease, until: Date.now() + ttl.value * 1000 }, { ttl });
    return true;
  },
  markWanted: (name) => kvs.set(`${WANTED_PREFIX}${name}`, true, ttlDays(1)),
  async takeWanted(name) {
    const key = `${WANTED_PREFIX}${name}`;
    if (!(await kvs.get<boolean>(key))) return false;
    await kvs.delete(key);
    return true;
  },
  leaseHolder: (name) => kvs.get<Lease>(`${LEASE_PREFIX}${name}`),
  async claimWaiter(name, token, seconds) {
    const ttl = { value: Math.max(1, Math.ceil(seconds)), unit: 'SECONDS' as const };
    try {
      await kvs.set(`${WAIT_PREFIX}${name}`, token, { keyPolicy: 'FAIL_IF_EXISTS', ttl });
      return true;
    } catch (err) {
      if (isKeyConflict(err)) return false;
      throw err;
    }
  },
  async releaseWaiter(name, token) {
    const key = `${WAIT_PREFIX}${name}`;
    if ((await kvs.get<string>(key)) === token) await kvs.delete(key);
  },
  async releaseLease(name, lease) {
    const key = `${LEASE_PREFIX}${name}`;
    if ((await kvs.get<Lease>(key))?.token === lease.token) await kvs.delete(key);
  },
};
