/**
 * The directory: lists and filters users page by page, one user's details, and resolution of pasted
 * identifiers. Paging never silently truncates: each page says where the next starts, how many users
 * were examined, and whether Jira's 1,000-result search cap was reached. Emails come from one asApp bulk
 * call per page (the resolver has already authorized the caller).
 */
import type { ListUsersPayload, ResolvedIdentifier, UserDetails, UserFilters, UserPage, UserRow } from '../../contract';
import type { JiraClient } from '../../jira';
import { collect } from '../../jira/transport/pagination';
import type { JiraUser } from '../../jira/types';
import { GROUP_MEMBER_PAGE_MAX } from '../../jira/groups';
import { USER_BULK_PAGE, USER_SEARCH_RESULT_CAP, USERS_SEARCH_PAGE_MAX } from '../../jira/users';
import { invalidInput } from '../../invocation/app-error';
import { decodeCursor, encodeCursor } from '../../invocation/cursor';
import { isFunctionalQuery, looksFunctional } from '../../contract/naming';
import { looksLikeEmail } from '../../store/redact';
import type { CrawlState, DirectoryStore, IndexManifest } from '../directory-index/directory-store';
import { indexServes, pageFromIndex, searchIndexByName } from '../directory-index/directory-index';
import { indexReadiness } from '../directory-index/readiness';
import { type HiddenEmailPolicy, NOT_VISIBLE_EMAIL } from './email-policy';

export type DirectoryJira = Pick<
  JiraClient,
  | 'searchUsersPage'
  | 'listUsersPage'
  | 'listGroupMembersPage'
  | 'listApplicationRoles'
  | 'getEmailsBulk'
  | 'getUser'
  | 'getUsersBulkPage'
  | 'migrateLegacyIds'
  | 'listGroupsPage'
>;

export const DEFAULT_PAGE_SIZE = 50;
/**
 * Jira listing requests one click may make before it answers with a cursor: one page of results (plus one
 * lookup: emails Jira hid, or a product's small groups). A scan that cannot finish goes on at the next
 * click and says how far it has got.
 */
const MAX_SCANS_PER_CALL = 1;
/** Users one click of a local filter (type, status, functional) reads before the index exists. */
const FILTER_SCAN_PAGE = 500;
/** A product's earlier groups are collected to skip their members again only when they are this small. */
const SMALL_GROUPS_MAX = 100;

type Source = 'search' | 'all' | 'group' | 'product' | 'index' | 'dormant';
interface Cursor {
  s: Source;
  /** Offset in the current Jira listing (or the index list). */
  o: number;
  /** Index of the current group, for the product source. */
  g?: number;
  /** Index source: position in the accounts patched into the filter. */
  p?: number;
  /** Scanned so far (for "searched N of M"). */
  n?: number;
  /** Product source: the order the role's groups are read in (indexes into the role's groups). */
  q?: number[];
  /** Product source: members of each group in that order (their sum is M). */
  t?: number[];
}
const isCursor = (x: unknown): x is Cursor =>
  typeof x === 'object' &&
  x !== null &&
  ['search', 'all', 'group', 'product', 'index', 'dormant'].includes((x as Cursor).s) &&
  Number.isInteger((x as Cursor).o) &&
  (x as Cursor).o >= 0 &&
  ((x as Cursor).q === undefined ||
    (Array.isArray((x as Cursor).q) && ((x as Cursor).q as unknown[]).every(Number.isInteger))) &&
  ((x as Cursor).t === undefined ||
    (Array.isArray((x as Cursor).t) && ((x as Cursor).t as unknown[]).every(Number.isInteger)));

/** Whether a user's name (or visible email) starts with, or has a word starting with, the query. */
export function matchesQuery(u: Pick<JiraUser, 'displayName' | 'emailAddress'>, query: string): boolean {
  const q = query.toLowerCase();
  const name = u.displayName.toLowerCase();
  return (
    name.startsWith(q) ||
    name.split(/[\s_.\-()]+/).some((w) => w.startsWith(q)) ||
    (u.emailAddress ?? '').toLowerCase().startsWith(q)
  );
}

