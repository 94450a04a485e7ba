/**
 * The directory index: a background crawl (asApp, on Forge's queue, held at the points pool's reserve) reads every
 * user once, the members of every product-granting group, and the emails Jira hides, and publishes what
 * filters and lookups need: lists by product, account type, status and "functional" in name order, email
 * buckets of keyed hashes (never an email), and the site counts with their "as of" time. Filters then page
 * in O(page) Jira requests at any size, pasted emails resolve by lookup, and a page open reads counts from
 * storage. Jira's user events and the app's own changes are recorded as patches (index-patches.ts) that every
 * read applies; the crawl is then a reconciliation (its cadence: reconcile-cadence.ts) that says what it
 * corrected.
 */
import type { JiraApplicationRole, JiraUser } from '../../jira/types';
import type { Page } from '../../jira/transport/pagination';
import { batchesOf, KVS_UNIT_BYTES, kvsUnits, UnitPacer } from '../../store/kvs-pace';
import { redactEmails } from '../../store/redact';
import {
  bucketKey,
  bucketOf,
  emailHasher,
  idKey,
  LIST_CHUNK,
  listKey,
  memberKey,
  rawKey,
  type CrawlState,
  type DirectoryStore,
  type IdEntry,
  type IndexManifest,
  type IndexRow,
  type PatchRecord,
  type RawRow,
} from './directory-store';
import { idBucketOf, PATCH_BUCKETS, rowOfPatch, TYPE_CODE, TYPE_NAME } from './index-patches';
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
  /** Told what a reconciliation corrected (the site's audit), once, when its generation is published. */
  reportReconciled?(reconciled: NonNullable<IndexManifest['reconciled']>, manifest: IndexManifest): Promise<void>;
}

export const USERS_PAGE = 1000;
const MEMBER_PAGE = 50;
/** Member pages read per checkpoint. */
const MEMBER_PAGES_PER_UNIT = 20;
export { LIST_CHUNK };
/** Time a slice keeps in hand before its invocation ends, and the time finalizing needs besides its writes. */
const SLICE_RESERVE_MS = 10_000;
const FINALIZE_NEEDS_MS = 30_000;
/**
 * Publishing a generation writes every list, email and id bucket at once (about 5,000 of KVS's write units
 * at 100,000 users, measured by bench/kvs-flows.ts). Forge allows 4,000 write units a minute per
 * installation, shared by everything the app does there; the publication keeps to half of that, so people's
 * changes and Jira's user events still find room, and goes faster (up to 90 %) only when the invocation's
 * time would not otherwise suffice.
 */
export const FINALIZE_WRITE_UNITS_PER_MINUTE = 2_000;
const FINALIZE_MAX_WRITE_UNITS_PER_MINUTE = 3_600;
/** Stored bytes per user in a published generation (lists, email and id buckets), to plan the time it takes. */
const PUBLISHED_BYTES_PER_USER = 450;

/** The time publishing `users` takes at its usual pace (half the write limit), plus its reads and the rest. */
function finalizeNeedsMs(users: number): number {
  const units = Math.ceil((users * PUBLISHED_BYTES_PER_USER) / KVS_UNIT_BYTES);
  // A fresh slice (300 s, manifest.yml) always has this much: a bigger site starts there and goes at the fastest pace.
  return Math.min(240_000, FINALIZE_NEEDS_MS + Math.ceil((units / FINALIZE_WRITE_UNITS_PER_MINUTE) * 60_000));
}
/**
 * A crawl without a checkpoint for this long is considered dead (its event chain was lost) and may be
 * restarted; a live one checkpoints at least every 15 minutes, its longest delay on the queue.
 */
const STALE_CRAWL_MS = 2 * 3_600_000;

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
  };
  await store.saveCrawl(fresh);
  return fresh;
}

