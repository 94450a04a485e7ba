/**
 * Groups' resolver keys: browse and search groups with what membership grants, a group's members, member
 * counts on request, and adding or removing one member (asUser; the licence warning before an add that
 * uses a licence).
 */
import { jira, JiraApiError } from '../../jira';
import { AppFailure } from '../../invocation/app-error';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field } from '../../invocation/validate';
import { auditStore } from '../audit/audit-store';
import { recordAccountChange } from '../directory-index/directory-index';
import { directoryStore } from '../directory-index/directory-store';
import { withEmails } from '../people/directory';
import { hiddenEmailPolicy } from '../people/email-policy';
import { loadGroupAccess } from './group-access';
import { changeMembership } from './membership';

/** Groups a page of the Groups tab shows. */
export const GROUP_PAGE = 50;

async function membershipChange(op: 'add' | 'remove', raw: unknown, actor: string) {
  const p = asPayload(raw);
  const groupId = field.groupId(p);
  const accountId = field.accountId(p);
  const confirmLicence = field.bool(p, 'confirmLicence');
  const [groups, access, users] = await Promise.all([
    jira.getGroupsById([groupId]),
    loadGroupAccess(jira),
    jira.getUsersBulkPage([accountId], 0),
  ]);
  const group = groups[0];
  if (!group) throw new AppFailure('NOT_FOUND', 'That group no longer exists.');
  const user = users.items[0];
  if (!user) throw new AppFailure('NOT_FOUND', 'That user no longer exists.');
  const summary = access.describe(group);
  if (op === 'add' && summary.grantsProducts.length > 0 && !confirmLicence) {
    // No licence is used when they are already a member or already have every product the group grants.
    const details = await jira.getUser(accountId);
    const member = (details.groups?.items ?? []).some((g) => g.groupId === groupId);
    const has = new Set((details.applicationRoles?.items ?? []).map((r) => r.name));
    if (!member && !summary.grantsProducts.every((p) => has.has(p)))
      throw new AppFailure(
        'CONFIRMATION_REQUIRED',
        `Adding ${user.displayName} to ${group.name} gives access to ${access.licences(group).join(', ')} and uses a licence. Confirm to go ahead.`,
      );
  }
  const result = await changeMembership(jira, auditStore, {
    actor,
    op,
    groupId,
    groupName: group.name,
    accountId,
    userName: user.displayName,
  });
  // Product access changed: the directory index reflects it until its next crawl (one request, licensed groups only).
  if (result.outcome === 'done' && summary.grantsProducts.length > 0) {
    const after = await jira.getUser(accountId);
    await recordAccountChange(directoryStore, {
      accountId,
      productKeys: (after.applicationRoles?.items ?? []).map((r) => r.key),
    });
  }
  return result;
}

export const groupsResolvers: ResolverDefinitions<
  'searchGroups' | 'listGroupMembers' | 'countGroupMembers' | 'addGroupMember' | 'removeGroupMember'
> = {
  searchGroups: {
    access: 'cached',
    run: async ({ payload }) => {
      const p = asPayload(payload);
      const query = field.optionalString(p, 'query', 100) ?? '';
      const startAt = field.optionalInt(p, 'startAt', 0, 10_000) ?? 0;
      // No text: `group/bulk` pages with a total. Text: `groups/picker` (no offset), read up to this page.
      const [found, access] = await Promise.all([
        query
          ? jira.findGroups(query, startAt + GROUP_PAGE).then((f) => ({ ...f, groups: f.groups.slice(startAt) }))
          : jira
              .listGroupsPage(startAt, GROUP_PAGE)
              .then((pg) => ({ total: pg.total ?? pg.items.length, groups: pg.items })),
        loadGroupAccess(jira),
      ]);
      return { total: found.total, startAt, groups: found.groups.map((g) => access.describe(g)) };
    },
  },
  listGroupMembers: {
    access: 'cached',
    run: async ({ payload, accountId, siteId }) => {
      const p = asPayload(payload);
      const groupId = field.groupId(p);
      const startAt = field.optionalInt(p, 'startAt', 0, 10_000_000) ?? 0;
      const [groups, access, page] = await Promise.all([
        jira.getGroupsById([groupId]),
        loadGroupAccess(jira),
        jira.listGroupMembersPage(groupId, startAt, 50, field.bool(p, 'includeInactive')),
      ]);
      const group = groups[0];
      if (!group) throw new AppFailure('NOT_FOUND', 'That group no longer exists.');
      return {
        group: access.describe(group),
        members: await withEmails(jira, page.items, hiddenEmailPolicy(jira, `${siteId}\n${accountId}`)),
        startAt,
        total: page.total ?? page.items.length,
        isLast: page.isLast,
      };
    },
  },
  countGroupMembers: {
    access: 'cached',
    run: async ({ payload }) => {
      // On request only (a button): one `group/member` request per group, 50 groups at most. Active members
      // only (`includeInactiveUsers` false), as the group's member page counts them unless asked for inactive
      // ones too, and as licences count people: the list and the page show the same figure.
      const groupIds = [...new Set(field.ids(asPayload(payload), 'groupIds', 'group', GROUP_PAGE))];
      const totals = await Promise.all(
        groupIds.map(async (id) => {
          try {
            const page = await jira.listGroupMembersPage(id, 0, 1, false);
            return [id, page.total ?? page.items.length] as const;
          } catch (err) {
            // A group deleted meanwhile has no count; anything else is a real failure.
            if (err instanceof JiraApiError && err.status === 404) return undefined;
            throw err;
          }
        }),
      );
      return Object.fromEntries(totals.filter((t) => t !== undefined));
    },
  },
  addGroupMember: { access: 'live', run: ({ payload, accountId }) => membershipChange('add', payload, accountId) },
  removeGroupMember: {
    access: 'live',
    run: ({ payload, accountId }) => membershipChange('remove', payload, accountId),
  },
};