/** Which accounts are registered as functional (the registry in KVS), for the badge and the filter. */
export interface FunctionalRegistry {
  registered(accountIds: string[]): Promise<Set<string>>;
  all(): Promise<Set<string>>;
}

export const NO_REGISTRY: FunctionalRegistry = { registered: async () => new Set(), all: async () => new Set() };

function localPredicate(
  filters: UserFilters,
  query: string | undefined,
  source: Source,
  functionalIds: Set<string>,
): (u: JiraUser) => boolean {
  return (u) =>
    (filters.status === undefined || (filters.status === 'active') === u.active) &&
    (filters.accountType === undefined || u.accountType === filters.accountType) &&
    (!filters.functional || looksFunctional(u.displayName) || functionalIds.has(u.accountId)) &&
    (!query || source === 'search' || matchesQuery(u, query));
}

function toRow(u: JiraUser, emails: Map<string, string>, hidden: boolean): UserRow {
  return {
    accountId: u.accountId,
    displayName: u.displayName,
    email: emails.get(u.accountId) ?? u.emailAddress,
    ...(hidden ? { emailHidden: true } : {}),
    accountType: u.accountType,
    active: u.active,
    avatarUrl: u.avatarUrls?.['48x48'] ?? u.avatarUrls?.['24x24'],
    functional: looksFunctional(u.displayName),
  };
}

/**
 * Accounts by exact email through Jira's user search: an email-shaped query matches the account with
 * that email even when profile visibility hides it (see the simulator's `matchesUserSearch` for the
 * source), so each email costs one search. A hit whose email Jira shows is confirmed from the response;
 * only hits whose email is hidden are confirmed with the asApp email lookup, 100 a request. User search
 * lists active accounts only, so an inactive account is not found this way (the directory index finds it).
 */
export async function searchAccountsByEmail(
  jira: Pick<JiraClient, 'searchUsersPage' | 'getEmailsBulk'>,
  emails: string[],
  concurrency = 4,
  includeHidden = true,
): Promise<Map<string, JiraUser>> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  const found = new Map<string, JiraUser>();
  const hidden = new Map<string, JiraUser>();
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const email = wanted[next++] as string;
      const hits = (await jira.searchUsersPage(email, 0, 10)).items.filter((u) => u.accountType !== 'app');
      for (const u of hits) {
        if (u.emailAddress === undefined) hidden.set(u.accountId, u);
        else if (u.emailAddress.toLowerCase() === email) found.set(email, u);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, wanted.length) }, worker));
  // Someone who may not see hidden emails gets no confirmation of one (no guessing oracle).
  if (hidden.size > 0 && includeHidden) {
    const set = new Set(wanted);
    for (const e of await jira.getEmailsBulk([...hidden.keys()])) {
      const email = e.email.toLowerCase();
      const user = hidden.get(e.accountId);
      if (user && set.has(email) && !found.has(email)) found.set(email, user);
    }
  }
  return found;
}

/** The account whose email is exactly `email` (active accounts; see `searchAccountsByEmail`). */
export async function searchAccountByEmail(
  jira: Pick<JiraClient, 'searchUsersPage' | 'getEmailsBulk'>,
  email: string,
): Promise<JiraUser | undefined> {
  return (await searchAccountsByEmail(jira, [email])).get(email.trim().toLowerCase());
}

/**
 * Rows with emails: Jira's own for visible ones; hidden ones (asApp lookup) only when the policy lets the
 * caller see them, else the row says `emailHidden` and nothing is looked up.
 */
export async function withEmails(
  jira: Pick<JiraClient, 'getEmailsBulk'>,
  users: JiraUser[],
  policy: HiddenEmailPolicy,
): Promise<UserRow[]> {
  // Only rows whose email Jira hid need the asApp lookup; app accounts have none.
  const needing = users.filter((u) => u.accountType !== 'app' && !u.emailAddress).map((u) => u.accountId);
  const allowed = needing.length > 0 && (await policy.mayShowHidden());
  const emails = new Map(allowed ? (await jira.getEmailsBulk(needing)).map((e) => [e.accountId, e.email]) : []);
  const hidden = new Set(allowed ? [] : needing);
  return users.map((u) => toRow(u, emails, hidden.has(u.accountId)));
}

