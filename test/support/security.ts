/**
 * Security test support: the identities the authorization matrix uses (site admin, Jira admin only,
 * regular, no access, missing and garbled context), invoking the app's resolver function exactly as
 * Forge does but with a chosen context, and a KVS snapshot/diff to prove a call wrote nothing.
 */
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { LocalSite } from '../../local/local-site';
import type { ForgeHandler } from '../../local/host/resolver-host';
import type { IdentityName } from '../../local/security-matrix';
import { NAMED_USERS } from './site';

export type { IdentityName };

export interface Identity {
  name: IdentityName;
  /** Whether the app must let this caller through (authorization only; validation may still refuse). */
  allowed: boolean;
  /** The runtime principal the invocation carries (what `asUser()` acts as). */
  principal?: string;
  /** The context the resolver receives, from the site's cloudId and installation. */
  context(site: LocalSite): Record<string, unknown>;
  /** The runtime payload (`principal`, `installContext`) Forge passes next to the event. */
  runtime(site: LocalSite): Record<string, unknown>;
}

export const installContextOf = (site: LocalSite) => `ari:cloud:jira::site/${site.sim.state.cloudId}`;

function person(name: IdentityName, accountId: string, allowed: boolean): Identity {
  return {
    name,
    allowed,
    principal: accountId,
    context: (site) => ({
      cloudId: site.sim.state.cloudId,
      siteUrl: site.siteUrl,
      moduleKey: 'user-admin-page',
      extension: { type: 'jira:adminPage' },
      accountId,
    }),
    runtime: (site) => ({ principal: { accountId }, installContext: installContextOf(site) }),
  };
}

export const IDENTITIES: readonly Identity[] = [
  person('site admin', NAMED_USERS.siteAdmin.accountId, true),
  person('Jira admin only', NAMED_USERS.jiraAdmin.accountId, true),
  person('regular', NAMED_USERS.regular.accountId, false),
  person('no access', NAMED_USERS.noAccess.accountId, false),
  // The app's own account as the principal (it may hold ADMINISTER on a site): not a person, so refused.
  person('app account', NAMED_USERS.app.accountId, false),
  {
    name: 'missing context',
    allowed: false,
    context: () => ({}),
    runtime: () => ({}),
  },
  {
    // A site admin's runtime principal, but a context whose fields have the wrong shapes: the app must not
    // trust any of it (no account it can validate, no installation to key its cache by).
    name: 'garbled context',
    allowed: false,
    principal: NAMED_USERS.siteAdmin.accountId,
    context: () => ({ cloudId: 42, accountId: { $ne: null }, installContext: ['x'] }),
    runtime: () => ({ principal: { accountId: ['712020:*'] }, installContext: 17 }),
  },
];

/** The app's resolver function (`index.handler`), loaded after the site installed the runtime hooks. */
export function appHandler(): ForgeHandler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../src/index') as { handler: ForgeHandler }).handler;
}

/** Invokes a resolver key as Forge would, with the identity's context and runtime payload. */
export function invokeAsIdentity<T = unknown>(
  site: LocalSite,
  identity: Identity,
  functionKey: string,
  payload: unknown,
  overrides: { context?: Record<string, unknown>; runtime?: Record<string, unknown> } = {},
): Promise<T> {
  return runInvocation(
    { accountId: identity.principal, moduleKey: 'user-admin-page', timeoutMs: FORGE_LIMITS.resolverTimeoutMs },
    () =>
      appHandler()(
        { call: { functionKey, payload }, context: { ...identity.context(site), ...overrides.context } },
        { ...identity.runtime(site), ...overrides.runtime },
      ),
  ) as Promise<T>;
}

export type KvsSnapshot = Map<string, string>;

export function kvsSnapshot(site: LocalSite): KvsSnapshot {
  return new Map(site.kvs.keys().map((k) => [k, JSON.stringify(site.kvs.peek(k))]));
}

/** Keys added, removed or changed between two snapshots. */
export function kvsDiff(before: KvsSnapshot, after: KvsSnapshot): string[] {
  const changed = new Set<string>();
  for (const [k, v] of after) if (before.get(k) !== v) changed.add(k);
  for (const k of before.keys()) if (!after.has(k)) changed.add(k);
  return [...changed].sort();
}

/** KVS operations that write (set, delete, batch set/delete, transactions) since `from`. */
export function kvsWriteOps(site: LocalSite, from: number): Array<{ path: string; keys: string[] }> {
  return site.kvs.operations
    .slice(from)
    .filter((o) => ['set', 'delete', 'batch/set', 'batch/delete', 'transaction'].includes(o.path));
}
