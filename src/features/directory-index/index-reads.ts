/**
 * Reads of the published index with its patches applied: a page of a filter (product, type, status,
 * functional), emails to accounts (keyed hashes), and name search over inactive and deleted people (Jira's
 * `user/search` returns active users only). Each costs KVS reads only: the published list chunks it pages
 * through and one batch read of the patch buckets.
 */
import type { UserFilters } from '../../contract';
import { looksFunctional } from '../../contract/naming';
import { invalidInput } from '../../invocation/app-error';
import {
  bucketKey,
  bucketOf,
  emailHasher,
  idKey,
  listKey,
  LIST_CHUNK,
  type DirectoryStore,
  type IdEntry,
  type IndexManifest,
  type IndexRow,
} from './directory-store';
import { idBucketOf, rowOfPatch, TYPE_NAME, type PatchRecord } from './index-patches';

/** Where a filter's listing stands: `p` in the accounts patched into it, then `o` in the published list. */
export interface IndexPosition {
  o: number;
  p?: number;
}

export interface IndexPage {
  accountIds: string[];
  /** Where to continue, when there are more. */
  next?: IndexPosition;
  scanned: number;
  asOf: string;
}

/** Chunks one listing call may read from KVS before it answers with a cursor. */
const MAX_CHUNKS_PER_CALL = 25;

function chooseList(manifest: IndexManifest, filters: UserFilters): string {
  const candidates: string[] = [];
  if (filters.product) {
    if (!manifest.products.some((p) => p.key === filters.product))
      throw invalidInput(`Unknown product: ${filters.product}.`);
    candidates.push(`product:${filters.product}`);
  }
  if (filters.accountType) candidates.push(`type:${filters.accountType}`);
  if (filters.status) candidates.push(`status:${filters.status}`);
  if (filters.functional) candidates.push('functional');
  const size = (l: string) => manifest.lists[l]?.size ?? 0;
  return candidates.sort((a, b) => size(a) - size(b))[0] as string;
}

/** Whether the index can serve these filters (no group or text, at least one indexed filter). */
export function indexServes(filters: UserFilters, query: string | undefined): boolean {
  return (
    !filters.groupId && !query && !!(filters.product || filters.accountType || filters.status || filters.functional)
  );
}

/** Whether a published row belongs to the named list. */
function inList(manifest: IndexManifest, list: string, row: IndexRow): boolean {
  if (list.startsWith('product:')) {
    const i = manifest.products.findIndex((p) => `product:${p.key}` === list);
    return i >= 0 && (row[4] & (1 << i)) !== 0;
  }
  if (list.startsWith('type:')) return `type:${TYPE_NAME[row[2]]}` === list;
  if (list === 'status:active') return row[3] === 1;
  if (list === 'status:inactive') return row[3] === 0;
  if (list === 'functional') return row[5] === 1;
  return false;
}

/** The patch holds the account in place in `list` (its published row is there). */
function heldInPlace(manifest: IndexManifest, list: string, patch: PatchRecord): boolean {
  return patch.bg === manifest.gen && !!patch.b && inList(manifest, list, patch.b);
}

function byName(a: IndexRow, b: IndexRow): number {
  const x = a[1].toLowerCase();
  const y = b[1].toLowerCase();
  return x < y ? -1 : x > y ? 1 : a[0] < b[0] ? -1 : 1;
}

/** The effective row of a patched account (deleted ones are never listed by a filter). */
function effective(manifest: IndexManifest, id: string, patch: PatchRecord, registered: Set<string>): IndexRow {
  const functional = patch.b?.[5] === 1 || looksFunctional(patch.n) || registered.has(id) ? 1 : 0;
  return rowOfPatch(manifest, id, patch, functional);
}

/**
 * One page of account ids matching the filters: first the accounts that joined the filter since the
 * index was built (patches: new accounts, product access given, status changed), in name order, then the
 * published list in name order with each patched account shown as it is now (or left out). Costs KVS reads
 * only; the caller fetches the page's users from Jira.
 */
