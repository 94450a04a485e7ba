/**
 * The directory index: a background crawl (asApp, on Forge's queue, paced to a points budget) reads every
 * user once, the members of every product-granting group, and the emails Jira hides, and publishes what
 * filters and lookups need: lists by product, account type, status and "functional" in name order, email
 * buckets of keyed hashes (never an email), and the site counts with their "as of" time. Filters then page
 * in O(page) Jira requests at any size, pasted emails resolve by lookup, and a page open reads counts from
 * storage. The app's own changes (product access through group changes, deletions) are recorded as patches
 * that every read applies until the next crawl.
 */
import type { UserFilters } from '../../contract';
import type { JiraApplicationRole, JiraUser } from '../../jira/types';
import type { Page } from '../../jira/transport/pagination';
import { redactEmails } from '../../store/redact';
import {
  bucketKey,
  bucketOf,
  emailHasher,
  listKey,
  memberKey,
  rawKey,
  type CrawlState,
  type DirectoryStore,
  type IndexManifest,
  type IndexRow,
  type PatchRecord,
  type RawRow,
} from './directory-store';
import { invalidInput } from '../../invocation/app-error';
import { looksFunctional } from '../../contract/naming';

/** What the crawl asks Jira, all asApp (no user behind a queue event). */
export interface CrawlJira {
  listUsersPage(startAt: number, maxResults: number): Promise<Page<JiraUser>>;
  getEmailsBulk(accountIds: string[]): Promise<Array<{ accountId: string; email: string }>>;
  listApplicationRoles(): Promise<JiraApplicationRole[]>;
  listGroupMembersPage(groupId: string, startAt: number, maxResults: number): Promise<Page<JiraUser>>;
  countGroups(): Promise<number>;
  countServiceDesks(): Promise<number>;
}

export interface CrawlDeps {
  jira: CrawlJira;
  store: DirectoryStore;
  /** Registered functional accounts, so the functional list includes them. */
  registeredFunctional(): Promise<Set<string>>;
  now?: () => number;
  /** Points the crawl may spend per hour; 0 = unpaced. */
  pointsPerHour?: number;
}

/** Default pacing: ~30 % of the default tier's hourly pool (65,000 points, shared by every installation). */
export const CRAWL_POINTS_PER_HOUR = 20_000;
export const USERS_PAGE = 1000;
const MEMBER_PAGE = 50;
/** Member pages read per checkpoint. */
const MEMBER_PAGES_PER_UNIT = 20;
export const LIST_CHUNK = 1000;
/** Time a slice keeps in hand before its invocation ends, and the time finalizing needs. */
const SLICE_RESERVE_MS = 10_000;
const FINALIZE_NEEDS_MS = 30_000;
/**
 * A crawl without a checkpoint for this long is considered dead (its event chain was lost) and may be
 * restarted; a live one checkpoints at least every 15 minutes, its longest delay on the queue.
 */
const STALE_CRAWL_MS = 2 * 3_600_000;

const TYPE_CODE: Record<string, 'a' | 'p' | 'c'> = { atlassian: 'a', app: 'p', customer: 'c' };
const TYPE_NAME = { a: 'atlassian', p: 'app', c: 'customer' } as const;

export function isCrawlRunning(state: CrawlState | undefined, now: number): boolean {
  return !!state && state.phase !== 'done' && now - Date.parse(state.updatedAt ?? state.startedAt) < STALE_CRAWL_MS;
}

/** Starts a crawl unless one is running; returns the state to push the first event for, or undefined. */
export async function startCrawl(
  store: DirectoryStore,
  reason: string,
  now: number = Date.now(),
): Promise<CrawlState | undefined> {
  const [state, manifest] = await Promise.all([store.crawl(), store.manifest()]);
  if (isCrawlRunning(state, now)) return undefined;
  const gen = Math.max(state?.gen ?? 0, manifest?.gen ?? 0) + 1;
  const fresh: CrawlState = {
    gen,
    phase: 'users',
    step: (state?.step ?? 0) + 1,
    reason,
    startedAt: new Date(now).toISOString(),
    offset: 0,
    chunk: 0,
    groups: [],
    products: [],
    groupIndex: 0,
    usersSeen: 0,
    requests: 0,
    points: 0,
    hourStart: now,
    hourPoints: 0,
  };
  await store.saveCrawl(fresh);
  return fresh;
}

