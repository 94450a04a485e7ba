/**
 * People's resolver keys: list and search users (index-backed filters), one person's details, resolve a
 * pasted list, the product list for the filter, and the two per-user actions (reset columns, delete).
 */
import type { UserFilters } from '../../contract';
import { jira } from '../../jira';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field } from '../../invocation/validate';
import { recordAccountChange } from '../directory-index/directory-index';
import { directoryStore } from '../directory-index/directory-store';
import { emailIndex } from '../directory-index/resolvers';
import { type FunctionalRegistry, getUserDetails, listUsers, resolveIdentifiers } from './directory';
import { deleteUser, resetColumns } from './user-actions';
import { hiddenEmailPolicy } from './email-policy';
import { auditStore } from '../audit/audit-store';

const ACCOUNT_TYPES = ['atlassian', 'app', 'customer'] as const;

function filtersOf(raw: unknown): UserFilters {
  const p = asPayload(raw);
  return {
    status: field.oneOf(p, 'status', ['active', 'inactive'] as const),
    accountType: field.oneOf(p, 'accountType', ACCOUNT_TYPES),
    groupId: p.groupId === undefined ? undefined : field.groupId(p),
    product: field.optionalString(p, 'product', 64),
    functional: field.bool(p, 'functional'),
  };
}

type PeopleKeys =
  'listUsers' | 'getUserDetails' | 'resolveIdentifiers' | 'resetUserColumns' | 'deleteUser' | 'listProducts';

/** People's keys; `registry` says which accounts are registered functional (the badge and the filter). */
export function peopleResolvers(registry: FunctionalRegistry): ResolverDefinitions<PeopleKeys> {
  return {
    listUsers: {
      access: 'cached',
      run: ({ payload, accountId, siteId }) => {
        const p = asPayload(payload);
        return listUsers(
          jira,
          {
            query: field.optionalString(p, 'query', 100),
            filters: filtersOf(p.filters),
            cursor: field.optionalString(p, 'cursor', 500),
            pageSize: field.optionalInt(p, 'pageSize', 1, 100),
          },
          hiddenEmailPolicy(jira, `${siteId}\n${accountId}`),
          registry,
          directoryStore,
          emailIndex,
        );
      },
    },
    getUserDetails: {
      access: 'cached',
      run: ({ payload, accountId, siteId }) =>
        getUserDetails(jira, field.accountId(asPayload(payload)), hiddenEmailPolicy(jira, `${siteId}\n${accountId}`)),
    },
    resolveIdentifiers: {
      access: 'cached',
      run: ({ payload, accountId, siteId }) =>
        resolveIdentifiers(
          jira,
          field.string(asPayload(payload), 'text', 100_000),
          hiddenEmailPolicy(jira, `${siteId}\n${accountId}`),
          emailIndex,
        ),
    },
    resetUserColumns: {
      access: 'live',
      run: ({ payload, accountId }) => resetColumns(jira, auditStore, accountId, field.accountId(asPayload(payload))),
    },
    deleteUser: {
      access: 'live',
      run: async ({ payload, accountId }) => {
        const p = asPayload(payload);
        const target = field.accountId(p);
        const confirm = field.string(p, 'confirm', 200);
        const result = await deleteUser(jira, auditStore, accountId, target, confirm);
        // The confirmation is the display name: the deleted person stays findable by it in the index.
        if (result.outcome === 'done')
          await recordAccountChange(directoryStore, { accountId: target, deleted: true, displayName: confirm.trim() });
        return result;
      },
    },
    listProducts: {
      access: 'cached',
      run: async () => (await jira.listApplicationRoles()).map((r) => ({ key: r.key, name: r.name })),
    },
  };
}