function charge(state: CrawlState, requests: number, objects: number): void {
  state.requests += requests;
  state.points += requests + objects;
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
  await deps.store.set(memberKey(state.gen, state.chunk), { bits: group.bits, ids, gi: state.groupIndex });
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
async function finalize(deps: CrawlDeps, state: CrawlState, now: number, remainingMs: () => number): Promise<boolean> {
  const { store } = deps;
  const rawKeys = Array.from({ length: Math.ceil(state.usersSeen / USERS_PAGE) + 1 }, (_, n) => rawKey(state.gen, n));
  const raw = await store.getMany<RawRow[]>(rawKeys);
  const memberKeys = Array.from({ length: state.chunk }, (_, n) => memberKey(state.gen, n));
  const members = await store.getMany<{ bits: number; ids: string[]; gi?: number }>(memberKeys);
  const rowsRead = [...raw.values()].reduce((n, r) => n + r.length, 0);
  if (rowsRead !== state.usersSeen || members.size !== state.chunk) return false;
  const products = new Map<string, number>();
  const groupsOf = new Map<string, Set<number>>();
  for (const m of members.values())
    for (const id of m.ids) {
      products.set(id, (products.get(id) ?? 0) | m.bits);
      if (m.gi !== undefined) groupsOf.set(id, (groupsOf.get(id) ?? new Set()).add(m.gi));
    }
  const registered = await deps.registeredFunctional();
  const rows: IndexRow[] = [];
  const buckets = Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(state.usersSeen, 1) / 500)));
  const emailBuckets: Array<Record<string, string>> = Array.from({ length: buckets }, () => ({}));
  const idBuckets: Array<Record<string, IdEntry>> = Array.from({ length: buckets }, () => ({}));
  for (const key of rawKeys) {
    for (const [id, name, type, active, hash] of raw.get(key) ?? []) {
      const functional = looksFunctional(name) || registered.has(id) ? 1 : 0;
      const row: IndexRow = [id, name, type, active, products.get(id) ?? 0, functional];
      rows.push(row);
      (idBuckets[idBucketOf(id, buckets)] as Record<string, IdEntry>)[id] = [
        name,
        type,
        active,
        row[4],
        functional,
        [...(groupsOf.get(id) ?? [])].sort((a, b) => a - b),
      ];
      if (hash) (emailBuckets[bucketOf(hash, buckets)] as Record<string, string>)[hash] = id;
    }
  }
  const byName = (a: IndexRow, b: IndexRow) => {
    const x = a[1].toLowerCase();
    const y = b[1].toLowerCase();
    return x < y ? -1 : x > y ? 1 : a[0] < b[0] ? -1 : 1;
  };
  rows.sort(byName);
  const previous = await store.manifest();
  const patches = await store.patches();
  const startedAtMs = Date.parse(state.startedAt);
  const check = await reconcileAgainst(store, previous, patches, rows, state.products, startedAtMs);
  const lists: Record<string, IndexRow[]> = {
    'type:atlassian': [],
    'type:app': [],
    'type:customer': [],
    'status:active': [],
    'status:inactive': [],
    functional: [],
    deleted: check.deleted.sort(byName),
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
  idBuckets.forEach((b, n) => writes.push({ key: idKey(state.gen, n), value: b }));
  // Half the per-minute write limit, or what finishing in this invocation's time needs (at most 90 %).
  const units = batchesOf(writes).reduce((n, batch) => n + kvsUnits(batch.map((w) => w.value)), 0);
  const minutesLeft = Math.max(1, remainingMs() - FINALIZE_NEEDS_MS) / 60_000;
  const pace = Math.min(
    FINALIZE_MAX_WRITE_UNITS_PER_MINUTE,
    Math.max(FINALIZE_WRITE_UNITS_PER_MINUTE, Math.ceil(units / minutesLeft)),
  );
  await store.setMany(writes, new UnitPacer(pace));
  const [groups, serviceDesks] = await Promise.all([deps.jira.countGroups(), deps.jira.countServiceDesks()]);
  charge(state, 2, 1 + serviceDesks);
  const published: IndexManifest = {
    gen: state.gen,
    asOf: state.startedAt,
    products: state.products,
    counts: { users: rows.length, active, byType, groups, serviceDesks },
    lists: sizes,
    buckets,
    groups: state.groups.map((g) => ({
      groupId: g.groupId,
      products: state.products.filter((_, i) => (g.bits & (1 << i)) !== 0).map((p) => p.key),
    })),
    byId: true,
    ...(check.reconciled ? { reconciled: check.reconciled } : {}),
  };
  await store.publish(published);
  // Patches this crawl has seen (observed before it started) go; the rest now refer to the new generation.
  const newRows = new Map(rows.map((r) => [r[0], r]));
  await Promise.all(
    Array.from({ length: PATCH_BUCKETS }, (_, n) =>
      store.updatePatchBucket(n, (bucket) => {
        const next: Record<string, PatchRecord> = {};
        for (const [id, p] of Object.entries(bucket)) {
          if (Math.max(p.v, p.pv) < startedAtMs) continue;
          const row = newRows.get(id);
          const { b: _b, bg: _bg, ...rest } = p;
          next[id] = row ? { ...rest, b: row, bg: state.gen } : rest;
        }
        return next;
      }),
    ),
  );
  if (check.reconciled) await deps.reportReconciled?.(check.reconciled, published);
  // The crawl's working data and the previous generation go, by key (a prefix query would read every value).
  await store.deleteKeys([...rawKeys, ...memberKeys]);
  if (previous && previous.gen !== state.gen) await store.deleteKeys(generationKeys(previous));
  state.phase = 'done';
  state.finishedAt = new Date(now).toISOString();
  return true;
}