function charge(state: CrawlState, requests: number, objects: number): void {
  state.requests += requests;
  state.points += requests + objects;
  state.hourPoints += requests + objects;
}

async function crawlUsersUnit(deps: CrawlDeps, state: CrawlState, hash: (e: string) => string): Promise<void> {
  const page = await deps.jira.listUsersPage(state.offset, USERS_PAGE);
  charge(state, 1, page.items.length);
  const hidden = page.items.filter((u) => !u.emailAddress && u.accountType !== 'app').map((u) => u.accountId);
  const emails = new Map<string, string>();
  if (hidden.length > 0) {
    const rows = await deps.jira.getEmailsBulk(hidden);
    charge(state, Math.ceil(hidden.length / 100), rows.length);
    for (const r of rows) emails.set(r.accountId, r.email);
  }
  const raw: RawRow[] = page.items.map((u) => {
    const email = u.emailAddress ?? emails.get(u.accountId);
    return [
      u.accountId,
      redactEmails(u.displayName),
      TYPE_CODE[u.accountType] ?? 'a',
      u.active ? 1 : 0,
      email ? hash(email) : '',
    ];
  });
  if (raw.length > 0) {
    await deps.store.set(rawKey(state.gen, state.chunk), raw);
    state.chunk += 1;
  }
  state.offset += page.items.length;
  state.usersSeen += page.items.length;
  if (page.isLast || page.items.length === 0) {
    const roles = await deps.jira.listApplicationRoles();
    charge(state, 1, roles.length);
    state.products = roles.map((r) => ({ key: r.key, name: r.name }));
    const bits = new Map<string, number>();
    roles.forEach((role, i) => {
      for (const g of role.groupDetails ?? []) bits.set(g.groupId, (bits.get(g.groupId) ?? 0) | (1 << i));
    });
    state.groups = [...bits].map(([groupId, b]) => ({ groupId, bits: b }));
    state.phase = 'products';
    state.groupIndex = 0;
    state.offset = 0;
    state.chunk = 0;
  }
}

async function crawlMembersUnit(deps: CrawlDeps, state: CrawlState): Promise<void> {
  const group = state.groups[state.groupIndex];
  if (!group) {
    state.phase = 'finalize';
    return;
  }
  const ids: string[] = [];
  let last = false;
  for (let i = 0; i < MEMBER_PAGES_PER_UNIT && !last; i += 1) {
    const page = await deps.jira.listGroupMembersPage(group.groupId, state.offset, MEMBER_PAGE);
    charge(state, 1, page.items.length);
    ids.push(...page.items.map((u) => u.accountId));
    state.offset += page.items.length;
    last = page.isLast || page.items.length === 0;
  }
  await deps.store.set(memberKey(state.gen, state.chunk), { bits: group.bits, ids });
  state.chunk += 1;
  if (last) {
    state.groupIndex += 1;
    state.offset = 0;
    if (state.groupIndex >= state.groups.length) state.phase = 'finalize';
  }
}