/** The role's group ids, in the role's order. */
async function productGroups(jira: DirectoryJira, product: string): Promise<string[]> {
  const roles = await jira.listApplicationRoles();
  const role = roles.find((r) => r.key === product);
  if (!role) throw invalidInput(`Unknown product: ${product}.`);
  const byName = new Map((role.groupDetails ?? []).map((g) => [g.name, g.groupId]));
  return role.groups.map((name) => byName.get(name)).filter((id): id is string => !!id);
}

/** Adds each row's functional and registered flags from the registry. */
async function withRegistry(
  jira: DirectoryJira,
  users: JiraUser[],
  registry: FunctionalRegistry,
  policy: HiddenEmailPolicy,
): Promise<UserRow[]> {
  const [rows, functional] = await Promise.all([
    withEmails(jira, users, policy),
    registry.registered(users.map((u) => u.accountId)),
  ]);
  return rows.map((r) => ({
    ...r,
    functional: r.functional || functional.has(r.accountId),
    registered: functional.has(r.accountId),
  }));
}

/**
 * One page of a filter the directory index serves: ids from the index (KVS only), then the page's users
 * fresh from Jira in one `user/bulk` request and emails only for rows whose email Jira hid. Costs the same
 * on the twentieth page as on the first, at any directory size.
 */
async function listFromIndex(
  jira: DirectoryJira,
  store: DirectoryStore,
  manifest: IndexManifest,
  filters: UserFilters,
  cursor: string | undefined,
  pageSize: number,
  registry: FunctionalRegistry,
  policy: HiddenEmailPolicy,
): Promise<UserPage> {
  const position = decodeCursor(cursor, isCursor) ?? { s: 'index', o: 0 };
  if (position.s !== 'index') throw invalidInput('The filters changed; start from the first page.');
  const registered = filters.functional ? await registry.all() : new Set<string>();
  const page = await pageFromIndex(store, manifest, filters, { o: position.o, p: position.p }, pageSize, registered);
  const ids = page.accountIds.slice(0, pageSize);
  const fresh = ids.length > 0 ? (await jira.getUsersBulkPage(ids, 0)).items : [];
  const byId = new Map(fresh.map((u) => [u.accountId, u]));
  const found = ids
    .map((id) => byId.get(id))
    .filter(
      (u): u is JiraUser =>
        !!u &&
        (filters.status === undefined || (filters.status === 'active') === u.active) &&
        (filters.accountType === undefined || u.accountType === filters.accountType),
    );
  return {
    users: await withRegistry(jira, found, registry, policy),
    nextCursor: page.next === undefined ? undefined : encodeCursor({ s: 'index', o: page.next.o, p: page.next.p }),
    searchCapReached: false,
    scanned: page.scanned,
    indexAsOf: page.asOf,
  };
}

/**
 * Inactive and deleted people matching a name (or an email) from the index: Jira's `user/search` returns
 * active users only ("Returns a list of active users that match the search string", Jira Cloud REST v3,
 * GET /rest/api/3/user/search), so the index is where a departed person is found. Inactive ones are shown
 * fresh from Jira (`user/bulk`, one request); deleted ones exist only in the index.
 */