/** Every key a published generation holds: its list chunks, email buckets and id buckets. */
function generationKeys(m: IndexManifest): string[] {
  const keys: string[] = [];
  for (const [name, { chunks }] of Object.entries(m.lists))
    for (let n = 0; n < chunks; n += 1) keys.push(listKey(m.gen, name, n));
  for (let n = 0; n < m.buckets; n += 1) keys.push(bucketKey(m.gen, n));
  if (m.byId) for (let n = 0; n < m.buckets; n += 1) keys.push(idKey(m.gen, n));
  return keys;
}

/** Deleted accounts kept findable by name, at most (the newest deletions first). */
export const MAX_DELETED_ROWS = 20_000;

/**
 * Compares the crawl's rows with what the index said before it (the previous generation with its patches,
 * leaving out accounts patched after the crawl started, which the crawl may not show yet): accounts added,
 * removed and changed (name, type, status, product access) are what the reconciliation corrected. Accounts
 * gone from Jira are kept as deleted rows, so a departed person can still be found by name.
 */
async function reconcileAgainst(
  store: DirectoryStore,
  previous: IndexManifest | undefined,
  patches: Map<string, PatchRecord>,
  rows: IndexRow[],
  products: Array<{ key: string }>,
  startedAtMs: number,
): Promise<{ reconciled?: IndexManifest['reconciled']; deleted: IndexRow[] }> {
  const live = new Set(rows.map((r) => r[0]));
  const deleted = new Map<string, IndexRow>();
  for (const [id, p] of patches) if (p.d && !live.has(id)) deleted.set(id, [id, p.n, p.t, 0, 0, 0]);
  if (!previous?.byId) return { deleted: [...deleted.values()] };
  const before = new Map<string, IndexRow>();
  const keys = Array.from({ length: previous.buckets }, (_, n) => idKey(previous.gen, n));
  for (const bucket of (await store.getMany<Record<string, IdEntry>>(keys)).values())
    for (const [id, [name, type, active, mask, functional]] of Object.entries(bucket))
      before.set(id, [id, name, type, active, mask, functional]);
  const fresh = new Set<string>();
  for (const [id, p] of patches) {
    if (Math.max(p.v, p.pv) >= startedAtMs) fresh.add(id);
    else if (p.d) before.delete(id);
    else before.set(id, rowOfPatch(previous, id, p, 0));
  }
  let added = 0;
  let changed = 0;
  for (const row of rows) {
    if (fresh.has(row[0])) continue;
    const old = before.get(row[0]);
    if (!old) added += 1;
    else if (
      old[1] !== row[1] ||
      old[2] !== row[2] ||
      old[3] !== row[3] ||
      !sameProducts(previous.products, old[4], products, row[4])
    )
      changed += 1;
  }
  let removed = 0;
  for (const [id, old] of before)
    if (!live.has(id) && !fresh.has(id)) {
      removed += 1;
      deleted.set(id, [id, old[1], old[2], 0, 0, 0]);
    }
  // Deleted rows of the previous generation stay (newest first when the bound is reached).
  const kept = [...deleted.values()];
  const { chunks } = previous.lists.deleted ?? { chunks: 0 };
  const oldDeleted = await store.getMany<IndexRow[]>(
    Array.from({ length: chunks }, (_, n) => listKey(previous.gen, 'deleted', n)),
  );
  for (const chunk of oldDeleted.values())
    for (const row of chunk) if (!live.has(row[0]) && !deleted.has(row[0])) kept.push(row);
  return {
    reconciled: { corrected: added + removed + changed, added, removed, changed },
    deleted: kept.slice(0, MAX_DELETED_ROWS),
  };
}