function chunked<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Publishes the crawled generation; false (and nothing written) when its working data is incomplete. */
async function finalize(deps: CrawlDeps, state: CrawlState, now: number): Promise<boolean> {
  const { store } = deps;
  const rawKeys = Array.from({ length: Math.ceil(state.usersSeen / USERS_PAGE) + 1 }, (_, n) => rawKey(state.gen, n));
  const raw = await store.getMany<RawRow[]>(rawKeys);
  const memberKeys = Array.from({ length: state.chunk }, (_, n) => memberKey(state.gen, n));
  const members = await store.getMany<{ bits: number; ids: string[] }>(memberKeys);
  const rowsRead = [...raw.values()].reduce((n, r) => n + r.length, 0);
  if (rowsRead !== state.usersSeen || members.size !== state.chunk) return false;
  const products = new Map<string, number>();
  for (const m of members.values()) for (const id of m.ids) products.set(id, (products.get(id) ?? 0) | m.bits);
  const registered = await deps.registeredFunctional();
  const rows: IndexRow[] = [];
  const buckets = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(state.usersSeen, 1) / 500)));
  const emailBuckets: Array<Record<string, string>> = Array.from({ length: buckets }, () => ({}));
  for (const key of rawKeys) {
    for (const [id, name, type, active, hash] of raw.get(key) ?? []) {
      const functional = looksFunctional(name) || registered.has(id) ? 1 : 0;
      rows.push([id, name, type, active, products.get(id) ?? 0, functional]);
      if (hash) (emailBuckets[bucketOf(hash, buckets)] as Record<string, string>)[hash] = id;
    }
  }
  rows.sort((a, b) => {
    const x = a[1].toLowerCase();
    const y = b[1].toLowerCase();
    return x < y ? -1 : x > y ? 1 : a[0] < b[0] ? -1 : 1;
  });
  const lists: Record<string, IndexRow[]> = {
    'type:atlassian': [],
    'type:app': [],
    'type:customer': [],
    'status:active': [],
    'status:inactive': [],
    functional: [],
  };
  state.products.forEach((p) => (lists[`product:${p.key}`] = []));
  const byType = { atlassian: 0, app: 0, customer: 0 };
  let active = 0;
  for (const row of rows) {
    lists[`type:${TYPE_NAME[row[2]]}`]?.push(row);
    lists[row[3] ? 'status:active' : 'status:inactive']?.push(row);
    if (row[5]) lists.functional?.push(row);
    state.products.forEach((p, i) => {
      if (row[4] & (1 << i)) lists[`product:${p.key}`]?.push(row);
    });
    byType[TYPE_NAME[row[2]]] += 1;
    active += row[3];
  }
  const writes: Array<{ key: string; value: unknown }> = [];
  const sizes: IndexManifest['lists'] = {};
  for (const [name, listRows] of Object.entries(lists)) {
    const chunks = chunked(listRows, LIST_CHUNK);
    chunks.forEach((c, n) => writes.push({ key: listKey(state.gen, name, n), value: c }));
    sizes[name] = { chunks: chunks.length, size: listRows.length };
  }
  emailBuckets.forEach((b, n) => writes.push({ key: bucketKey(state.gen, n), value: b }));
  await store.setMany(writes);
  const [groups, serviceDesks] = await Promise.all([deps.jira.countGroups(), deps.jira.countServiceDesks()]);
  charge(state, 2, 1 + serviceDesks);
  const previous = await store.manifest();
  await store.publish({
    gen: state.gen,
    asOf: state.startedAt,
    products: state.products,
    counts: { users: rows.length, active, byType, groups, serviceDesks },
    lists: sizes,
    buckets,
  });
  // The crawl's working data and the previous generation go; patches older than this crawl are now in it.
  await store.deletePrefix(`${rawKey(state.gen, 0).slice(0, -1)}`);
  await store.deletePrefix(`${memberKey(state.gen, 0).slice(0, -1)}`);
  if (previous && previous.gen !== state.gen) await store.deleteGeneration(previous.gen);
  for (const p of (await store.patches()).values()) if (p.at < state.startedAt) await store.deletePatch(p.accountId);
  state.phase = 'done';
  state.finishedAt = new Date(now).toISOString();
  return true;
}

export interface SliceResult {
  state: CrawlState;
  /** Seconds to wait before the next slice (pacing), when not done. */
  delaySeconds: number;
  done: boolean;
}

/**
 * Advances the crawl while time and the hourly points budget allow, checkpointing after every unit so a
 * killed or repeated invocation resumes where the last checkpoint left off.
 */
