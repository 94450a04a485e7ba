/**
 * Dry run of a bulk change: what it would do, worked out from Jira without changing anything. Who the
 * people are (`user/bulk`, one request per 100), which items are already so (the group's members, or the
 * one user's groups), and which Jira will refuse (deleted accounts, customer accounts in groups). Reading a
 * very large group costs many requests, so membership is checked the cheaper way: the whole member list
 * (50 a request) or each person's groups (one request each), up to a budget; beyond it the preview says its
 * counts are upper bounds. A desk's customer list is never read (issue 18: JSM lists it 50 a request at 5
 * requests a second): up to DESK_PREVIEW_SEARCHES pasted people are each searched on the desk (one
 * request each, by email or name, as desk-state.ts does for a job); beyond that the preview costs only the
 * people's lookups and says that who is already a customer shows when the job runs. All reads are asUser.
 */
import type { BulkPreview, CreateBulkJobPayload } from '../../contract';
import type { JiraClient } from '../../jira';
import { collect } from '../../jira/transport/pagination';
import { GROUP_MEMBER_PAGE_MAX } from '../../jira/groups';
import type { JiraUser } from '../../jira/types';
import { expandItems } from './bulk-jobs';
import { searchDeskFor } from './desk-state';

export type PreviewJira = Pick<
  JiraClient,
  'getUsersBulkPage' | 'listGroupMembersPage' | 'getUser' | 'listDeskCustomersPage'
>;

/** A desk preview searches the desk for each pasted person up to this many people (one request each). */
export const DESK_PREVIEW_SEARCHES = 10;

/** Jira requests a preview may spend finding out who is already a member. */
export const PREVIEW_BUDGET = 40;

async function usersById(jira: PreviewJira, ids: string[]): Promise<Map<string, JiraUser>> {
  const out = new Map<string, JiraUser>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const page = await collect((o) => jira.getUsersBulkPage(chunk, o), 100);
    for (const u of page.items) out.set(u.accountId, u);
  }
  return out;
}

/** Member ids of a group or desk, or undefined when reading them would cost more than `budget` requests. */
async function membersWithin(
  first: (size: number) => Promise<{ items: Array<{ accountId: string }>; isLast: boolean; total?: number }>,
  rest: (offset: number, size: number) => Promise<{ items: Array<{ accountId: string }>; isLast: boolean }>,
  pageSize: number,
  budget: number,
): Promise<Set<string> | undefined> {
  const head = await first(pageSize);
  const ids = new Set(head.items.map((u) => u.accountId));
  if (head.isLast) return ids;
  if (head.total !== undefined && Math.ceil(head.total / pageSize) > budget) return undefined;
  let offset = head.items.length;
  for (let spent = 1; spent < budget; spent += 1) {
    const page = await rest(offset, pageSize);
    page.items.forEach((u) => ids.add(u.accountId));
    offset += page.items.length;
    if (page.isLast || page.items.length === 0) return ids;
  }
  return undefined;
}

export async function previewBulk(
  jira: PreviewJira,
  payload: CreateBulkJobPayload,
  labels: Record<string, string>,
  licences: string[],
): Promise<BulkPreview> {
  const items = expandItems(payload);
  const users = await usersById(jira, [...new Set(items.map((i) => i.a))]);
  const name = (id: string) => users.get(id)?.displayName ?? 'A deleted account';
  const adding = payload.operation.startsWith('add');
  const toDesk = payload.operation.endsWith('desk');

  // Who is already in each target: the target's member list, or each person's own groups.
  const inTarget = new Map<string, Set<string> | undefined>();
  let note: string | undefined;
  if (payload.operation === 'add-user-to-groups') {
    const only = items[0]?.a as string;
    const groups = users.has(only) ? ((await jira.getUser(only)).groups?.items ?? []) : [];
    for (const i of items) inTarget.set(i.g, new Set(groups.some((g) => g.groupId === i.g) ? [only] : []));
  } else if (toDesk && users.size <= DESK_PREVIEW_SEARCHES) {
    const target = items[0]?.g as string;
    inTarget.set(target, await searchDeskFor(jira, target, [...users.values()]));
  } else if (toDesk) {
    const target = items[0]?.g as string;
    note = adding
      ? `Who is already a customer of ${labels[target] ?? 'the desk'} shows when the change runs (adding them again changes nothing): the counts below are upper bounds.`
      : `Who is not a customer of ${labels[target] ?? 'the desk'} shows when the change runs: the counts below are upper bounds.`;
  } else {
    const target = items[0]?.g as string;
    const members = await membersWithin(
      (n) => jira.listGroupMembersPage(target, 0, n, true),
      (o, n) => jira.listGroupMembersPage(target, o, n, true),
      GROUP_MEMBER_PAGE_MAX,
      PREVIEW_BUDGET,
    );
    if (members) inTarget.set(target, members);
    else if (users.size <= PREVIEW_BUDGET) {
      const ids = new Set<string>();
      for (const id of users.keys()) {
        const groups = (await jira.getUser(id)).groups?.items ?? [];
        if (groups.some((g) => g.groupId === target)) ids.add(id);
      }
      inTarget.set(target, ids);
    } else
      note = `${labels[target] ?? 'The target'} is too large to check everyone's membership in a preview: the counts below are upper bounds.`;
  }

  const preview: BulkPreview = { total: items.length, willChange: 0, alreadySo: [], refused: [], licences, note };
  for (const i of items) {
    const row = { accountId: i.a, userName: name(i.a), targetName: labels[i.g] ?? 'an unknown target' };
    const user = users.get(i.a);
    if (!user) {
      preview.refused.push({ ...row, reason: 'The account no longer exists.' });
      continue;
    }
    if (adding && !toDesk && user.accountType === 'customer') {
      preview.refused.push({ ...row, reason: 'Jira does not put customer accounts in groups.' });
      continue;
    }
    const members = inTarget.get(i.g);
    const member = members?.has(i.a);
    if (members && member === adding) preview.alreadySo.push(row);
    else preview.willChange += 1;
  }
  return preview;
}