async function dormantPage(
  jira: DirectoryJira,
  store: DirectoryStore,
  manifest: IndexManifest,
  query: string,
  filters: UserFilters,
  offset: number,
  pageSize: number,
  registry: FunctionalRegistry,
  policy: HiddenEmailPolicy,
  emailIndex?: EmailIndex,
): Promise<{ users: UserRow[]; next?: number; scanned: number }> {
  let people;
  const byEmail = looksLikeEmail(query);
  if (byEmail) {
    const id = (await emailIndex?.lookup([query.toLowerCase()]))?.get(query.toLowerCase());
    people = {
      people: id ? [{ accountId: id, displayName: '', accountType: 'atlassian' as const, deleted: false }] : [],
      scanned: 1,
    };
  } else people = await searchIndexByName(store, manifest, query, offset, pageSize);
  const ids = people.people.map((p) => p.accountId);
  const fresh = ids.length > 0 ? (await jira.getUsersBulkPage(ids, 0)).items : [];
  const byId = new Map(fresh.map((u) => [u.accountId, u]));
  // Found by a typed email whose owner hides it: shown only to someone who may see hidden emails, so a
  // guessed address confirms nothing (it answers what an unknown one answers: no row).
  const hidesFromCaller = byEmail && fresh.some((u) => u.emailAddress === undefined) && !(await policy.mayShowHidden());
  const inactive = fresh.filter(
    (u) =>
      !u.active &&
      (!filters.accountType || u.accountType === filters.accountType) &&
      !(hidesFromCaller && u.emailAddress === undefined && u.accountType !== 'app'),
  );
  const rows = await withRegistry(jira, inactive, registry, policy);
  const deleted: UserRow[] = people.people
    .filter(
      (p) => !byId.has(p.accountId) && p.displayName && (!filters.accountType || p.accountType === filters.accountType),
    )
    .map((p) => ({
      accountId: p.accountId,
      displayName: p.displayName,
      accountType: p.accountType,
      active: false,
      deleted: true,
      functional: looksFunctional(p.displayName),
    }));
  const users = [...rows, ...deleted].filter((r) => !filters.functional || r.functional);
  return {
    users,
    ...('next' in people && people.next !== undefined ? { next: people.next } : {}),
    scanned: people.scanned,
  };
}

/** Where the directory index stands, for notices while it is being built. */
export interface IndexStatus {
  crawl(): Promise<CrawlState | undefined>;
}