/** Product masks compare by key: a generation may list products in another order. */
function sameProducts(
  before: Array<{ key: string }>,
  oldMask: number,
  after: Array<{ key: string }>,
  newMask: number,
): boolean {
  const keys = (list: Array<{ key: string }>, mask: number) =>
    list
      .filter((_, i) => (mask & (1 << i)) !== 0)
      .map((p) => p.key)
      .sort()
      .join(',');
  return keys(before, oldMask) === keys(after, newMask);
}

export interface SliceResult {
  state: CrawlState;
  /** Seconds to wait before the next slice (pacing), when not done. */
  delaySeconds: number;
  done: boolean;
}

/**
 * Advances the crawl while time allows, checkpointing after every unit so a killed or repeated invocation
 * resumes where the last checkpoint left off. Points are the governor's business: run as background work,
 * every request is held at the shared pool's reserve (JiraWaitRequired, handled by the consumer).
 */
export async function crawlSlice(deps: CrawlDeps, remainingMs: () => number): Promise<SliceResult> {
  const now = deps.now ?? Date.now;
  const state = await deps.store.crawl();
  if (!state || state.phase === 'done') return { state: state as CrawlState, delaySeconds: 0, done: true };
  const hash = await emailHasher();
  // The next slice's event carries the next step; a repeat of this event (at-least-once) is then ignored.
  const handOver = async (delaySeconds: number): Promise<SliceResult> => {
    state.step += 1;
    await deps.store.saveCrawl(state);
    return { state, delaySeconds, done: false };
  };
  // Publishing starts a slice of its own (its paced writes want the whole invocation: FINALIZE_WRITE_UNITS_PER_MINUTE).
  const startPhase = state.phase;
  for (;;) {
    if (state.phase === 'finalize' && startPhase !== 'finalize') break;
    if (state.phase === 'finalize' && remainingMs() < finalizeNeedsMs(state.usersSeen)) break;
    if (remainingMs() < SLICE_RESERVE_MS) break;
    if (state.phase === 'users') await crawlUsersUnit(deps, state, hash);
    else if (state.phase === 'products') await crawlMembersUnit(deps, state);
    else if (state.phase === 'finalize') {
      // Two deliveries of one event may run at once: only a slice that still finds the crawl unpublished
      // and its working data complete publishes; the other stops without touching the checkpoint.
      const current = await deps.store.crawl();
      if (current?.phase !== 'finalize' || current.gen !== state.gen)
        return { state: current ?? state, delaySeconds: 0, done: true };
      if (!(await finalize(deps, state, now(), remainingMs))) {
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

export {
  accountTypesFromIndex,
  indexServes,
  pageFromIndex,
  lookupEmails,
  searchIndexByName,
  type IndexPage,
} from './index-reads';
export { recordAccountChange, recordChanges } from './record-changes';
