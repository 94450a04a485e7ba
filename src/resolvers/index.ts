/**
 * The resolver function behind the admin page: one definition per key of the invoke contract. Each
 * validates its payload and calls one service; `defineResolver` authorizes before any of it runs.
 */
import Resolver from '@forge/resolver';
import { fail, type ResolverKey, type UserFilters } from '../contract';
import { jira, JiraApiError } from '../jira';
import { auditStore } from '../store/audit-store';
import { jobStore } from '../store/job-store';
import { redactEmails } from '../store/redact';
import { AppFailure, invalidInput } from '../services/app-error';
import { listDeskCustomers, listDesks, provisionCustomer, requireDesk } from '../services/customers';
import { exportAuditCsv, queryAudit } from '../services/audit';
import { nameAuditEntries, peopleNamed } from '../services/audit-names';
import { createAuthorizer } from '../services/authorization';
import { listBulkItems } from '../services/bulk-outcomes';
import { previewBulk } from '../services/bulk-preview';
import { cancelJob, createJob, getJob, listJobs, retryFailures, MAX_JOB_ITEMS } from '../services/bulk-jobs';
import { getUserDetails, listUsers, resolveIdentifiers, withEmails } from '../services/directory';
import { loadGroupAccess } from '../services/group-access';
import { changeMembership, SITE_ADMIN_MESSAGE } from '../services/membership';
import { getSiteSummary } from '../services/site-summary';
import { requestCrawl } from '../services/directory-crawl-queue';
import { lookupEmails, recordAccountChange } from '../services/directory-index';
import { directoryStore } from '../store/directory-store';
import {
  addCredential,
  createFunctional,
  deleteRole,
  listRegistry,
  listRoles,
  register,
  rotateCredential,
  saveRole,
  unregister,
} from '../services/functional-accounts';
import { healthProgress, runningHealthCheck, startHealthCheck } from '../services/health-run';
import { checkOwner, listUnregistered, updateFunctional } from '../services/functional-maintenance';
import { functionalStore } from '../store/functional-store';
import { healthRunStore } from '../store/health-run-store';
import { deleteUser, resetColumns } from '../services/user-actions';
import { authorizationMode } from './access-policy';
import { defineResolver, type ResolverImpl } from './define';
import { asPayload, field } from './validate';

/** asUser: Forge sends the check to the invoking installation's site as the invoking user. */
export const authorize = createAuthorizer({
  hasAdminister: async () => (await jira.getMyGlobalPermissions(['ADMINISTER'])).ADMINISTER,
});

const bulk = { jira, jobs: jobStore, audit: auditStore };
const functional = { jira, store: functionalStore, audit: auditStore, runs: healthRunStore };
const snapshots = { store: directoryStore, requestCrawl };
const emailIndex = { lookup: (emails: string[]) => lookupEmails(directoryStore, emails) };
const healthRun = { jira, store: functionalStore, audit: auditStore, runs: healthRunStore };
const registry = {
  registered: async (ids: string[]) => new Set((await functionalStore.getMany(ids)).map((r) => r.accountId)),
  all: () => functionalStore.allIds(),
};
const CREDENTIAL_TYPES = ['api-token', 'oauth-client', 'other'] as const;
const ACCOUNT_TYPES = ['atlassian', 'app', 'customer'] as const;
const AUDIT_RESULTS = ['done', 'already', 'failed'] as const;
const BULK_OPERATIONS = [
  'add-users-to-group',
  'add-user-to-groups',
  'remove-users-from-group',
  'add-customers-to-desk',
  'remove-customers-from-desk',
] as const;
const DESK_ID = /^[0-9]{1,18}$/;
/** Groups a page of the Groups tab shows. */
const GROUP_PAGE = 50;

function deskId(p: Record<string, unknown>, name = 'deskId'): string {
  const v = field.string(p, name, 18);
  if (!DESK_ID.test(v)) throw invalidInput(`${name} is not a service desk ID.`);
  return v;
}

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