export async function listUsers(
  jira: DirectoryJira,
  payload: ListUsersPayload,
  policy: HiddenEmailPolicy,
  registry: FunctionalRegistry = NO_REGISTRY,
  store?: DirectoryStore,
  emailIndex?: EmailIndex,
): Promise<UserPage> {
  const pageSize = payload.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    throw invalidInput('pageSize must be between 1 and 100.');
  const filters: UserFilters = { ...(payload.filters ?? {}) };
  let query = payload.query?.trim() || undefined;
  if (query && query.length > 100) throw invalidInput('The search text is too long (100 characters at most).');
  if (isFunctionalQuery(query)) {
    filters.functional = true;
    query = undefined;
  }
  if (filters.groupId && filters.product) throw invalidInput('Filter by a group or by a product, not both at once.');
  const manifest = store ? await store.manifest() : undefined;
  if (store && manifest && indexServes(filters, query))
    return listFromIndex(jira, store, manifest, filters, payload.cursor, pageSize, registry, policy);
  const source: Source = filters.groupId
    ? 'group'
    : filters.product
      ? 'product'
      : query && filters.status === 'inactive' && manifest
        ? 'dormant'
        : query && filters.status !== 'inactive'
          ? 'search'
          : 'all';
  const cursor = decodeCursor(payload.cursor, isCursor) ?? { s: source, o: 0, g: 0 };
  if (cursor.s !== source && !(source === 'search' && cursor.s === 'dormant'))
    throw invalidInput('The filters changed; start from the first page.');

  // Name search, past Jira's active matches: inactive and deleted people from the index.
  if (cursor.s === 'dormant' && store && manifest && query) {
    const page = await dormantPage(
      jira,
      store,
      manifest,
      query,
      filters,
      cursor.o,
      pageSize,
      registry,
      policy,
      emailIndex,
    );
    return {
      users: page.users,
      nextCursor: page.next === undefined ? undefined : encodeCursor({ s: 'dormant', o: page.next }),
      searchCapReached: false,
      scanned: page.scanned,
      indexAsOf: manifest.asOf,
    };
  }

  const local = localPredicate(filters, query, source, filters.functional ? await registry.all() : new Set());
  // Jira's user search matches hidden emails too: for someone who may not see them, a hit whose email is
  // hidden counts only if its name matches, so a guessed address confirms nothing.
  const nameOnly = source === 'search' && query && !(await policy.mayShowHidden()) ? query : undefined;
  const keep = (u: JiraUser) =>
    local(u) &&
    (!nameOnly || u.emailAddress !== undefined || matchesQuery({ ...u, emailAddress: undefined }, nameOnly));
  const found: JiraUser[] = [];
  let scanned = 0;
  let offset = cursor.o;
  let groupIndex = cursor.g ?? 0;
  let exhausted = false;
  let searchCapReached = false;
  let order = cursor.q;
  let totals = cursor.t;
  let roleGroups: string[] = [];
  const seenInEarlierGroups = new Set<string>();
  let mayRepeat = false;
  if (source === 'product') {
    roleGroups = await productGroups(jira, filters.product as string);
    if (!order || !totals || order.some((i) => i >= roleGroups.length)) {
      // First click: each group's size (one small request each) to read the small groups first.
      const sizes = await Promise.all(
        roleGroups.map(async (gid) => (await jira.listGroupMembersPage(gid, 0, 1, true)).total ?? 0),
      );
      order = roleGroups.map((_, i) => i).sort((a, b) => (sizes[a] ?? 0) - (sizes[b] ?? 0));
      totals = order.map((i) => sizes[i] ?? 0);
    }
    // Members of the earlier (small) groups were listed already: skip them here, when reading them is cheap.
    const earlier = order.slice(0, groupIndex);
    const earlierTotal = (totals ?? []).slice(0, groupIndex).reduce((a, b) => a + b, 0);
    if (earlier.length > 0 && earlierTotal <= SMALL_GROUPS_MAX) {
      for (const i of earlier) {
        const all = await collect(
          (o, n) => jira.listGroupMembersPage(roleGroups[i] as string, o, n, true),
          GROUP_MEMBER_PAGE_MAX,
        );
        all.items.forEach((u) => seenInEarlierGroups.add(u.accountId));
      }
    } else if (earlier.length > 0) mayRepeat = true;
  }

  for (let scans = 0; found.length < pageSize && scans < MAX_SCANS_PER_CALL; scans += 1) {
    // Without local filters one Jira page is exactly the UI page; with them, read more at once.
    const filtering =
      source !== 'search'
        ? Object.values(filters).some((v) => v !== undefined && v !== false) || !!query
        : !!(filters.accountType || filters.functional || filters.status);
    let page;
    if (source === 'search') {
      const size = filtering ? 100 : pageSize;
      if (offset >= USER_SEARCH_RESULT_CAP) {
        searchCapReached = true;
        exhausted = true;
        break;
      }
      page = await jira.searchUsersPage(query as string, offset, Math.min(size, USER_SEARCH_RESULT_CAP - offset));
    } else if (source === 'all') {
      page = await jira.listUsersPage(offset, filtering ? Math.min(FILTER_SCAN_PAGE, USERS_SEARCH_PAGE_MAX) : pageSize);
    } else {
      const gid = source === 'group' ? (filters.groupId as string) : roleGroups[order?.[groupIndex] ?? -1];
      if (!gid) {
        exhausted = true;
        break;
      }
      page = await jira.listGroupMembersPage(gid, offset, GROUP_MEMBER_PAGE_MAX, filters.status !== 'active');
    }
    let used = 0;
    for (const u of page.items) {
      used += 1;
      scanned += 1;
      if (keep(u) && !seenInEarlierGroups.has(u.accountId)) found.push(u);
      if (found.length === pageSize) break;
    }
    offset += used;
    if (page.isLast && used === page.items.length) {
      if (source === 'product' && groupIndex + 1 < roleGroups.length) {
        groupIndex += 1;
        offset = 0;
        continue;
      }
      exhausted = true;
      if (source === 'search' && offset >= USER_SEARCH_RESULT_CAP) searchCapReached = true;
      break;
    }
  }
  const users = await withRegistry(jira, found, registry, policy);
  const searched = (cursor.n ?? 0) + scanned;
  // Jira's active matches are done: go on with inactive and deleted people from the index (this page's
  // room first, one KVS read and one user/bulk request).
  let dormantNext: number | undefined;
  if (source === 'search' && exhausted && store && manifest && query && filters.status !== 'active') {
    dormantNext = 0;
    if (users.length < pageSize) {
      const more = await dormantPage(
        jira,
        store,
        manifest,
        query,
        filters,
        0,
        pageSize - users.length,
        registry,
        policy,
        emailIndex,
      );
      const shown = new Set(users.map((u) => u.accountId));
      users.push(...more.users.filter((u) => !shown.has(u.accountId)));
      dormantNext = more.next;
    }
  }
  const next =
    dormantNext !== undefined
      ? encodeCursor({ s: 'dormant', o: dormantNext })
      : source === 'search' && exhausted && manifest
        ? undefined
        : exhausted
          ? undefined
          : encodeCursor({
              s: source,
              o: offset,
              g: groupIndex,
              n: searched,
              ...(order ? { q: order } : {}),
              ...(totals ? { t: totals } : {}),
            });
  const notices: string[] = [];
  if (source === 'search' && !manifest)
    notices.push(
      'Active people only: Jira’s user search finds active accounts. Inactive and deleted people can be found by name once the directory index is ready.',
    );
  if (!manifest && indexServes(filters, query) && !exhausted) {
    const crawl = await store?.crawl();
    const total =
      source === 'product'
        ? (totals ?? []).reduce((a, b) => a + b, 0)
        : crawl && crawl.phase !== 'users'
          ? crawl.usersSeen
          : undefined;
    notices.push(
      `Searched ${searched.toLocaleString('en-US')}${total ? ` of ${total.toLocaleString('en-US')}` : ''} ${source === 'product' ? 'group members' : 'users'} so far; Next goes on from there.`,
    );
    if (mayRepeat) notices.push('People in more than one of this product’s groups may be listed again.');
    const ready = indexReadiness(crawl, Date.now());
    if (ready) notices.push(ready);
  }
  return {
    users,
    nextCursor: next,
    searchCapReached,
    scanned,
    ...(notices.length > 0 ? { notice: notices.join(' ') } : {}),
    ...(source === 'search' && !manifest ? { activeOnly: true } : {}),
  };
}

