/**
 * Functional accounts in KVS. No value holds the whole registry, and none grows with history:
 * - `fa:<accountId>`: owner, purpose, the account's current credentials (at most MAX_CURRENT_CREDENTIALS)
 *   and its RECENT_RETIRED most recently retired ones;
 * - `fa-cred:<accountId>:<seq>`: one entry per older retired credential (the archive), the newest
 *   ARCHIVE_KEEP kept; every rotation stays in the audit log for good;
 * - `fa-check:<accountId>`: the findings of the last health check, written by the check alone, so a
 *   check never overwrites a credential change made while it runs;
 * - `farole:<roleId>`: a role.
 * Nothing here ever holds a secret or an email. Records written before the archive existed (every
 * credential in `fa:`) are read as they are and moved to the archive on their next credential change.
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../store/kvs-retry';
import type { CredentialView, FindingView } from '../../contract';
import { redactDeep } from '../../store/redact';
import { isKeyConflict } from '../../store/kvs-conflict';

export interface FunctionalRecord {
  accountId: string;
  displayName: string;
  ownerAccountId: string;
  /** Up to three backup owners (account ids): told with the owner, and take over when the owner leaves. */
  backupOwnerIds?: string[];
  /** Set when the owner left and the account went to a backup (toId) or stays with its owning group. */
  handover?: { fromId: string; fromName?: string; at: string; source: 'event' | 'daily-check'; toId?: string };
  owningGroupId: string;
  owningGroupName: string;
  purpose: string;
  integration: string;
  roleId?: string;
  registeredAt: string;
  registeredBy: string;
  /** Current credentials, then at most RECENT_RETIRED retired ones (older ones are in the archive). */
  credentials: CredentialView[];
  /** How many retired credentials were ever moved to the archive (the next archive sequence number). */
  archived?: number;
  /** Only in records written before `fa-check:` existed; the health check's own entry wins. */
  findings?: FindingView[];
  checkedAt?: string;
}

/** What the health check found for one account. */
export interface CheckRecord {
  findings: FindingView[];
  checkedAt: string;
  /**
   * The owner the owner findings (`owner-*`) were found for. A health slice that read the record before an
   * edit changed its owner writes its check after that edit; its owner findings are then about the former
   * owner and are not shown (toView), so the edit's fix is never lost to the slice's later write.
   */
  owner?: string;
}

export interface RoleRecord {
  roleId: string;
  name: string;
  groupIds: string[];
  updatedAt: string;
  updatedBy: string;
}

/** Credentials an account may hold at once (active, or expired by date but not yet rotated). */
export const MAX_CURRENT_CREDENTIALS = 50;
/** Retired credentials kept in the account's own record, for the registry view. */
export const RECENT_RETIRED = 5;
/** Retired credentials kept in the archive per account; older ones are deleted as new ones arrive. */
export const ARCHIVE_KEEP = 1000;
/** Forge KVS batch and transaction limit. */
const BATCH = 25;

const ACCOUNT_PREFIX = 'fa:';
const CHECK_PREFIX = 'fa-check:';
const ARCHIVE_PREFIX = 'fa-cred:';
const ROLE_PREFIX = 'farole:';

const archiveKey = (accountId: string, seq: number) => `${ARCHIVE_PREFIX}${accountId}:${String(seq).padStart(10, '0')}`;

function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function pageOf<T>(
  prefix: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: T[]; nextCursor?: string }> {
  const q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
  const res = await (cursor ? q.cursor(cursor) : q).getMany<T>();
  return { items: res.results.map((r) => r.value), nextCursor: res.nextCursor };
}

async function batchGet<T>(keys: string[]): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  for (const part of chunks(keys)) {
    const res = await kvs.batchGet<T>(part.map((key) => ({ key })));
    res.successfulKeys.forEach((k) => out.set(k.key, k.value));
  }
  return out;
}

/**
 * Splits a record's credentials into what stays in the record (current ones, then the newest
 * RECENT_RETIRED retired ones) and what goes to the archive (older retired ones, oldest first).
 */
export function settleCredentials(credentials: CredentialView[]): {
  kept: CredentialView[];
  overflow: CredentialView[];
} {
  const current = credentials.filter((c) => c.status === 'active');
  const retired = credentials
    .filter((c) => c.status !== 'active')
    .sort((a, b) => (a.expiredAt ?? a.createdAt).localeCompare(b.expiredAt ?? b.createdAt));
  const cut = Math.max(retired.length - RECENT_RETIRED, 0);
  return { kept: [...current, ...retired.slice(cut)], overflow: retired.slice(0, cut) };
}

export interface FunctionalStore {
  get(accountId: string): Promise<FunctionalRecord | undefined>;
  getMany(accountIds: string[]): Promise<FunctionalRecord[]>;
  /** Writes a record whose credentials did not change shape (an edit, under the account's lock). */
  put(record: FunctionalRecord): Promise<void>;
  /** Registers: writes the record only if none exists (a create-only write); false when one does. */
  create(record: FunctionalRecord): Promise<boolean>;
  /**
   * Writes a record after a credential change: retired credentials beyond RECENT_RETIRED move to the
   * archive in the same transaction (a record written before the archive existed moves in batches
   * first), and the archive keeps its newest ARCHIVE_KEEP entries. Returns the record as written.
   */
  putWithCredentials(record: FunctionalRecord): Promise<FunctionalRecord>;
  /** Removes the record, its check and its archive. */
  remove(accountId: string): Promise<void>;
  page(cursor: string | undefined, limit: number): Promise<{ items: FunctionalRecord[]; nextCursor?: string }>;
  /** Archived (older retired) credentials of one account, oldest first. */
  archive(
    accountId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: CredentialView[]; nextCursor?: string }>;
  /** The health check's findings for these accounts (batched reads). */
  checks(accountIds: string[]): Promise<Map<string, CheckRecord>>;
  /** Writes findings in batches of at most 25; returns the accounts whose write failed. */
  putChecks(items: Array<{ accountId: string; check: CheckRecord }>): Promise<string[]>;
  role(roleId: string): Promise<RoleRecord | undefined>;
  putRole(role: RoleRecord): Promise<void>;
  removeRole(roleId: string): Promise<void>;
  roles(): Promise<RoleRecord[]>;
  /** Ids of every registered account (key-only scan of the registry). */
  allIds(): Promise<Set<string>>;
}

