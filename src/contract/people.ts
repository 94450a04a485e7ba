/**
 * Contract types for people and groups: the user table, the user panel, resolving pasted identifiers,
 * groups and their members.
 */
export type AccountTypeFilter = 'atlassian' | 'app' | 'customer';
export type StatusFilter = 'active' | 'inactive';

export interface UserFilters {
  status?: StatusFilter;
  accountType?: AccountTypeFilter;
  /** Only members of this group. */
  groupId?: string;
  /** Only users with access to this product (application role key). */
  product?: string;
  /** Only functional accounts (display name `<Name>_Func_<SiteId>`, or registered as functional). */
  functional?: boolean;
}

export interface ListUsersPayload {
  /** Name or email prefix; empty lists everyone. */
  query?: string;
  filters?: UserFilters;
  /** Opaque position returned by the previous page. */
  cursor?: string;
  pageSize?: number;
}

export interface UserRow {
  accountId: string;
  displayName: string;
  /**
   * The email; one that profile visibility hides (fetched asApp) only for callers the hidden-email policy
   * allows (site administrators by default). Absent when Jira has none or the caller may not see it.
   */
  email?: string;
  /** True when profile visibility hides this email and the caller may not see it. */
  emailHidden?: boolean;
  accountType: string;
  active: boolean;
  /** Deleted from the site: known only from the directory index (Jira no longer returns the account). */
  deleted?: boolean;
  avatarUrl?: string;
  functional: boolean;
  /**
   * Whether the functional-account registry holds this account, where the listing checked (the Users tab);
   * absent elsewhere. A `_Func_` name that is not registered shows as such, so the badge agrees with the registry.
   */
  registered?: boolean;
}

export interface UserPage {
  users: UserRow[];
  /** Present when there are more users after this page. */
  nextCursor?: string;
  /** Jira's user search stops at the 1,000th match: true when this listing reached that limit. */
  searchCapReached: boolean;
  /** How many Jira users were examined to fill this page (filters may skip many). */
  scanned: number;
  /** The page was filtered with the directory index built at this time (ISO). */
  indexAsOf?: string;
  /** Said when the result is partial or slower than usual (e.g. the index is still being built). */
  notice?: string;
  /**
   * True when a name or email search could find active people only: Jira's user search returns active
   * accounts, and inactive and deleted people are found from the directory index, not built yet.
   */
  activeOnly?: boolean;
}

export interface UserDetails extends UserRow {
  timeZone?: string;
  locale?: string;
  groups: Array<{ groupId: string; name: string }>;
  products: Array<{ key: string; name: string }>;
}

export interface ResolveIdentifiersPayload {
  /** Emails, account ids, or legacy usernames/keys, one per line or comma-separated. */
  text: string;
}

export interface ResolvedIdentifier {
  input: string;
  accountId?: string;
  displayName?: string;
  how?: 'accountId' | 'email' | 'username' | 'key';
  /** Why it could not be resolved (absent when resolved). */
  problem?: string;
  /** Not looked up yet (more were pasted than one call looks up before the index exists): send it again. */
  pending?: boolean;
}

export interface GroupSummary {
  groupId: string;
  name: string;
  /** Products whose licences membership consumes. */
  grantsProducts: string[];
  /** Membership gives Jira administration rights. */
  grantsAdmin: boolean;
}

export interface GroupMembersPayload {
  groupId: string;
  startAt?: number;
  includeInactive?: boolean;
}

export interface GroupMembersPage {
  group: GroupSummary;
  members: UserRow[];
  startAt: number;
  total: number;
  isLast: boolean;
}