export async function getUserDetails(
  jira: DirectoryJira,
  accountId: string,
  policy: HiddenEmailPolicy,
): Promise<UserDetails> {
  const user = await jira.getUser(accountId);
  const [row] = await withEmails(jira, [user], policy);
  return {
    ...(row as UserRow),
    timeZone: user.timeZone,
    locale: user.locale,
    groups: (user.groups?.items ?? []).map((g) => ({ groupId: g.groupId, name: g.name })),
    products: (user.applicationRoles?.items ?? []).map((r) => ({ key: r.key, name: r.name })),
  };
}

/** Looks pasted emails up in the directory index (keyed hashes), when one is built. */
export interface EmailIndex {
  /** Account ids by lower-cased email, or undefined while no index has been built. */
  lookup(emails: string[]): Promise<Map<string, string> | undefined>;
}

/** Up to this many emails resolve by one user search each when there is no index to look them up in. */
export const SEARCH_EMAILS_MAX = 50;

/**
 * Emails to accounts. With a built index: one KVS lookup, then the asApp email lookup (100 a request)
 * confirms each hit still has that email, and names come from `user/bulk` only for those. Without one
 * (still building): a user search per email, `SEARCH_EMAILS_MAX` a call; the rest come back `pending`, to
 * be sent again (the UI's "Look up the next" button) rather than refused or scanned for.
 */
