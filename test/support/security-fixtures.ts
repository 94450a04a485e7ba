/**
 * Fixtures for the security tests: a role, a spare role, a registered functional account with a credential,
 * a bulk job, people to add and delete, made as the site admin; and a realistic payload for every resolver
 * key, so an allowed call does real work and a refusal cannot come from validation.
 */
import {
  RESOLVER_KEYS,
  type BulkJobView,
  type Envelope,
  type FunctionalAccountView,
  type HealthCheckProgress,
  type RoleView,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok } from './site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

export interface Fixtures {
  groupId: string;
  person: string;
  victim: { accountId: string; displayName: string };
  deskId: string;
  jobId: string;
  /** A finished health-check run. */
  healthRunId: string;
  roleId: string;
  spareRoleId: string;
  functionalId: string;
  spareFunctionalId: string;
  credentialId: string;
}

/** Realistic payloads, so an allowed call does its work and a denial cannot come from validation. Keys added later get `{}`. */
export function payloadFor(key: string, f: Fixtures): unknown {
  const bulk = { operation: 'add-users-to-group', accountIds: [f.person], groupIds: [f.groupId], confirmLicence: true };
  const registration = {
    ownerAccountId: NAMED_USERS.regular.accountId,
    owningGroupId: f.groupId,
    purpose: 'Matrix check',
    integration: 'Matrix',
  };
  const payloads: Record<string, unknown> = {
    listUsers: { query: 'a' },
    getUserDetails: { accountId: NAMED_USERS.regular.accountId },
    resolveIdentifiers: { text: NAMED_USERS.regular.email },
    resetUserColumns: { accountId: NAMED_USERS.regular.accountId },
    deleteUser: { accountId: f.victim.accountId, confirm: f.victim.displayName },
    searchGroups: { query: 'team' },
    listGroupMembers: { groupId: f.groupId },
    addGroupMember: { groupId: f.groupId, accountId: f.person, confirmLicence: true },
    removeGroupMember: { groupId: f.groupId, accountId: f.person },
    createBulkJob: bulk,
    previewBulkJob: bulk,
    runBulkJob: { jobId: f.jobId },
    getBulkJob: { jobId: f.jobId },
    cancelBulkJob: { jobId: f.jobId },
    getHealthCheck: { runId: f.healthRunId },
    retryBulkFailures: { jobId: f.jobId },
    listBulkJobItems: { jobId: f.jobId },
    countGroupMembers: { groupIds: [f.groupId] },
    listDeskCustomers: { deskId: f.deskId },
    provisionCustomer: { email: 'matrix.customer@clients.example.org', displayName: 'Matrix', deskIds: [f.deskId] },
    saveRole: { name: 'Matrix role', groupIds: [f.groupId] },
    deleteRole: { roleId: f.spareRoleId },
    registerFunctional: { accountId: f.spareFunctionalId, ...registration },
    unregisterFunctional: { accountId: f.spareFunctionalId },
    updateFunctional: { accountId: f.functionalId, ...registration, purpose: 'Updated by the matrix' },
    checkFunctionalOwner: { accountId: NAMED_USERS.regular.accountId },
    createFunctional: { name: 'MatrixBot', roleId: f.roleId, email: 'matrix.bot@example.com', ...registration },
    addCredential: { accountId: f.functionalId, type: 'other', label: 'Matrix key' },
    rotateCredential: { accountId: f.functionalId, credentialId: f.credentialId },
    listEscalationIssueTypes: { projectId: '10100' },
    saveEscalationSettings: { projectId: '10100', issueTypeId: '10001', thresholds: [30, 7, 1, 0] },
    handOverAccounts: { fromAccountId: NAMED_USERS.regular.accountId, toAccountId: NAMED_USERS.jiraAdmin.accountId },
  };
  return payloads[key] ?? {};
}

/**
 * Keys whose site-admin call is expected to succeed with `payloadFor`'s payload: every resolver key of the
 * contract, so a key added later is checked by default.
 */
export const HAS_FIXTURE: ReadonlySet<string> = new Set<string>(RESOLVER_KEYS);

export async function createFixtures(site: LocalSite): Promise<Fixtures> {
  const users = [...site.sim.state.users.values()];
  const named = new Set<string>(Object.values(NAMED_USERS).map((n) => n.accountId));
  const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
  const people = users.filter((u) => u.accountType === 'atlassian' && u.active && !named.has(u.accountId));
  const apps = users.filter((u) => u.accountType === 'app' && !named.has(u.accountId));
  const call = <T>(key: string, payload: unknown) => ok(invokeAs<Envelope<T>>(site, ADMIN, key, payload));
  const role = await call<RoleView>('saveRole', { name: 'Matrix', groupIds: [group?.groupId] });
  const spare = await call<RoleView>('saveRole', { name: 'Spare', groupIds: [group?.groupId] });
  const registration = {
    ownerAccountId: NAMED_USERS.regular.accountId,
    owningGroupId: group?.groupId,
    purpose: 'Fixture',
    integration: 'Fixture',
  };
  const fa = await call<FunctionalAccountView>('registerFunctional', {
    accountId: apps[0]?.accountId,
    ...registration,
  });
  const withCredential = await call<FunctionalAccountView>('addCredential', {
    accountId: fa.accountId,
    type: 'other',
    label: 'Fixture key',
  });
  const job = await call<BulkJobView>('createBulkJob', {
    operation: 'add-users-to-group',
    accountIds: [people[1]?.accountId],
    groupIds: [group?.groupId],
    confirmLicence: true,
  });
  const health = await call<HealthCheckProgress>('runHealthCheck', {});
  await site.queue.idle();
  const victim = people[2];
  return {
    groupId: group?.groupId as string,
    person: people[0]?.accountId as string,
    victim: { accountId: victim?.accountId as string, displayName: victim?.displayName as string },
    deskId: [...site.sim.state.serviceDesks.values()][0]?.id as string,
    jobId: job.jobId,
    healthRunId: health.runId,
    roleId: role.roleId,
    spareRoleId: spare.roleId,
    functionalId: fa.accountId,
    spareFunctionalId: apps[1]?.accountId as string,
    credentialId: withCredential.credentials[0]?.credentialId as string,
  };
}
