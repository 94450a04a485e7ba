/**
 * Bulk changes' resolver keys: preview, start (a job on Forge's queue), progress, outcomes, cancel and
 * retry. The queue's consumers do the work as the job's creator; these keys only create and read jobs.
 */
import type { BulkOperation } from '../../contract';
import { jira } from '../../jira';
import { redactEmails } from '../../store/redact';
import { AppFailure } from '../../invocation/app-error';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field, type Payload } from '../../invocation/validate';
import { auditStore } from '../audit/audit-store';
import { AUDIT_RESULTS } from '../audit/resolvers';
import { requireDesk } from '../customers/customers';
import { deskId } from '../customers/resolvers';
import { loadGroupAccess } from '../groups/group-access';
import { SITE_ADMIN_MESSAGE } from '../groups/membership';
import { cancelJob, createJob, getJob, listJobs, retryFailures, MAX_JOB_ITEMS } from './bulk-jobs';
import { listBulkItems } from './bulk-outcomes';
import { previewBulk } from './bulk-preview';
import { jobStore } from './job-store';

const bulk = { jira, jobs: jobStore, audit: auditStore };
const BULK_OPERATIONS = [
  'add-users-to-group',
  'add-user-to-groups',
  'remove-users-from-group',
  'add-customers-to-desk',
  'remove-customers-from-desk',
] as const;

/**
 * The rights a bulk change's operation needs beyond ADMINISTER (which every key checks first): Jira lets
 * only site admins change group membership, so a membership job needs SYSTEM_ADMIN, asked live as the
 * caller. Creating, cancelling and retrying a job all need these same rights: a Jira admin who is not a
 * site admin can neither start nor stop nor re-run a site admin's membership job.
 */
export async function requireJobRights(operation: BulkOperation): Promise<void> {
  if (operation === 'add-customers-to-desk' || operation === 'remove-customers-from-desk') return;
  if (!(await jira.getMyGlobalPermissions(['SYSTEM_ADMIN'])).SYSTEM_ADMIN)
    throw new AppFailure('SITE_ADMIN_REQUIRED', SITE_ADMIN_MESSAGE);
}

/** The rights of the job's own operation, before a cancel or retry touches it (an unknown job: the service says NOT_FOUND). */
async function requireRightsOver(jobId: string): Promise<string> {
  const header = await jobStore.header(jobId);
  if (header) await requireJobRights(header.operation);
  return jobId;
}

/** A bulk change's payload checked against Jira (the desk or groups exist), with their names and licence figures. */
async function bulkScope(p: Payload) {
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

export const bulkChangesResolvers: ResolverDefinitions<
  | 'createBulkJob'
  | 'previewBulkJob'
  | 'listBulkJobItems'
  | 'runBulkJob'
  | 'cancelBulkJob'
  | 'getBulkJob'
  | 'listBulkJobs'
  | 'retryBulkFailures'
> = {
  createBulkJob: {
    access: 'live',
    run: async ({ payload, accountId }) => {
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
      await requireJobRights(operation);
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
  },
  previewBulkJob: {
    access: 'cached',
    run: async ({ payload }) => {
      const scope = await bulkScope(asPayload(payload));
      return previewBulk(jira, scope.payload, scope.labels, scope.licences);
    },
  },
  listBulkJobItems: {
    access: 'cached',
    run: ({ payload }) => {
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
  },
  // The queue does the work; the page only reads progress (kept for pages that still poll this key).
  runBulkJob: { access: 'live', run: ({ payload }) => getJob(bulk, field.jobId(asPayload(payload))) },
  cancelBulkJob: {
    access: 'live',
    run: async ({ payload }) => cancelJob(bulk, await requireRightsOver(field.jobId(asPayload(payload)))),
  },
  getBulkJob: { access: 'cached', run: ({ payload }) => getJob(bulk, field.jobId(asPayload(payload))) },
  listBulkJobs: { access: 'cached', run: () => listJobs(bulk) },
  retryBulkFailures: {
    access: 'live',
    run: async ({ payload, accountId }) =>
      retryFailures(bulk, await requireRightsOver(field.jobId(asPayload(payload))), accountId),
  },
};