export async function crawlSlice(deps: CrawlDeps, remainingMs: () => number): Promise<SliceResult> {
  const now = deps.now ?? Date.now;
  const budget = deps.pointsPerHour ?? CRAWL_POINTS_PER_HOUR;
  const state = await deps.store.crawl();
  if (!state || state.phase === 'done') return { state: state as CrawlState, delaySeconds: 0, done: true };
  const hash = await emailHasher();
  // The next slice's event carries the next step; a repeat of this event (at-least-once) is then ignored.
  const handOver = async (delaySeconds: number): Promise<SliceResult> => {
    state.step += 1;
    await deps.store.saveCrawl(state);
    return { state, delaySeconds, done: false };
  };
  for (;;) {
    if (now() - state.hourStart >= 3_600_000) {
      state.hourStart = now();
      state.hourPoints = 0;
    }
    if (budget > 0 && state.hourPoints >= budget) {
      const wait = Math.ceil((state.hourStart + 3_600_000 - now()) / 1000);
      return handOver(Math.min(Math.max(wait, 1), 900));
    }
    if (state.phase === 'finalize' && remainingMs() < FINALIZE_NEEDS_MS) break;
    if (remainingMs() < SLICE_RESERVE_MS) break;
    if (state.phase === 'users') await crawlUsersUnit(deps, state, hash);
    else if (state.phase === 'products') await crawlMembersUnit(deps, state);
    else if (state.phase === 'finalize') {
      // Two deliveries of one event may run at once: only a slice that still finds the crawl unpublished
      // and its working data complete publishes; the other stops without touching the checkpoint.
      const current = await deps.store.crawl();
      if (current?.phase !== 'finalize' || current.gen !== state.gen)
        return { state: current ?? state, delaySeconds: 0, done: true };
      if (!(await finalize(deps, state, now()))) {
        // A slice killed after publishing but before its checkpoint: the generation is out, so the crawl is done.
        if ((await deps.store.manifest())?.gen === state.gen) {
          state.phase = 'done';
          state.finishedAt = new Date(now()).toISOString();
          await deps.store.saveCrawl(state);
        }
        return { state, delaySeconds: 0, done: true };
      }
    }
    await deps.store.saveCrawl(state);
    if ((state.phase as CrawlState['phase']) === 'done') return { state, delaySeconds: 0, done: true };
  }
  return handOver(0);
}

// ---------------------------------------------------------------------------------------------------
// Reads

