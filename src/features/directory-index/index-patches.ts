/**
 * Patches: what the index has learnt about accounts since its generation was built — from Jira's user
 * events (created, updated, deleted) and from every change the app makes (group changes, bulk items,
 * customers, deletions). Each patch is the account's whole effective state, so a read needs no other
 * source, with two versions: `v` for the profile (name, type, active, deleted, email) and `pv` for product
 * access. A version is the time the state was observed in Jira (the answer to a read or a write), so a
 * late or repeated event — Forge delivers them at least once and in no promised order, and the payload
 * carries no event time — never overwrites a newer state: merging keeps, per part, the newer version.
 *
 * Patches live in PATCH_BUCKETS shared records (`dir:pb:<n>`, accounts spread by hash), so one KVS batch
 * read gives them all. Concurrent writers (event triggers, resolvers, bulk slices in other containers)
 * take the bucket's create-only lock (`set` with keyPolicy FAIL_IF_EXISTS, as @forge/kvs offers it; KVS
 * conditions exist only on custom entities) with a TTL, then read, merge and write, then release; a writer
 * that finds the lock held retries with jittered back-off.
 */
import type { IndexManifest, IndexRow } from './directory-store';
import { redactEmails } from '../../store/redact';

export type TypeCode = 'a' | 'p' | 'c';
export const TYPE_CODE: Record<string, TypeCode> = { atlassian: 'a', app: 'p', customer: 'c' };
export const TYPE_NAME = { a: 'atlassian', p: 'app', c: 'customer' } as const;

export interface PatchRecord {
  /** Profile version (ms since the epoch, when Jira's answer was observed). */
  v: number;
  n: string;
  t: TypeCode;
  a: 0 | 1;
  /** Deleted from the site. */
  d?: 1;
  /** Keyed email hash ('' or absent when unknown). */
  h?: string;
  /** Products version. */
  pv: number;
  /** Product keys the account has. */
  p: string[];
  /** Product-granting groups (ids) the account is in, when known. */
  g?: string[];
  /** The base row of generation `bg`, when the account was in it (lists hold it where `b` matched). */
  bg?: number;
  b?: IndexRow;
}

/** A change to record: a full observation (events) or a product-group change (the app's own writes). */
export type AccountChange =
  | {
      kind: 'observed';
      accountId: string;
      at: number;
      displayName: string;
      type: TypeCode;
      active: boolean;
      emailHash?: string;
      productKeys: string[];
      groupIds: string[];
    }
  | { kind: 'deleted'; accountId: string; at: number; displayName?: string }
  | { kind: 'group'; accountId: string; at: number; op: 'add' | 'remove'; groupId: string }
  | { kind: 'products'; accountId: string; at: number; productKeys: string[] };

export const PATCH_BUCKETS = 16;

function fnv(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export function patchBucketOf(accountId: string): number {
  return fnv(accountId) % PATCH_BUCKETS;
}

/** The `dir:g:<gen>:i:<n>` bucket that holds an account's row. */
export function idBucketOf(accountId: string, buckets: number): number {
  return fnv(`i:${accountId}`) % buckets;
}

/** The products the groups grant, in the manifest's product-group table. */
export function productsOfGroups(manifest: IndexManifest, groupIds: string[]): string[] {
  const keys = new Set<string>();
  for (const g of manifest.groups ?? []) if (groupIds.includes(g.groupId)) g.products.forEach((k) => keys.add(k));
  return manifest.products.map((p) => p.key).filter((k) => keys.has(k));
}

const TYPE_OF_ROW: Record<TypeCode, TypeCode> = { a: 'a', p: 'p', c: 'c' };

/** A patch describing the base row as it stands (the starting point of a merge). */
export function patchFromBase(manifest: IndexManifest, row: IndexRow, groupIdx: number[] | undefined): PatchRecord {
  const groups = manifest.groups ?? [];
  return {
    v: 0,
    pv: 0,
    n: row[1],
    t: TYPE_OF_ROW[row[2]],
    a: row[3],
    p: manifest.products.filter((_, i) => (row[4] & (1 << i)) !== 0).map((p) => p.key),
    ...(groupIdx ? { g: groupIdx.map((i) => groups[i]?.groupId).filter((id): id is string => !!id) } : {}),
    bg: manifest.gen,
    b: row,
  };
}

/**
 * Merges a change into the account's current patch (or its base). Returns the new patch, or undefined
 * when the change is older than what is recorded (nothing to write) or cannot be applied.
 */
export function mergeChange(
  manifest: IndexManifest,
  current: PatchRecord | undefined,
  change: AccountChange,
): PatchRecord | undefined {
  if (change.kind === 'observed') {
    if (current?.d) return undefined;
    const profileNewer = !current || change.at > current.v;
    const productsNewer = !current || change.at > current.pv;
    if (!profileNewer && !productsNewer) return undefined;
    const next: PatchRecord = current
      ? { ...current }
      : { v: 0, pv: 0, n: redactEmails(change.displayName), t: change.type, a: change.active ? 1 : 0, p: [] };
    if (profileNewer) {
      next.v = change.at;
      next.n = redactEmails(change.displayName);
      next.t = change.type;
      next.a = change.active ? 1 : 0;
      if (change.emailHash) next.h = change.emailHash;
    }
    if (productsNewer) {
      next.pv = change.at;
      next.p = change.productKeys;
      // Product groups are known once a crawl has read the roles; before that, group changes wait for it.
      if (manifest.groups?.length)
        next.g = change.groupIds.filter((id) => (manifest.groups ?? []).some((g) => g.groupId === id));
      else delete next.g;
    }
    return next;
  }
  if (change.kind === 'deleted') {
    if (current?.d) return undefined;
    const next: PatchRecord = current
      ? { ...current }
      : { v: 0, pv: 0, n: change.displayName ? redactEmails(change.displayName) : 'Former user', t: 'a', a: 0, p: [] };
    // Deletion is final: no older observation may bring the account back, whatever its time.
    next.d = 1;
    next.a = 0;
    next.v = Math.max(change.at, next.v);
    next.pv = Math.max(change.at, next.pv);
    next.p = [];
    next.g = [];
    if (change.displayName && !current) next.n = redactEmails(change.displayName);
    return next;
  }
  if (!current || current.d || change.at <= current.pv) return undefined;
  if (change.kind === 'products') return { ...current, pv: change.at, p: change.productKeys };
  // A product-group change: the groups after it, and the products those groups grant.
  if (!current.g) return undefined;
  const groups = new Set(current.g);
  if (change.op === 'add') groups.add(change.groupId);
  else groups.delete(change.groupId);
  const g = [...groups];
  return { ...current, pv: change.at, g, p: productsOfGroups(manifest, g) };
}

/** The product bitmask of a patch in the manifest's product order. */
export function productMask(manifest: IndexManifest, patch: PatchRecord): number {
  return manifest.products.reduce((m, p, i) => (patch.p.includes(p.key) ? m | (1 << i) : m), 0);
}

/** The patch as an index row ([id, name, type, active, products, functional]). */
export function rowOfPatch(
  manifest: IndexManifest,
  accountId: string,
  patch: PatchRecord,
  functional: 0 | 1,
): IndexRow {
  return [accountId, patch.n, patch.t, patch.d ? 0 : patch.a, patch.d ? 0 : productMask(manifest, patch), functional];
}
