/**
 * Functional accounts in KVS, one value per account (`fa:<accountId>`: owner, purpose, credentials,
 * findings) and per role (`farole:<roleId>`), so no value holds the whole registry; the last health
 * check's summary is `fa-health:last`. Nothing here ever holds a secret or an email.
 */
import { kvs, WhereConditions } from '@forge/kvs';
import type { CredentialView, FindingView, HealthRun } from '../contract';

export interface FunctionalRecord {
  accountId: string;
  displayName: string;
  ownerAccountId: string;
  owningGroupId: string;
  owningGroupName: string;
  purpose: string;
  integration: string;
  roleId?: string;
  registeredAt: string;
  registeredBy: string;
  credentials: CredentialView[];
  findings: FindingView[];
  checkedAt?: string;
}

export interface RoleRecord {
  roleId: string;
  name: string;
  groupIds: string[];
  updatedAt: string;
  updatedBy: string;
}

const ACCOUNT_PREFIX = 'fa:';
const ROLE_PREFIX = 'farole:';
const HEALTH_KEY = 'fa-health:last';

async function pageOf<T>(
  prefix: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: T[]; nextCursor?: string }> {
  const q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
  const res = await (cursor ? q.cursor(cursor) : q).getMany<T>();
  return { items: res.results.map((r) => r.value), nextCursor: res.nextCursor };
}

export interface FunctionalStore {
  get(accountId: string): Promise<FunctionalRecord | undefined>;
  getMany(accountIds: string[]): Promise<FunctionalRecord[]>;
  put(record: FunctionalRecord): Promise<void>;
  remove(accountId: string): Promise<void>;
  page(cursor: string | undefined, limit: number): Promise<{ items: FunctionalRecord[]; nextCursor?: string }>;
  role(roleId: string): Promise<RoleRecord | undefined>;
  putRole(role: RoleRecord): Promise<void>;
  removeRole(roleId: string): Promise<void>;
  roles(): Promise<RoleRecord[]>;
  /** Ids of every registered account (key-only scan of the registry). */
  allIds(): Promise<Set<string>>;
  lastHealth(): Promise<HealthRun | undefined>;
  putHealth(run: HealthRun): Promise<void>;
}

export const functionalStore: FunctionalStore = {
  get: (accountId) => kvs.get<FunctionalRecord>(`${ACCOUNT_PREFIX}${accountId}`),
  async getMany(accountIds) {
    const out: FunctionalRecord[] = [];
    for (let i = 0; i < accountIds.length; i += 25) {
      const res = await kvs.batchGet<FunctionalRecord>(
        accountIds.slice(i, i + 25).map((id) => ({ key: `${ACCOUNT_PREFIX}${id}` })),
      );
      out.push(...res.successfulKeys.map((k) => k.value));
    }
    return out;
  },
  put: (record) => kvs.set(`${ACCOUNT_PREFIX}${record.accountId}`, record),
  remove: (accountId) => kvs.delete(`${ACCOUNT_PREFIX}${accountId}`),
  page: (cursor, limit) => pageOf<FunctionalRecord>(ACCOUNT_PREFIX, cursor, limit),
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
  lastHealth: () => kvs.get<HealthRun>(HEALTH_KEY),
  putHealth: (run) => kvs.set(HEALTH_KEY, run),
};