export interface IndexPage {
  accountIds: string[];
  /** Offset in the list to continue from, when there are more. */
  next?: number;
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

/**
 * One page of account ids matching the filters, from the smallest applicable list, with the app's own
 * changes applied. Costs KVS reads only; the caller fetches the page's users from Jira.
 */
export async function pageFromIndex(
  store: DirectoryStore,
  manifest: IndexManifest,
  filters: UserFilters,
  offset: number,
  pageSize: number,
  registered: Set<string>,
): Promise<IndexPage> {
  const list = chooseList(manifest, filters);
  const bit = filters.product ? 1 << manifest.products.findIndex((p) => p.key === filters.product) : 0;
  const patches = await store.patches();
  const matches = (row: IndexRow, patch: PatchRecord | undefined) =>
    !patch?.deleted &&
    (!bit || ((patch?.products ?? row[4]) & bit) !== 0) &&
    (!filters.accountType || TYPE_NAME[row[2]] === filters.accountType) &&
    (!filters.status || (filters.status === 'active') === (row[3] === 1)) &&
    (!filters.functional || row[5] === 1 || registered.has(row[0]));
  const ids: string[] = [];
  if (list === 'functional') return functionalPage(store, manifest, matches, patches, offset, pageSize, registered);
  // Accounts the app just gave this product appear first, until the next crawl lists them in place.
  if (offset === 0 && bit)
    for (const p of patches.values())
      if (!p.deleted && p.products !== undefined && p.products & bit) ids.push(p.accountId);
  const { chunks, size } = manifest.lists[list] ?? { chunks: 0, size: 0 };
  let position = offset;
  let scanned = 0;
  for (let reads = 0; ids.length < pageSize && position < size && reads < MAX_CHUNKS_PER_CALL; reads += 1) {
    const n = Math.floor(position / LIST_CHUNK);
    if (n >= chunks) break;
    const rows = (await store.get<IndexRow[]>(listKey(manifest.gen, list, n))) ?? [];
    for (let i = position - n * LIST_CHUNK; i < rows.length && ids.length < pageSize; i += 1) {
      const row = rows[i] as IndexRow;
      position += 1;
      scanned += 1;
      if (matches(row, patches.get(row[0])) && !ids.includes(row[0])) ids.push(row[0]);
    }
    if (rows.length === 0) position = (n + 1) * LIST_CHUNK;
  }
  return { accountIds: ids, next: position < size ? position : undefined, scanned, asOf: manifest.asOf };
}

/**
 * The functional filter: the accounts named functional when the index was built, followed by those
 * registered since (the registry is the source of truth and may be newer than the index).
 */
async function functionalPage(
  store: DirectoryStore,
  manifest: IndexManifest,
  matches: (row: IndexRow, patch: PatchRecord | undefined) => boolean,
  patches: Map<string, PatchRecord>,
  offset: number,
  pageSize: number,
  registered: Set<string>,
): Promise<IndexPage> {
  const { chunks } = manifest.lists.functional ?? { chunks: 0 };
  const keys = Array.from({ length: chunks }, (_, n) => listKey(manifest.gen, 'functional', n));
  const loaded = await store.getMany<IndexRow[]>(keys);
  const all: string[] = [];
  const seen = new Set<string>();
  for (const key of keys)
    for (const row of loaded.get(key) ?? [])
      if (matches(row, patches.get(row[0])) && !seen.has(row[0])) {
        all.push(row[0]);
        seen.add(row[0]);
      }
  for (const id of registered) if (!seen.has(id) && !patches.get(id)?.deleted) all.push(id);
  const page = all.slice(offset, offset + pageSize);
  const next = offset + page.length;
  return { accountIds: page, next: next < all.length ? next : undefined, scanned: page.length, asOf: manifest.asOf };
}

/** Account ids by lower-cased email, from the published buckets; undefined when no index is published. */
export async function lookupEmails(store: DirectoryStore, emails: string[]): Promise<Map<string, string> | undefined> {
  const manifest = await store.manifest();
  if (!manifest) return undefined;
  const hash = await emailHasher();
  const hashes = new Map(emails.map((e) => [e, hash(e)]));
  const keys = [...new Set([...hashes.values()].map((h) => bucketKey(manifest.gen, bucketOf(h, manifest.buckets))))];
  const buckets = await store.getMany<Record<string, string>>(keys);
  const out = new Map<string, string>();
  for (const [email, h] of hashes) {
    const id = buckets.get(bucketKey(manifest.gen, bucketOf(h, manifest.buckets)))?.[h];
    if (id) out.set(email, id);
  }
  return out;
}

/**
 * Records the app's own change to an account (a product-granting group change, a deletion) so index
 * reads reflect it before the next crawl. `products` is recomputed from the account's groups.
 */
export async function recordAccountChange(
  store: DirectoryStore,
  change: { accountId: string; deleted?: boolean; productKeys?: string[] },
): Promise<void> {
  const manifest = await store.manifest();
  if (!manifest) return;
  const products =
    change.productKeys === undefined
      ? undefined
      : manifest.products.reduce((m, p, i) => (change.productKeys?.includes(p.key) ? m | (1 << i) : m), 0);
  await store.putPatch({
    accountId: change.accountId,
    ...(change.deleted ? { deleted: true } : {}),
    ...(products !== undefined ? { products } : {}),
    at: new Date().toISOString(),
  });
}
