/**
 * Writing patches: every change that reaches the index goes through `recordChanges` — Jira's user events
 * (`applyUserEvent`: the account as Jira shows it now, read asApp, since the event may be late, repeated or
 * overtaken and carries no event time) and the app's own changes as they land (a group change, each bulk
 * item's outcome, a customer created or added, a deletion). Changes are merged per account, order-safe by
 * the time each state was observed (index-patches.ts), under each patch bucket's lock.
 */
import type { JiraUser } from '../../jira/types';
import { JiraApiError } from '../../jira/errors';
import { emailHasher, idKey, type DirectoryStore, type IdEntry, type IndexManifest } from './directory-store';
import {
  idBucketOf,
  mergeChange,
  patchBucketOf,
  patchFromBase,
  TYPE_CODE,
  type AccountChange,
  type PatchRecord,
} from './index-patches';

/** Published rows of these accounts, by id (one batch read of their id buckets). */
async function baseRows(
  store: DirectoryStore,
  manifest: IndexManifest,
  ids: string[],
): Promise<Map<string, PatchRecord>> {
  const out = new Map<string, PatchRecord>();
  if (!manifest.byId || ids.length === 0) return out;
  const keys = [...new Set(ids.map((id) => idKey(manifest.gen, idBucketOf(id, manifest.buckets))))];
  const buckets = await store.getMany<Record<string, IdEntry>>(keys);
  for (const id of ids) {
    const entry = buckets.get(idKey(manifest.gen, idBucketOf(id, manifest.buckets)))?.[id];
    if (entry) {
      const [name, type, active, mask, functional, groups] = entry;
      out.set(id, patchFromBase(manifest, [id, name, type, active, mask, functional], groups));
    }
  }
  return out;
}

/**
 * What patches are recorded against: the published manifest, or while the first crawl runs, a provisional
 * one from its checkpoint (a change to an account the crawl has already read must not wait a week for the
 * next reconciliation; the crawl keeps patches observed after it started). Undefined when neither exists.
 */
export async function patchTarget(store: DirectoryStore): Promise<IndexManifest | undefined> {
  const manifest = await store.manifest();
  if (manifest) return manifest;
  const crawl = await store.crawl();
  if (!crawl || crawl.phase === 'done') return undefined;
  return {
    gen: crawl.gen,
    asOf: crawl.startedAt,
    products: crawl.products,
    counts: { users: 0, active: 0, byType: { atlassian: 0, app: 0, customer: 0 }, groups: 0, serviceDesks: 0 },
    lists: {},
    buckets: 8,
    groups: crawl.groups.map((g) => ({
      groupId: g.groupId,
      products: crawl.products.filter((_, i) => (g.bits & (1 << i)) !== 0).map((p) => p.key),
    })),
  };
}

/** Records changes in the index, in order per account (before any index or crawl exists: nothing to patch). */
export async function recordChanges(store: DirectoryStore, all: AccountChange[]): Promise<void> {
  if (all.length === 0) return;
  const manifest = await patchTarget(store);
  if (!manifest) return;
  // Only product-granting groups are in the index: other group changes change nothing it holds.
  const productGroups = new Set((manifest.groups ?? []).map((g) => g.groupId));
  const changes = all.filter((c) => c.kind !== 'group' || productGroups.has(c.groupId));
  if (changes.length === 0) return;
  const base = await baseRows(store, manifest, [...new Set(changes.map((c) => c.accountId))]);
  const byBucket = new Map<number, AccountChange[]>();
  for (const c of changes)
    byBucket.set(patchBucketOf(c.accountId), [...(byBucket.get(patchBucketOf(c.accountId)) ?? []), c]);
  await Promise.all(
    [...byBucket].map(([n, list]) =>
      store.updatePatchBucket(n, (bucket) => {
        let changed = false;
        for (const c of list) {
          const next = mergeChange(manifest, bucket[c.accountId] ?? base.get(c.accountId), c);
          if (next) {
            bucket[c.accountId] = next;
            changed = true;
          }
        }
        return changed ? bucket : undefined;
      }),
    ),
  );
}