export const functionalStore: FunctionalStore = {
  get: (accountId) => kvs.get<FunctionalRecord>(`${ACCOUNT_PREFIX}${accountId}`),
  async getMany(accountIds) {
    const found = await batchGet<FunctionalRecord>(accountIds.map((id) => `${ACCOUNT_PREFIX}${id}`));
    return [...found.values()];
  },
  put: (record) => kvs.set(`${ACCOUNT_PREFIX}${record.accountId}`, record),
  async create(record) {
    try {
      await kvs.set(`${ACCOUNT_PREFIX}${record.accountId}`, record, { keyPolicy: 'FAIL_IF_EXISTS' });
      return true;
    } catch (err) {
      if (isKeyConflict(err)) return false;
      throw err;
    }
  },
  async putWithCredentials(record) {
    const { kept, overflow } = settleCredentials(record.credentials);
    const first = record.archived ?? 0;
    const updated: FunctionalRecord = { ...record, credentials: kept, archived: first + overflow.length };
    const entries = overflow.map((c, i) => ({ key: archiveKey(record.accountId, first + i), value: c }));
    // Entries that would fall out of the archive at once are never written.
    const live = entries.slice(Math.max(entries.length - ARCHIVE_KEEP, 0));
    const expired = Array.from({ length: entries.length }, (_, i) => first + i - ARCHIVE_KEEP)
      .filter((seq) => seq >= 0)
      .map((seq) => archiveKey(record.accountId, seq));
    if (live.length + expired.length + 1 <= BATCH) {
      const tx = kvs.transact();
      live.forEach((e) => tx.set(e.key, e.value));
      expired.forEach((k) => tx.delete(k));
      await tx.set(`${ACCOUNT_PREFIX}${record.accountId}`, updated).execute();
      return updated;
    }
    // A record from before the archive: archive entries first (rewriting them is harmless), then the record.
    for (const part of chunks(live)) await kvs.batchSet(part);
    for (const part of chunks(expired)) await kvs.batchDelete(part.map((key) => ({ key })));
    await kvs.set(`${ACCOUNT_PREFIX}${record.accountId}`, updated);
    return updated;
  },
  async remove(accountId) {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const q = kvs
        .query()
        .where('key', WhereConditions.beginsWith(`${ARCHIVE_PREFIX}${accountId}:`))
        .limit(100);
      const res = await (cursor ? q.cursor(cursor) : q).getMany();
      keys.push(...res.results.map((r) => r.key));
      cursor = res.nextCursor;
    } while (cursor);
    for (const part of chunks(keys)) await kvs.batchDelete(part.map((key) => ({ key })));
    await kvs.transact().delete(`${CHECK_PREFIX}${accountId}`).delete(`${ACCOUNT_PREFIX}${accountId}`).execute();
  },
  page: (cursor, limit) => pageOf<FunctionalRecord>(ACCOUNT_PREFIX, cursor, limit),
  archive: (accountId, cursor, limit) => pageOf<CredentialView>(`${ARCHIVE_PREFIX}${accountId}:`, cursor, limit),
  async checks(accountIds) {
    const found = await batchGet<CheckRecord>(accountIds.map((id) => `${CHECK_PREFIX}${id}`));
    return new Map([...found].map(([k, v]) => [k.slice(CHECK_PREFIX.length), v]));
  },
  async putChecks(items) {
    const failed: string[] = [];
    for (const part of chunks(items)) {
      try {
        const res = await kvs.batchSet(
          part.map((i) => ({ key: `${CHECK_PREFIX}${i.accountId}`, value: redactDeep(i.check) })),
        );
        failed.push(...res.failedKeys.map((k) => k.key.slice(CHECK_PREFIX.length)));
      } catch {
        // One bad value refuses its whole batch: write that batch one by one, so only the bad one fails.
        for (const i of part) {
          try {
            await kvs.set(`${CHECK_PREFIX}${i.accountId}`, redactDeep(i.check));
          } catch {
            failed.push(i.accountId);
          }
        }
      }
    }
    return failed;
  },
  role: (roleId) => kvs.get<RoleRecord>(`${ROLE_PREFIX}${roleId}`),
  putRole: (role) => kvs.set(`${ROLE_PREFIX}${role.roleId}`, role),
  removeRole: (roleId) => kvs.delete(`${ROLE_PREFIX}${roleId}`),
  async roles() {
    const all: RoleRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await pageOf<RoleRecord>(ROLE_PREFIX, cursor, 100);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  },
  async allIds() {
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await pageOf<FunctionalRecord>(ACCOUNT_PREFIX, cursor, 100);
      page.items.forEach((r) => ids.add(r.accountId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  },
};