async function resolveEmails(
  jira: DirectoryJira,
  emails: string[],
  index: EmailIndex | undefined,
  seesHidden: boolean,
): Promise<Map<string, ResolvedIdentifier>> {
  const out = new Map<string, ResolvedIdentifier>();
  const byLower = new Map(emails.map((e) => [e.toLowerCase(), e]));
  const indexed = await index?.lookup([...byLower.keys()]);
  if (indexed) {
    const ids = [...new Set(indexed.values())];
    // Current emails (to confirm each hit) and names, both 100 a request, fetched side by side.
    const current = new Map<string, string>();
    const names = new Map<string, string>();
    const hiddenIds = new Set<string>();
    await Promise.all([
      jira.getEmailsBulk(ids).then((rows) => rows.forEach((e) => current.set(e.accountId, e.email.toLowerCase()))),
      (async () => {
        for (let i = 0; i < ids.length; i += USER_BULK_PAGE) {
          const page = await jira.getUsersBulkPage(ids.slice(i, i + USER_BULK_PAGE), 0);
          for (const u of page.items) {
            names.set(u.accountId, u.displayName);
            if (u.emailAddress === undefined) hiddenIds.add(u.accountId);
          }
        }
      })(),
    ]);
    // A hit whose email its owner hides is confirmed only to someone who may see hidden emails.
    const confirmed = [...indexed].filter(
      ([email, id]) => current.get(id) === email && (seesHidden || !hiddenIds.has(id)),
    );
    for (const [email, accountId] of confirmed) {
      const input = byLower.get(email) as string;
      if (names.has(accountId)) out.set(input, { input, accountId, displayName: names.get(accountId), how: 'email' });
    }
    // Accounts created (or emails changed) since the crawl: a few are searched for, one request each.
    const misses = [...byLower].filter(([, input]) => !out.has(input));
    if (misses.length > 0 && misses.length <= SEARCH_EMAILS_MAX) {
      for (const [email, u] of await searchAccountsByEmail(
        jira,
        misses.map(([e]) => e),
        4,
        seesHidden,
      )) {
        const input = byLower.get(email) as string;
        out.set(input, { input, accountId: u.accountId, displayName: u.displayName, how: 'email' });
      }
    }
    return out;
  }
  // Before the index: a user search per email, SEARCH_EMAILS_MAX a click; the rest wait for the next one.
  const now = [...byLower.keys()].slice(0, SEARCH_EMAILS_MAX);
  const later = [...byLower.keys()].slice(SEARCH_EMAILS_MAX);
  for (const email of later) {
    const input = byLower.get(email) as string;
    out.set(input, {
      input,
      pending: true,
      problem: `Not looked up yet: until the directory index is ready, ${SEARCH_EMAILS_MAX} emails are looked up at a time (${now.length} of ${byLower.size} this time). Look up the next ones to go on.`,
    });
  }
  for (const [email, u] of await searchAccountsByEmail(jira, now, 4, seesHidden)) {
    const input = byLower.get(email) as string;
    out.set(input, { input, accountId: u.accountId, displayName: u.displayName, how: 'email' });
  }
  for (const input of byLower.values())
    if (!out.has(input))
      out.set(input, {
        input,
        problem: seesHidden
          ? 'No active account has this email. Active people only until the directory index is ready: inactive and deleted ones are found then.'
          : NOT_VISIBLE_EMAIL,
      });
  return out;
}

const ACCOUNT_ID = /^[A-Za-z0-9:_-]{10,128}$/;
/** `Name <email>` or `"Last, First" <email>`, as mail clients copy addresses: only the address counts. */
const NAMED_ADDRESS = /(?:"[^"\n]*"|[^\n,;<>"]*)\s*<\s*([^<>\s,;]+@[^<>\s,;]+)\s*>/g;

/**
 * The distinct identifiers in pasted text: one per line, comma or semicolon. A line holding an email or an
 * account ID may list several, separated by spaces; any other line is one entry as typed ("not an email"
 * stays one row, reported as not resolved). An address copied as `Name <email>` counts as its email only.
 */