export async function pageFromIndex(
  store: DirectoryStore,
  manifest: IndexManifest,
  filters: UserFilters,
  position: IndexPosition,
  pageSize: number,
  registered: Set<string>,
): Promise<IndexPage> {
  const list = chooseList(manifest, filters);
  const bit = filters.product ? 1 << manifest.products.findIndex((p) => p.key === filters.product) : 0;
  const patches = await store.patches();
  const matches = (row: IndexRow) =>
    (!bit || (row[4] & bit) !== 0) &&
    (!filters.accountType || TYPE_NAME[row[2]] === filters.accountType) &&
    (!filters.status || (filters.status === 'active') === (row[3] === 1)) &&
    (!filters.functional || row[5] === 1 || registered.has(row[0]));
  const joined = [...patches]
    .filter(([id, p]) => !p.d && !heldInPlace(manifest, list, p) && matches(effective(manifest, id, p, registered)))
    .map(([id, p]) => effective(manifest, id, p, registered))
    .sort(byName);
  const ids: string[] = [];
  let p = position.p ?? 0;
  while (ids.length < pageSize && p < joined.length) ids.push((joined[p++] as IndexRow)[0]);
  if (list === 'functional')
    return functionalPage(store, manifest, matches, patches, position, p, ids, pageSize, registered);
  const { chunks, size } = manifest.lists[list] ?? { chunks: 0, size: 0 };
  let o = position.o;
  let scanned = 0;
  for (let reads = 0; ids.length < pageSize && o < size && reads < MAX_CHUNKS_PER_CALL; reads += 1) {
    const n = Math.floor(o / LIST_CHUNK);
    if (n >= chunks) break;
    const rows = (await store.get<IndexRow[]>(listKey(manifest.gen, list, n))) ?? [];
    for (let i = o - n * LIST_CHUNK; i < rows.length && ids.length < pageSize; i += 1) {
      const row = rows[i] as IndexRow;
      o += 1;
      scanned += 1;
      const patch = patches.get(row[0]);
      if (patch && (patch.d || !heldInPlace(manifest, list, patch))) continue;
      if (matches(patch ? effective(manifest, row[0], patch, registered) : row) && !ids.includes(row[0]))
        ids.push(row[0]);
    }
    if (rows.length === 0) o = (n + 1) * LIST_CHUNK;
  }
  const more = p < joined.length || o < size;
  return { accountIds: ids, ...(more ? { next: { o, p } } : {}), scanned, asOf: manifest.asOf };
}

/**
 * The functional filter: the accounts named functional when the index was built, followed by those
 * registered since (the registry is the source of truth and may be newer than the index).
 */
async function functionalPage(
  store: DirectoryStore,
  manifest: IndexManifest,
  matches: (row: IndexRow) => boolean,
  patches: Map<string, PatchRecord>,
  position: IndexPosition,
  p: number,
  ids: string[],
  pageSize: number,
  registered: Set<string>,
): Promise<IndexPage> {
  const { chunks } = manifest.lists.functional ?? { chunks: 0 };
  const keys = Array.from({ length: chunks }, (_, n) => listKey(manifest.gen, 'functional', n));
  const loaded = await store.getMany<IndexRow[]>(keys);
  const all: string[] = [];
  const seen = new Set<string>(ids);
  for (const key of keys)
    for (const row of loaded.get(key) ?? []) {
      const patch = patches.get(row[0]);
      if (patch && (patch.d || !heldInPlace(manifest, 'functional', patch))) continue;
      const now = patch ? effective(manifest, row[0], patch, registered) : row;
      if (matches(now) && !seen.has(row[0])) {
        all.push(row[0]);
        seen.add(row[0]);
      }
    }
  for (const id of registered) if (!seen.has(id) && !patches.get(id)?.d) all.push(id);
  const page = all.slice(position.o, position.o + pageSize - ids.length);
  const o = position.o + page.length;
  return {
    accountIds: [...ids, ...page],
    ...(o < all.length || ids.length === pageSize ? { next: { o, p } } : {}),
    scanned: page.length,
    asOf: manifest.asOf,
  };
}

