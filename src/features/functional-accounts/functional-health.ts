/**
 * The functional-account health check's rules: credentials expiring within 30, 7 or 1 days or already expired,
 * owners inactive or deleted (orphaned accounts), accounts inactive or deleted, display names off the
 * `<Name>_Func_<SiteId>` convention, and membership of an admin group. It reads the registry's accounts
 * and owners with `user/bulk` (never a scan of the directory), runs asApp (the daily trigger has no user),
 * keeps each finding with the date it was first seen, and drops findings that no longer hold. The run
 * itself (fan-out over the queue) is in health-run.ts.
 */
import type { FindingKind, FindingView } from '../../contract';
import type { JiraClient } from '../../jira';
import { GROUP_MEMBER_PAGE_MAX } from '../../jira/groups';
import { collect } from '../../jira/transport/pagination';
import type { JiraUser } from '../../jira/types';
import { USER_BULK_PAGE } from '../../jira/users';
import { followsConvention } from '../../contract/naming';
import type { CheckRecord, FunctionalRecord } from './functional-store';
import { redactEmails } from '../../store/redact';
import { isAdminGroupName } from '../groups/group-access';

export type HealthJira = Pick<JiraClient, 'getUsersBulkPage' | 'findGroups' | 'listGroupMembersPage'>;

const DAY = 86_400_000;

/** What the check needs to know about one Jira account (no email, a bounded name). */
export interface UserFact {
  active: boolean;
  /** Display name, emails redacted, at most NAME_MAX characters. */
  displayName: string;
  /** Whether the full display name follows `<Name>_Func_<SiteId>`. */
  conventional: boolean;
}

const NAME_MAX = 100;

export function factOf(user: JiraUser, siteId: string): UserFact {
  const name = redactEmails(user.displayName);
  return {
    active: user.active,
    displayName: name.length > NAME_MAX ? `${name.slice(0, NAME_MAX - 1)}…` : name,
    conventional: followsConvention(user.displayName, siteId),
  };
}

/** The findings for one account, given what Jira says now. Pure: no I/O. */
export function findingsFor(
  record: FunctionalRecord,
  users: Map<string, UserFact>,
  adminMembers: Map<string, string>,
  siteId: string,
  now: Date,
): Array<{ kind: FindingKind; detail: string }> {
  const out: Array<{ kind: FindingKind; detail: string }> = [];
  for (const c of record.credentials) {
    if (c.status !== 'active' || !c.expiresAt) continue;
    const left = Date.parse(c.expiresAt) - now.getTime();
    if (left <= 0)
      out.push({ kind: 'credential-expired', detail: `${c.label} expired on ${c.expiresAt.slice(0, 10)}.` });
    else if (left <= DAY)
      out.push({
        kind: 'credential-expiring-1',
        detail: `${c.label} expires within a day (${c.expiresAt.slice(0, 10)}).`,
      });
    else if (left <= 7 * DAY)
      out.push({
        kind: 'credential-expiring-7',
        detail: `${c.label} expires within 7 days (${c.expiresAt.slice(0, 10)}).`,
      });
    else if (left <= 30 * DAY)
      out.push({
        kind: 'credential-expiring-30',
        detail: `${c.label} expires within 30 days (${c.expiresAt.slice(0, 10)}).`,
      });
  }
  const owner = users.get(record.ownerAccountId);
  if (!owner) out.push({ kind: 'owner-deleted', detail: 'The owner no longer exists: the account is orphaned.' });
  else if (!owner.active)
    out.push({
      kind: 'owner-inactive',
      detail: `The owner ${owner.displayName} is inactive: the account is orphaned.`,
    });
  const account = users.get(record.accountId);
  if (!account) out.push({ kind: 'account-deleted', detail: 'The account no longer exists in Jira.' });
  else {
    if (!account.active) out.push({ kind: 'account-inactive', detail: 'The account is inactive.' });
    if (!account.conventional)
      out.push({ kind: 'naming', detail: `"${account.displayName}" does not follow <Name>_Func_${siteId}.` });
  }
  const admin = adminMembers.get(record.accountId);
  if (admin) out.push({ kind: 'admin-group', detail: `Member of the admin group ${admin}.` });
  return out;
}

