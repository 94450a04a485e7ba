/**
 * The admin page's resolver function: every feature's resolver keys assembled, each wrapped by
 * `defineResolver` (authorize first, then the key's own validation and service call).
 */
import Resolver from '@forge/resolver';
import { fail, type ResolverKey } from './contract';
import { jira } from './jira';
import { createAuthorizer, type AuthorizationMode } from './invocation/authorization';
import { defineResolver, type ResolverDefinitions, type ResolverImpl } from './invocation/define';
import { auditResolvers } from './features/audit/resolvers';
import { bulkChangesResolvers } from './features/bulk-changes/resolvers';
import { customersResolvers } from './features/customers/resolvers';
import { directoryIndexResolvers } from './features/directory-index/resolvers';
import { functionalAccountsResolvers, functionalRegistry } from './features/functional-accounts/resolvers';
import { groupsResolvers } from './features/groups/resolvers';
import { peopleResolvers } from './features/people/resolvers';

/** Every key of the invoke contract, exactly once (the type refuses a missing or unknown key). */
export const RESOLVER_DEFINITIONS: ResolverDefinitions<ResolverKey> = {
  ...directoryIndexResolvers,
  ...peopleResolvers(functionalRegistry),
  ...groupsResolvers,
  ...bulkChangesResolvers,
  ...customersResolvers,
  ...functionalAccountsResolvers,
  ...auditResolvers,
};

/** How a key authorizes its caller: `cached` (a read; an answer ≤ 60 s old will do) or `live`. */
export function authorizationMode(key: ResolverKey): AuthorizationMode {
  return RESOLVER_DEFINITIONS[key].access;
}

/**
 * asUser: Forge sends the check to the invoking installation's site as the invoking user. Only a person
 * passes: Jira's `myself` must say `accountType: 'atlassian'`, so a call whose principal is an app (this
 * app's own account, which may hold ADMINISTER) or a customer is refused like a non-admin. `myself` is
 * asked only after ADMINISTER holds, so a non-admin's refusal still costs one request.
 */
export const authorize = createAuthorizer({
  hasAdminister: async () =>
    (await jira.getMyGlobalPermissions(['ADMINISTER'])).ADMINISTER &&
    (await jira.getMyself()).accountType === 'atlassian',
});

const resolver = new Resolver();
for (const key of Object.keys(RESOLVER_DEFINITIONS) as ResolverKey[]) {
  const { run, access } = RESOLVER_DEFINITIONS[key];
  resolver.define(
    key,
    defineResolver(authorize, run as ResolverImpl<ResolverKey>, access) as Parameters<typeof resolver.define>[1],
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
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(RESOLVER_DEFINITIONS, key))
    return fail('INVALID_INPUT', 'User Admin has no function by that name.');
  return definitions(event, runtime);
};