export function pastedIdentifiers(text: string): string[] {
  const entries = text
    .replace(NAMED_ADDRESS, '\n$1\n')
    .split(/[\n\r,;]+/)
    .flatMap((line) => {
      const words = line.trim().split(/\s+/).filter(Boolean).map(withoutMailto);
      return words.some(isIdentifierShaped) ? words : [words.join(' ')];
    })
    .filter(Boolean);
  return [...new Set(entries)];
}

function withoutMailto(word: string): string {
  return word.replace(/^mailto:/i, '');
}

/** An account ID: `<digits>:<uuid>`-style, or the older 24 hex digits. */
function looksLikeAccountId(word: string): boolean {
  return ACCOUNT_ID.test(word) && (word.includes(':') || /^[0-9a-f]{24}$/.test(word));
}

function isIdentifierShaped(word: string): boolean {
  return looksLikeEmail(word) || looksLikeAccountId(word);
}
/** 2,000 pasted emails resolve in one call through the index (one KVS lookup, 20 + 20 Jira requests). */
export const MAX_IDENTIFIERS = 2000;

/**
 * Resolves pasted emails, account ids and legacy usernames/keys. Account ids are checked in bulk
 * (`user/bulk`), legacy names through `user/bulk/migration`, and emails against the site's users with the
 * asApp email lookup (hidden emails resolve only for callers the hidden-email policy allows; for anyone else
 * a hidden one answers what an unknown email answers); the rest say why they could not be resolved.
 */
export async function resolveIdentifiers(
  jira: DirectoryJira,
  text: string,
  policy: HiddenEmailPolicy,
  emailIndex?: EmailIndex,
): Promise<ResolvedIdentifier[]> {
  const inputs = pastedIdentifiers(text);
  if (inputs.length === 0) throw invalidInput('Paste at least one email, account ID or username.');
  if (inputs.length > MAX_IDENTIFIERS) throw invalidInput(`Paste at most ${MAX_IDENTIFIERS} identifiers at a time.`);
  const out = new Map<string, ResolvedIdentifier>();
  const emails = inputs.filter(looksLikeEmail);
  const ids = inputs.filter((i) => !looksLikeEmail(i) && looksLikeAccountId(i));
  const legacy = inputs.filter((i) => !emails.includes(i) && !ids.includes(i));

  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const users = await collect((o) => jira.getUsersBulkPage(chunk, o), 100);
    for (const u of users.items)
      out.set(u.accountId, {
        input: u.accountId,
        accountId: u.accountId,
        displayName: u.displayName,
        how: 'accountId',
      });
  }
  if (legacy.length > 0) {
    for (const kind of ['username', 'key'] as const) {
      const pending = legacy.filter((l) => !out.has(l));
      for (let i = 0; i < pending.length; i += 100) {
        const rows = await jira.migrateLegacyIds(kind, pending.slice(i, i + 100));
        for (const r of rows) {
          const input = (kind === 'username' ? r.username : r.key) ?? '';
          if (input) out.set(input, { input, accountId: r.accountId, how: kind });
        }
      }
    }
  }
  const seesHidden = emails.length > 0 && (await policy.mayShowHidden());
  if (emails.length > 0) {
    const found = await resolveEmails(jira, emails, emailIndex, seesHidden);
    for (const [input, r] of found) out.set(input, r);
    // Emails are case-insensitive: another spelling of a looked-up address gets the same answer.
    const byLower = new Map([...found].map(([input, r]) => [input.toLowerCase(), r]));
    for (const e of emails) {
      const same = byLower.get(e.toLowerCase());
      if (!out.has(e) && same) out.set(e, { ...same, input: e });
    }
  }
  return inputs.map(
    (input) =>
      out.get(input) ?? {
        input,
        problem: looksLikeEmail(input)
          ? seesHidden
            ? 'No account has this email.'
            : NOT_VISIBLE_EMAIL
          : ids.includes(input)
            ? 'No user has this account ID.'
            : 'Not an email or account ID, and no user has this legacy username or key.',
      },
  );
}