/** Keeps the first-seen date of findings that persist; new ones start today. */
export function mergeFindings(
  previous: FindingView[],
  current: Array<{ kind: FindingKind; detail: string }>,
  now: Date,
): FindingView[] {
  return current.map((f) => ({ ...f, since: previous.find((p) => p.kind === f.kind)?.since ?? now.toISOString() }));
}

/** A registry value that can be checked: anything else is counted as failed, never fails the run. */
export function isCheckable(value: unknown): value is FunctionalRecord {
  const r = value as Partial<FunctionalRecord> | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.accountId === 'string' &&
    typeof r.ownerAccountId === 'string' &&
    Array.isArray(r.credentials)
  );
}

/**
 * The findings that hold for the record as it is: the health check's entry (or, for a record written before
 * it existed, the record's own), without owner findings found for another owner than the record's. Two
 * writers share `fa-check:` — a health slice (it read the record when its slice began) and an edit (under
 * the account's lock) that drops owner findings once an active person owns the account — and the slice's
 * write may land after the edit: its owner findings then name the former owner and are left out here, so
 * the edit's effect is not lost whichever write comes last (issue 19, item 5).
 */
export function currentFindings(r: FunctionalRecord, check: CheckRecord | undefined): FindingView[] {
  const findings = check?.findings ?? r.findings ?? [];
  if (!check?.owner || check.owner === r.ownerAccountId) return findings;
  return findings.filter((f) => !f.kind.startsWith('owner-'));
}

/** The check of one account: its findings, or undefined when its record cannot be read. */
export function checkOne(
  record: FunctionalRecord,
  previous: FindingView[],
  users: Map<string, UserFact>,
  adminMembers: Map<string, string>,
  siteId: string,
  now: Date,
): CheckRecord | undefined {
  try {
    const current = findingsFor(record, users, adminMembers, siteId, now);
    return {
      findings: mergeFindings(previous, current, now),
      checkedAt: now.toISOString(),
      owner: record.ownerAccountId,
    };
  } catch {
    return undefined;
  }
}

/**
 * What Jira says about the registry, read once per run within the request budget
 * ceil(|accounts ∪ owners| / user/bulk page cap) + 1 admin-group lookup + those groups' member pages
 * (nothing when the registry is empty). Runs asApp: consumers and scheduled triggers have no user.
 */
export async function readJiraFacts(
  jira: HealthJira,
  records: FunctionalRecord[],
  siteId: string,
): Promise<{ users: Map<string, UserFact>; adminMembers: Map<string, string>; requests: number }> {
  let requests = 0;
  const ids = [...new Set(records.flatMap((r) => [r.accountId, r.ownerAccountId]))];
  const users = new Map<string, UserFact>();
  for (let i = 0; i < ids.length; i += USER_BULK_PAGE) {
    const page = await jira.getUsersBulkPage(ids.slice(i, i + USER_BULK_PAGE), 0, 'app');
    requests += 1;
    page.items.forEach((u) => users.set(u.accountId, factOf(u, siteId)));
  }
  const adminMembers = new Map<string, string>();
  if (records.length > 0) {
    const groups = (await jira.findGroups('admin', 50, 'app')).groups.filter((g) => isAdminGroupName(g.name));
    requests += 1;
    for (const g of groups) {
      const members = await collect(async (o, n) => {
        requests += 1;
        return jira.listGroupMembersPage(g.groupId, o, n, true, 'app');
      }, GROUP_MEMBER_PAGE_MAX);
      members.items.forEach((m) => adminMembers.set(m.accountId, redactEmails(g.name)));
    }
  }
  return { users, adminMembers, requests };
}

/** "1 account", "2 accounts". */
export function count(n: number, one: string): string {
  return `${n} ${n === 1 ? one : `${one}s`}`;
}
