/**
 * Who Jira requests made with `api.asUser(actingAs())` run as. In a resolver nobody is set, so `asUser()`
 * means the invoking user. A queue consumer has no user (Forge: async events run without one); it wraps
 * its work in `runActingAs(accountId, …)` so the same endpoint functions run as the administrator who
 * started the job, through Forge's offline user impersonation (`asUser(accountId)`, manifest scopes with
 * `allowImpersonation: true`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface ActingAs {
  accountId?: string;
}

const store = new AsyncLocalStorage<ActingAs>();

export function actingAs(): string | undefined {
  return store.getStore()?.accountId;
}

export function runActingAs<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
  return store.run({ accountId }, fn);
}