/**
 * The app's own change to one account (older callers): product access as Jira reported it after the
 * change, or a deletion.
 */
export async function recordAccountChange(
  store: DirectoryStore,
  change: { accountId: string; deleted?: boolean; productKeys?: string[]; displayName?: string },
  at: number = Date.now(),
): Promise<void> {
  if (change.deleted)
    return recordChanges(store, [
      {
        kind: 'deleted',
        accountId: change.accountId,
        at,
        ...(change.displayName ? { displayName: change.displayName } : {}),
      },
    ]);
  if (change.productKeys)
    return recordChanges(store, [
      { kind: 'products', accountId: change.accountId, at, productKeys: change.productKeys },
    ]);
}

/** A full observation of an account from Jira's answer (GET user with groups and application roles). */
export async function observed(user: JiraUser, at: number, email?: string): Promise<AccountChange> {
  const mail = user.emailAddress ?? email;
  return {
    kind: 'observed',
    accountId: user.accountId,
    at,
    displayName: user.displayName,
    type: TYPE_CODE[user.accountType] ?? 'a',
    active: user.active,
    ...(mail ? { emailHash: (await emailHasher())(mail) } : {}),
    productKeys: (user.applicationRoles?.items ?? []).map((r) => r.key),
    groupIds: (user.groups?.items ?? []).map((g) => g.groupId),
  };
}

/** What the user-event trigger reads, asApp (a trigger runs without a user). */
export interface UserEventJira {
  getUser(accountId: string): Promise<JiraUser>;
  getEmailsBulk(accountIds: string[]): Promise<Array<{ accountId: string; email: string }>>;
}

/** The user events Forge delivers (developer.atlassian.com/platform/forge/events-reference/jira/, user events). */
export interface UserEventLike {
  eventType: string;
  user?: { accountId?: string };
}

/**
 * Applies one Jira user event to the index. `avi:jira:deleted:user` is final and needs no read. For
 * created/updated, the payload may be stale by the time it arrives (at-least-once, late, reordered; it has
 * no event time), so the account is read from Jira now and recorded at the time of that answer: a late or
 * repeated event then records the current state again, never an older one. A 404 means the account has
 * been deleted since. Idempotent. Returns what it recorded.
 */
export async function applyJiraUserEvent(
  deps: { jira: UserEventJira; store: DirectoryStore; now?: () => number },
  event: UserEventLike,
): Promise<'deleted' | 'observed' | 'ignored'> {
  const now = deps.now ?? Date.now;
  const accountId = event.user?.accountId;
  if (typeof accountId !== 'string' || !/^[A-Za-z0-9:_-]{1,128}$/.test(accountId)) return 'ignored';
  if (!['avi:jira:created:user', 'avi:jira:updated:user', 'avi:jira:deleted:user'].includes(event.eventType))
    return 'ignored';
  if (!(await patchTarget(deps.store))) return 'ignored';
  if (event.eventType === 'avi:jira:deleted:user') {
    await recordChanges(deps.store, [{ kind: 'deleted', accountId, at: now() }]);
    return 'deleted';
  }
  let user: JiraUser;
  try {
    user = await deps.jira.getUser(accountId);
  } catch (err) {
    if (err instanceof JiraApiError && err.status === 404) {
      await recordChanges(deps.store, [{ kind: 'deleted', accountId, at: now() }]);
      return 'deleted';
    }
    throw err;
  }
  const at = now();
  const email =
    user.emailAddress || user.accountType === 'app'
      ? undefined
      : (await deps.jira.getEmailsBulk([accountId]))[0]?.email;
  await recordChanges(deps.store, [await observed(user, at, email)]);
  return 'observed';
}
