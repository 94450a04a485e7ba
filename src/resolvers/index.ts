/**
 * The resolver function behind the admin page: one definition per key of the invoke contract.
 */
import Resolver from '@forge/resolver';
import type { ResolverKey } from '../contract';
import { jira } from '../jira';
import { createAuthorizer } from '../services/authorization';
import { getSiteSummary } from '../services/site-summary';
import { defineResolver, type ResolverImpl } from './define';

export const authorize = createAuthorizer({
  hasAdminister: async () => (await jira.getMyGlobalPermissions(['ADMINISTER'])).ADMINISTER,
});

const implementations: { [K in ResolverKey]: ResolverImpl<K> } = {
  getSiteSummary: () => getSiteSummary(jira),
};

const resolver = new Resolver();
for (const key of Object.keys(implementations) as ResolverKey[]) {
  resolver.define(key, defineResolver(authorize, implementations[key]) as Parameters<typeof resolver.define>[1]);
}

export const handler = resolver.getDefinitions();