/** A bulk change's payload checked against Jira (the desk or groups exist), with their names and licence figures. */
async function bulkScope(p: Record<string, unknown>) {
  const operation = field.oneOf(p, 'operation', BULK_OPERATIONS, false) as (typeof BULK_OPERATIONS)[number];
  const accountIds = field.ids(p, 'accountIds', 'account', MAX_JOB_ITEMS);
  if (operation === 'add-customers-to-desk' || operation === 'remove-customers-from-desk') {
    const desk = await requireDesk(jira, deskId(p));
    return {
      payload: { operation, accountIds, deskId: desk.id },
      labels: { [desk.id]: desk.projectName },
      licences: [],
    };
  }
  const groupIds = field.ids(p, 'groupIds', 'group', 200);
  const [groups, access] = await Promise.all([jira.getGroupsById([...new Set(groupIds)]), loadGroupAccess(jira)]);
  const missing = groupIds.filter((g) => !groups.some((x) => x.groupId === g));
  if (missing.length > 0) throw new AppFailure('NOT_FOUND', `${missing.length} of the chosen groups no longer exist.`);
  return {
    payload: { operation, accountIds, groupIds },
    labels: Object.fromEntries(groups.map((g) => [g.groupId, g.name])),
    licences: operation === 'remove-users-from-group' ? [] : [...new Set(groups.flatMap((g) => access.licences(g)))],
  };
}

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

