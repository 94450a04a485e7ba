/**
 * A fake `self.__bridge` for rendering the UI Kit page in Node: keeps the latest ForgeDoc that
 * `@forge/react` reconciles, routes `invoke` to the resolver host as a chosen user, and lets a test
 * wait for the tree to show something and press its buttons (calling the real handlers).
 */
import { type BridgeHistory, createMemoryHistory } from './bridge-history';
import type { ResolverHost } from './resolver-host';
import { type ForgeDoc, findAll, textOf } from './forge-doc';

export interface FakeBridge {
  doc(): ForgeDoc | undefined;
  actAs(accountId: string | undefined): void;
  /** Waits until `find` returns a node (or nodes) in the current tree. */
  waitFor<T>(find: (doc: ForgeDoc) => T | undefined | false | null, timeoutMs?: number): Promise<T>;
  /** Invokes a function prop of a node (onClick, onChange, ...), as the product would on a user action. */
  fire(node: ForgeDoc, prop: string, ...args: unknown[]): Promise<void>;
  readonly invocations: Array<{ functionKey: string; accountId?: string }>;
  readonly errors: unknown[];
  /** The history `view.createHistory()` hands the page (in memory). */
  readonly history: BridgeHistory;
  /** Waits for in-flight invocations, then answers no more (call before closing the site). */
  close(): Promise<void>;
}

export function installFakeBridge(host: ResolverHost, initialUser: string | undefined): FakeBridge {
  let current: ForgeDoc | undefined;
  let user = initialUser;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const invocations: Array<{ functionKey: string; accountId?: string }> = [];
  const errors: unknown[] = [];
  const history = createMemoryHistory();
  const g = globalThis as Record<string, unknown>;
  g.self = globalThis;
  g.__bridge = {
    callBridge: async (cmd: string, data: Record<string, unknown>) => {
      switch (cmd) {
        case 'reconcile':
          current = data.forgeDoc as ForgeDoc;
          return undefined;
        case 'invoke': {
          // After close the page's late calls (debounced searches, polling) never reach the site.
          if (closed) return new Promise(() => undefined);
          invocations.push({ functionKey: String(data.functionKey), accountId: user });
          const p = host.invoke(String(data.functionKey), data.payload, user);
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p)).catch(() => undefined);
          return p;
        }
        case 'getContext':
          // As Jira's context: the viewer's profile locale and time zone (fixed here, so tests read one format).
          return {
            accountId: user,
            cloudId: host.cloudId,
            moduleKey: 'user-admin-page',
            extension: { type: 'jira:adminPage' },
            locale: 'en-US',
            timezone: 'UTC',
          };
        case 'createHistory':
          return history;
        case 'onError':
          errors.push(data.error);
          return undefined;
        default:
          return undefined;
      }
    },
  };
  const bridge: FakeBridge = {
    doc: () => current,
    actAs: (accountId) => {
      user = accountId;
    },
    invocations,
    errors,
    history,
    async close() {
      await new Promise((r) => setTimeout(r, 400));
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
    async waitFor(find, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = current ? find(current) : undefined;
        if (found !== undefined && found !== null && found !== false && !(Array.isArray(found) && found.length === 0))
          return found as never;
        if (Date.now() > until)
          throw new Error(
            `waitFor timed out; the page shows: ${current ? textOf(current).slice(0, 500) : '(nothing rendered)'}`,
          );
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async fire(node, prop, ...args) {
      const fn = node.props[prop];
      if (typeof fn !== 'function') throw new Error(`${node.type} has no ${prop} handler`);
      await fn(...args);
    },
  };
  return bridge;
}

export { findAll, textOf };