/** Account ids by lower-cased email, from the published buckets and patches; undefined when no index. */
export async function lookupEmails(store: DirectoryStore, emails: string[]): Promise<Map<string, string> | undefined> {
  const manifest = await store.manifest();
  if (!manifest) return undefined;
  const hash = await emailHasher();
  const hashes = new Map(emails.map((e) => [e, hash(e)]));
  const keys = [...new Set([...hashes.values()].map((h) => bucketKey(manifest.gen, bucketOf(h, manifest.buckets))))];
  const [buckets, patches] = await Promise.all([store.getMany<Record<string, string>>(keys), store.patches()]);
  const patched = new Map<string, string>();
  for (const [id, p] of patches) if (p.h) patched.set(p.h, id);
  const out = new Map<string, string>();
  for (const [email, h] of hashes) {
    const id = patched.get(h) ?? buckets.get(bucketKey(manifest.gen, bucketOf(h, manifest.buckets)))?.[h];
    if (id) out.set(email, id);
  }
  return out;
}

/**
 * Account types by id (KVS reads only: the accounts' id buckets and the patches, for accounts added since the
 * crawl). An account's type never changes. Ids the index does not know are left out; undefined while no
 * index by id exists.
 */
export async function accountTypesFromIndex(
  store: DirectoryStore,
  ids: string[],
): Promise<Map<string, 'atlassian' | 'app' | 'customer'> | undefined> {
  const manifest = await store.manifest();
  if (!manifest?.byId) return undefined;
  const keyOf = (id: string) => idKey(manifest.gen, idBucketOf(id, manifest.buckets));
  const [buckets, patches] = await Promise.all([
    store.getMany<Record<string, IdEntry>>([...new Set(ids.map(keyOf))]),
    store.patches(),
  ]);
  const out = new Map<string, 'atlassian' | 'app' | 'customer'>();
  for (const id of ids) {
    const code = patches.get(id)?.t ?? buckets.get(keyOf(id))?.[id]?.[1];
    if (code) out.set(id, TYPE_NAME[code]);
  }
  return out;
}

/** A person the index found by name who is not active: deleted ones exist only here. */
export interface IndexedPerson {
  accountId: string;
  displayName: string;
  accountType: 'atlassian' | 'app' | 'customer';
  deleted: boolean;
}

/** Jira's own name match: a prefix of the display name or of any of its words. */
export function nameMatches(name: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  const n = name.toLowerCase();
  return !!q && (n.startsWith(q) || n.split(/[\s_.\-()]+/).some((w) => w.startsWith(q)));
}

/**
 * Inactive and deleted people whose name matches, in name order, from `offset`: the published inactive and
 * deleted lists and the patches (people deactivated or deleted since). At most MAX_CHUNKS_PER_CALL chunks
 * a call; `next` says where to go on.
 */
export async function searchIndexByName(
  store: DirectoryStore,
  manifest: IndexManifest,
  query: string,
  offset: number,
  pageSize: number,
): Promise<{ people: IndexedPerson[]; next?: number; scanned: number; total: number }> {
  const patches = await store.patches();
  const keys = (['status:inactive', 'deleted'] as const).flatMap((list) =>
    Array.from({ length: manifest.lists[list]?.chunks ?? 0 }, (_, n) => listKey(manifest.gen, list, n)),
  );
  const chunks = await store.getMany<IndexRow[]>(keys.slice(0, MAX_CHUNKS_PER_CALL * 4));
  const found = new Map<string, IndexedPerson>();
  let scanned = 0;
  const add = (id: string, name: string, type: IndexRow[2], deleted: boolean) => {
    if (nameMatches(name, query))
      found.set(id, { accountId: id, displayName: name, accountType: TYPE_NAME[type], deleted });
  };
  for (const key of keys)
    for (const row of chunks.get(key) ?? []) {
      scanned += 1;
      const patch = patches.get(row[0]);
      if (patch) continue;
      add(row[0], row[1], row[2], key.includes(':l:deleted:'));
    }
  for (const [id, p] of patches) if (p.d || p.a === 0) add(id, p.n, p.t, !!p.d);
  const all = [...found.values()].sort((a, b) =>
    a.displayName.toLowerCase() < b.displayName.toLowerCase() ? -1 : a.displayName === b.displayName ? 0 : 1,
  );
  const people = all.slice(offset, offset + pageSize);
  const next = offset + people.length;
  return { people, ...(next < all.length ? { next } : {}), scanned, total: all.length };
}
