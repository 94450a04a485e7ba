/**
 * Functional accounts' resolver keys: roles, the registry (register, edit, unregister, create from a role),
 * credentials (add, record a rotation) and the health check (start, progress).
 */
import { jira } from '../../jira';
import { invalidInput } from '../../invocation/app-error';
import type { ResolverDefinitions } from '../../invocation/define';
import { asPayload, field, type Payload } from '../../invocation/validate';
import { auditStore } from '../audit/audit-store';
import type { FunctionalRegistry } from '../people/directory';
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
} from './functional-accounts';
import { checkOwner, listUnregistered, updateFunctional } from './functional-maintenance';
import { functionalStore } from './functional-store';
import { healthProgress, runningHealthCheck, startHealthCheck } from './health-run';
import { watchedHealthRun } from './health-run-watchdog';
import { healthRunStore } from './health-run-store';
import { pushEscalationEvents } from './escalation/escalation';
import { escalationStore } from './escalation/escalation-store';
import { escalationResolvers } from './escalation/resolvers';

const functional = {
  jira,
  store: functionalStore,
  audit: auditStore,
  runs: healthRunStore,
  esc: escalationStore,
  // A rotation or unregistering moves the account's open reminder issue to done at once (on the queue). Only
  // an account with an open issue is pushed, and a refused push never fails the change: the next daily plan
  // closes the issue anyway.
  escalate: async (accountId: string) => {
    const status = (await escalationStore.statuses([accountId])).get(accountId);
    if (!status?.issueKey || status.closed) return;
    await pushEscalationEvents([{ step: 'account', accountId }]).catch(() => {
      console.warn('escalation: could not queue the account step; the daily check will close its issue');
    });
  },
};
const CREDENTIAL_TYPES = ['api-token', 'oauth-client', 'other'] as const;

/** Which accounts the registry holds: the Users tab's badge and "functional" filter. */
export const functionalRegistry: FunctionalRegistry = {
  registered: async (ids: string[]) => new Set((await functionalStore.getMany(ids)).map((r) => r.accountId)),
  all: () => functionalStore.allIds(),
};

/** The fields register and edit share. */
function registration(p: Payload) {
  return {
    accountId: field.accountId(p),
    ownerAccountId: field.accountId(p, 'ownerAccountId'),
    backupOwnerAccountIds:
      p.backupOwnerAccountIds === undefined ? undefined : field.ids(p, 'backupOwnerAccountIds', 'account', 3),
    owningGroupId: field.groupId(p, 'owningGroupId'),
    purpose: field.string(p, 'purpose', 500),
    integration: field.string(p, 'integration', 200),
    roleId: p.roleId === undefined ? undefined : field.jobId({ jobId: p.roleId }),
  };
}

const registryResolvers: ResolverDefinitions<
  | 'listRoles'
  | 'saveRole'
  | 'deleteRole'
  | 'listFunctional'
  | 'registerFunctional'
  | 'updateFunctional'
  | 'checkFunctionalOwner'
  | 'listUnregisteredFunctional'
  | 'unregisterFunctional'
  | 'createFunctional'
  | 'addCredential'
  | 'rotateCredential'
  | 'runHealthCheck'
  | 'getHealthCheck'
> = {
  listRoles: { access: 'cached', run: () => listRoles(functional) },
  saveRole: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      return saveRole(functional, accountId, {
        roleId: p.roleId === undefined ? undefined : field.jobId({ jobId: p.roleId }),
        name: field.string(p, 'name', 80),
        groupIds: field.ids(p, 'groupIds', 'group', 50),
      });
    },
  },
  deleteRole: {
    access: 'live',
    run: async ({ payload, accountId }) => {
      await deleteRole(functional, accountId, field.jobId({ jobId: asPayload(payload).roleId }));
      return { outcome: 'done', message: 'Role deleted.' };
    },
  },
  listFunctional: {
    access: 'cached',
    run: async ({ payload }) => {
      const p = asPayload(payload);
      const filter = {
        finding: field.oneOf(p, 'finding', ['expiring', 'orphaned', 'any'] as const),
        owningGroupId: p.owningGroupId === undefined ? undefined : field.groupId(p, 'owningGroupId'),
        ownerAccountId: p.ownerAccountId === undefined ? undefined : field.accountId(p, 'ownerAccountId'),
        backupAccountId: p.backupAccountId === undefined ? undefined : field.accountId(p, 'backupAccountId'),
        cursor: field.optionalString(p, 'cursor', 2000),
      };
      const [page, running] = await Promise.all([
        listRegistry(functional, filter),
        watchedHealthRun(functional).then(() => runningHealthCheck(functional)),
      ]);
      return running ? { ...page, running } : page;
    },
  },
  registerFunctional: {
    access: 'live',
    run: ({ payload, accountId }) => register(functional, accountId, registration(asPayload(payload))),
  },
  updateFunctional: {
    access: 'live',
    run: ({ payload, accountId }) => updateFunctional(functional, accountId, registration(asPayload(payload))),
  },
  checkFunctionalOwner: {
    access: 'cached',
    run: ({ payload }) => checkOwner(functional, field.accountId(asPayload(payload))),
  },
  listUnregisteredFunctional: { access: 'cached', run: () => listUnregistered(functional) },
  unregisterFunctional: {
    access: 'live',
    run: async ({ payload, accountId }) => {
      await unregister(functional, accountId, field.accountId(asPayload(payload)));
      return { outcome: 'done', message: 'Removed from the registry; the Jira account is unchanged.' };
    },
  },
  createFunctional: {
    access: 'live',
    run: ({ payload, accountId, siteId }) => {
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
  },
  addCredential: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      return addCredential(functional, accountId, {
        accountId: field.accountId(p),
        type: field.oneOf(p, 'type', CREDENTIAL_TYPES, false) as (typeof CREDENTIAL_TYPES)[number],
        label: field.string(p, 'label', 80),
        createdAt: field.optionalString(p, 'createdAt', 40),
        expiresAt: field.optionalString(p, 'expiresAt', 40),
      });
    },
  },
  rotateCredential: {
    access: 'live',
    run: ({ payload, accountId }) => {
      const p = asPayload(payload);
      return rotateCredential(functional, accountId, {
        accountId: field.accountId(p),
        credentialId: field.jobId({ jobId: p.credentialId }),
        label: field.optionalString(p, 'label', 80),
        expiresAt: field.optionalString(p, 'expiresAt', 40),
      });
    },
  },
  runHealthCheck: {
    access: 'live',
    run: async ({ accountId, siteId }) => {
      await watchedHealthRun(functional);
      return startHealthCheck(functional, accountId, siteId);
    },
  },
  getHealthCheck: {
    access: 'cached',
    run: ({ payload }) => {
      const runId = field.string(asPayload(payload), 'runId', 36);
      if (!/^[0-9a-f-]{36}$/.test(runId)) throw invalidInput('runId is not a health check run ID.');
      return watchedHealthRun(functional).then(() => healthProgress(functional, runId));
    },
  },
};

/** Every functional-accounts key: the registry's, then expiry reminders' and hand-over's. */
export const functionalAccountsResolvers = { ...registryResolvers, ...escalationResolvers };