const implementations: { [K in ResolverKey]: ResolverImpl<K> } = {
  getSiteSummary: () => getSiteSummary(jira, snapshots),
  refreshSiteSummary: ({ accountId }) => getSiteSummary(jira, snapshots, `refresh by ${accountId}`),
  listUsers: ({ payload }) => {
    const p = asPayload(payload);
    return listUsers(
      jira,
      {
        query: field.optionalString(p, 'query', 100),
        filters: filtersOf(p.filters),
        cursor: field.optionalString(p, 'cursor', 500),
        pageSize: field.optionalInt(p, 'pageSize', 1, 100),
      },
      registry,
      directoryStore,
    );
  },
  getUserDetails: ({ payload }) => getUserDetails(jira, field.accountId(asPayload(payload))),
  resolveIdentifiers: ({ payload }) =>
    resolveIdentifiers(jira, field.string(asPayload(payload), 'text', 100_000), emailIndex),
  resetUserColumns: ({ payload, accountId }) =>
    resetColumns(jira, auditStore, accountId, field.accountId(asPayload(payload))),
  deleteUser: async ({ payload, accountId }) => {
    const p = asPayload(payload);
    const target = field.accountId(p);
    const result = await deleteUser(jira, auditStore, accountId, target, field.string(p, 'confirm', 200));
    if (result.outcome === 'done') await recordAccountChange(directoryStore, { accountId: target, deleted: true });
    return result;
  },
  listProducts: async () => (await jira.listApplicationRoles()).map((r) => ({ key: r.key, name: r.name })),
  searchGroups: async ({ payload }) => {
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
  listGroupMembers: async ({ payload }) => {
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
      members: await withEmails(jira, page.items),
      startAt,
      total: page.total ?? page.items.length,
      isLast: page.isLast,
    };
  },
  addGroupMember: ({ payload, accountId }) => membershipChange('add', payload, accountId),
  removeGroupMember: ({ payload, accountId }) => membershipChange('remove', payload, accountId),
  createBulkJob: async ({ payload, accountId }) => {
    const p = asPayload(payload);
    const operation = field.oneOf(p, 'operation', BULK_OPERATIONS, false) as (typeof BULK_OPERATIONS)[number];
    const accountIds = field.ids(p, 'accountIds', 'account', MAX_JOB_ITEMS);
    const confirmLicence = field.bool(p, 'confirmLicence');
    if (operation === 'add-customers-to-desk' || operation === 'remove-customers-from-desk') {
      const desk = await requireDesk(jira, deskId(p));
      return createJob(bulk, { operation, accountIds, deskId: desk.id }, accountId, {
        [desk.id]: redactEmails(desk.projectName),
      });
    }
    const groupIds = field.ids(p, 'groupIds', 'group', 200);
    // Jira lets only site admins change membership: refuse now, before a job exists, not item by item.
    if (!(await jira.getMyGlobalPermissions(['SYSTEM_ADMIN'])).SYSTEM_ADMIN)
      throw new AppFailure('SITE_ADMIN_REQUIRED', SITE_ADMIN_MESSAGE);
    const [groups, access] = await Promise.all([jira.getGroupsById([...new Set(groupIds)]), loadGroupAccess(jira)]);
    const missing = groupIds.filter((g) => !groups.some((x) => x.groupId === g));
    if (missing.length > 0)
      throw new AppFailure('NOT_FOUND', `${missing.length} of the chosen groups no longer exist.`);
    if (operation !== 'remove-users-from-group' && !confirmLicence) {
      const licensed = groups.filter((g) => access.describe(g).grantsProducts.length > 0);
      if (licensed.length > 0) {
        throw new AppFailure(
          'CONFIRMATION_REQUIRED',
          `${licensed.map((g) => `${g.name} gives access to ${access.licences(g).join(', ')}`).join('; ')}: adding people who do not have that access yet uses licences. Confirm to go ahead.`,
        );
      }
    }
    // Job labels are persisted: a group name holding an email is stored redacted.
    const labels = Object.fromEntries(groups.map((g) => [g.groupId, redactEmails(g.name)]));
    return createJob(bulk, { operation, accountIds, groupIds, confirmLicence }, accountId, labels);
  },
  previewBulkJob: async ({ payload }) => {
    const scope = await bulkScope(asPayload(payload));
    return previewBulk(jira, scope.payload, scope.labels, scope.licences);
  },
  countGroupMembers: async ({ payload }) => {
    // On request only (a button): one `group/member` request per group, 50 groups at most, inactive members counted.
    const groupIds = [...new Set(field.ids(asPayload(payload), 'groupIds', 'group', GROUP_PAGE))];
    const totals = await Promise.all(
      groupIds.map(async (id) => {
        try {
          const page = await jira.listGroupMembersPage(id, 0, 1, true);
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
  listBulkJobItems: ({ payload }) => {
    const p = asPayload(payload);
    return listBulkItems(
      { jira, jobs: jobStore },
      {
        jobId: field.jobId(p),
        outcome: field.oneOf(p, 'outcome', AUDIT_RESULTS),
        startAt: field.optionalInt(p, 'startAt', 0, MAX_JOB_ITEMS),
      },
    );
  },
  // The queue does the work; the page only reads progress (kept for pages that still poll this key).
  runBulkJob: ({ payload }) => getJob(bulk, field.jobId(asPayload(payload))),
  cancelBulkJob: ({ payload }) => cancelJob(bulk, field.jobId(asPayload(payload))),
  getBulkJob: ({ payload }) => getJob(bulk, field.jobId(asPayload(payload))),
  listBulkJobs: () => listJobs(bulk),
  retryBulkFailures: ({ payload, accountId }) => retryFailures(bulk, field.jobId(asPayload(payload)), accountId),
  listAudit: async ({ payload }) => {
    const q = auditQuery(payload);
    const page = await queryAudit(auditStore, q, undefined, await peopleNamed(jira, q.text));
    return { ...page, entries: await nameAuditEntries(jira, page.entries) };
  },
  exportAuditCsv: async ({ payload }) => {
    const q = auditQuery(payload);
    return exportAuditCsv(auditStore, q, await peopleNamed(jira, q.text), (entries) => nameAuditEntries(jira, entries));
  },
  listServiceDesks: ({ payload }) => listDesks(jira, field.optionalInt(asPayload(payload), 'start', 0, 1_000_000) ?? 0),
  listDeskCustomers: ({ payload }) => {
    const p = asPayload(payload);
    return listDeskCustomers(
      jira,
      deskId(p),
      field.optionalString(p, 'query', 100) ?? '',
      field.optionalInt(p, 'start', 0, 10_000_000) ?? 0,
    );
  },
  listRoles: () => listRoles(functional),
  saveRole: ({ payload, accountId }) => {
    const p = asPayload(payload);
    return saveRole(functional, accountId, {
      roleId: p.roleId === undefined ? undefined : field.jobId({ jobId: p.roleId }),
      name: field.string(p, 'name', 80),
      groupIds: field.ids(p, 'groupIds', 'group', 50),
    });
  },
  deleteRole: async ({ payload, accountId }) => {
    await deleteRole(functional, accountId, field.jobId({ jobId: asPayload(payload).roleId }));
    return { outcome: 'done', message: 'Role deleted.' };
  },
  listFunctional: async ({ payload }) => {
    const p = asPayload(payload);
    const filter = {
      finding: field.oneOf(p, 'finding', ['expiring', 'orphaned', 'any'] as const),
      owningGroupId: p.owningGroupId === undefined ? undefined : field.groupId(p, 'owningGroupId'),
      cursor: field.optionalString(p, 'cursor', 2000),
    };
    const [page, running] = await Promise.all([listRegistry(functional, filter), runningHealthCheck(healthRun)]);
    return running ? { ...page, running } : page;
  },
  registerFunctional: ({ payload, accountId }) => {
    const p = asPayload(payload);
    return register(functional, accountId, {
      accountId: field.accountId(p),
      ownerAccountId: field.accountId(p, 'ownerAccountId'),
      owningGroupId: field.groupId(p, 'owningGroupId'),
      purpose: field.string(p, 'purpose', 500),
      integration: field.string(p, 'integration', 200),
      roleId: p.roleId === undefined ? undefined : field.jobId({ jobId: p.roleId }),
    });
  },
  updateFunctional: ({ payload, accountId }) => {
    const p = asPayload(payload);
    return updateFunctional(functional, accountId, {
      accountId: field.accountId(p),
      ownerAccountId: field.accountId(p, 'ownerAccountId'),
      owningGroupId: field.groupId(p, 'owningGroupId'),
      purpose: field.string(p, 'purpose', 500),
      integration: field.string(p, 'integration', 200),
      roleId: p.roleId === undefined ? undefined : field.jobId({ jobId: p.roleId }),
    });
  },
  checkFunctionalOwner: ({ payload }) => checkOwner(functional, field.accountId(asPayload(payload))),
  listUnregisteredFunctional: () => listUnregistered(functional),
  unregisterFunctional: async ({ payload, accountId }) => {
    await unregister(functional, accountId, field.accountId(asPayload(payload)));
    return { outcome: 'done', message: 'Removed from the registry; the Jira account is unchanged.' };
  },
  createFunctional: ({ payload, accountId, siteId }) => {
    const p = asPayload(payload);
    return createFunctional(functional, accountId, siteId, {
      name: field.string(p, 'name', 40),
      roleId: field.jobId({ jobId: p.roleId }),
      email: field.optionalString(p, 'email', 254),
      ownerAccountId: field.accountId(p, 'ownerAccountId'),
      owningGroupId: field.groupId(p, 'owningGroupId'),
      purpose: field.string(p, 'purpose', 500),
      integration: field.string(p, 'integration', 200),
    });
  },
  addCredential: ({ payload, accountId }) => {
    const p = asPayload(payload);
    return addCredential(functional, accountId, {
      accountId: field.accountId(p),
      type: field.oneOf(p, 'type', CREDENTIAL_TYPES, false) as (typeof CREDENTIAL_TYPES)[number],
      label: field.string(p, 'label', 80),
      createdAt: field.optionalString(p, 'createdAt', 40),
      expiresAt: field.optionalString(p, 'expiresAt', 40),
    });
  },
  rotateCredential: ({ payload, accountId }) => {
    const p = asPayload(payload);
    return rotateCredential(functional, accountId, {
      accountId: field.accountId(p),
      credentialId: field.jobId({ jobId: p.credentialId }),
      label: field.optionalString(p, 'label', 80),
      expiresAt: field.optionalString(p, 'expiresAt', 40),
    });
  },
  runHealthCheck: ({ accountId, siteId }) => startHealthCheck(healthRun, accountId, siteId),
  getHealthCheck: ({ payload }) => {
    const runId = field.string(asPayload(payload), 'runId', 36);
    if (!/^[0-9a-f-]{36}$/.test(runId)) throw invalidInput('runId is not a health check run ID.');
    return healthProgress(healthRun, runId);
  },
  provisionCustomer: ({ payload, accountId }) => {
    const p = asPayload(payload);
    const deskIds = p.deskIds;
    if (!Array.isArray(deskIds) || deskIds.length > 20)
      throw invalidInput('deskIds must be a list of at most 20 service desks.');
    return provisionCustomer(
      jira,
      auditStore,
      accountId,
      {
        email: field.string(p, 'email', 254),
        displayName: field.string(p, 'displayName', 255),
        deskIds: deskIds.map((_, i) => deskId({ d: deskIds[i] }, 'd')),
      },
      emailIndex,
    );
  },
};

function auditQuery(raw: unknown) {
  const p = asPayload(raw);
  return {
    action: field.optionalString(p, 'action', 64),
    actor: p.actor === undefined ? undefined : field.accountId(p, 'actor'),
    result: field.oneOf(p, 'result', AUDIT_RESULTS),
    text: field.optionalString(p, 'text', 200),
    cursor: field.optionalString(p, 'cursor', 2000),
    pageSize: field.optionalInt(p, 'pageSize', 1, 200),
  };
}

const resolver = new Resolver();
for (const key of Object.keys(implementations) as ResolverKey[]) {
  resolver.define(
    key,
    defineResolver(authorize, implementations[key] as ResolverImpl<ResolverKey>, authorizationMode(key)) as Parameters<
      typeof resolver.define
    >[1],
  );
}

const definitions = resolver.getDefinitions();

/**
 * The function Forge invokes. @forge/resolver looks keys up with `in`, so `constructor`, `valueOf` and
 * other Object.prototype names would reach a built-in; only the contract's own keys get through, and
 * anything else gets a typed error that echoes nothing back.
 */
export const handler: typeof definitions = async (event, runtime) => {
  const key: unknown = (event as { call?: { functionKey?: unknown } } | null | undefined)?.call?.functionKey;
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(implementations, key))
    return fail('INVALID_INPUT', 'User Admin has no function by that name.');
  return definitions(event, runtime);
};
