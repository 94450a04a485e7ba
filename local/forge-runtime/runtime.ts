/**
 * Forge runtime emulation: defines `global.__forge_runtime__` and `global.__forge_fetch__`, the hooks the
 * real `@forge/api` and `@forge/kvs` call, so those packages run unchanged. Product requests (`fpp`) go to
 * the Jira simulator carrying the principal (the app, or the invoking user for `asUser()`); KVS requests go
 * to the embedded store. Each invocation runs in an AsyncLocalStorage context with its principal and
 * deadline; once the deadline passes, the invocation can make no further request (as a frozen Lambda).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { KvsStore } from './kvs-store';

export interface InvocationContext {
  /** The user who invoked (undefined for scheduled triggers and other app-only invocations). */
  accountId?: string;
  moduleKey: string;
  deadline: number;
  invocationId: string;
  expired: boolean;
  /** The invocation that started this chain (a resolver, trigger or first push): Forge's cyclic invocation limit counts per chain. */
  chainId: string;
}

export interface RuntimeOptions {
  simulatorUrl: string;
  installToken: string;
  kvs: KvsStore;
  /** The async events service (`@forge/events` requests go there). */
  queue?: { handle(path: string, body: unknown): { status: number; body?: unknown } };
  /**
   * Offline user impersonation: `asUser(accountId)` where no user invoked (a consumer, a scheduled trigger)
   * or for another user. Allowed only when the manifest declares scopes with `allowImpersonation: true`
   * (`scopes` non-empty), and only for active Atlassian accounts: Forge refuses deactivated, unknown,
   * app and customer accounts (community.developer.atlassian.com/t/rfc-92-forge-user-impersonation/91156;
   * developer.atlassian.com/platform/forge/remote/offline-user-impersonation). The simulator then lets
   * the request use only those scopes, with that user's own permissions.
   */
  impersonation?: { scopes: string[]; accountKind(accountId: string): ImpersonationAccountKind };
  appId?: string;
  environmentId?: string;
  installationId?: string;
}

export type ImpersonationAccountKind = 'atlassian' | 'app' | 'customer' | 'inactive' | 'unknown';

/** The header telling the simulator a user request is impersonated (offline): only impersonation scopes apply. */
export const IMPERSONATION_HEADER = 'x-forge-sim-impersonation';

type ForgeFetchTarget = { type: string; provider?: string; remote?: string; accountId?: string };

const invocations = new AsyncLocalStorage<InvocationContext>();

export class InvocationExpiredError extends Error {
  constructor(ctx: InvocationContext) {
    super(`Invocation ${ctx.invocationId} (${ctx.moduleKey}) has timed out; no further requests are allowed.`);
  }
}

export function currentInvocation(): InvocationContext | undefined {
  return invocations.getStore();
}

export class InvocationKilledError extends Error {}

/**
 * Runs `fn` as one Forge invocation; it is rejected with a timeout error after `timeoutMs`, or with
 * InvocationKilledError when `signal` aborts (an injected fault: the container died). Either way the
 * invocation can make no further request.
 */
export async function runInvocation<T>(
  init: { accountId?: string; moduleKey: string; timeoutMs: number; chainId?: string; signal?: AbortSignal },
  fn: () => Promise<T>,
): Promise<T> {
  const invocationId = randomUUID();
  const ctx: InvocationContext = {
    accountId: init.accountId,
    moduleKey: init.moduleKey,
    deadline: Date.now() + init.timeoutMs,
    invocationId,
    expired: false,
    chainId: init.chainId ?? invocationId,
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ctx.expired = true;
      reject(new Error(`Forge invocation timed out after ${init.timeoutMs} ms (${init.moduleKey}).`));
    }, init.timeoutMs);
    onAbort = () => {
      ctx.expired = true;
      reject(new InvocationKilledError(`Forge invocation ${invocationId} (${init.moduleKey}) was killed.`));
    };
    if (init.signal?.aborted) onAbort();
    else init.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([invocations.run(ctx, fn), timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort) init.signal?.removeEventListener('abort', onAbort);
  }
}

function proxyError(reason: string, status = 401): Response {
  return new Response(null, { status, headers: { 'forge-proxy-error': reason } });
}

/** Why Forge would refuse to impersonate `accountId` (a forge-proxy-error reason), or undefined. */
function impersonationRefusal(options: RuntimeOptions, accountId: string): string | undefined {
  const imp = options.impersonation;
  if (!imp || imp.scopes.length === 0) return 'USER_IMPERSONATION_NOT_ALLOWED';
  const kind = imp.accountKind(accountId);
  return kind === 'atlassian' ? undefined : 'USER_IMPERSONATION_NOT_ALLOWED';
}

export function installForgeRuntime(options: RuntimeOptions): void {
  const g = globalThis as Record<string, unknown>;
  const appId = options.appId ?? 'local-app';
  const noopMetric = {
    incr: () => undefined,
    decr: () => undefined,
    set: () => undefined,
    measure: () => ({ stop: () => undefined }),
  };
  const metrics = {
    counter: () => noopMetric,
    timing: () => noopMetric,
    gauge: () => noopMetric,
    histogram: () => noopMetric,
  };

  g.__forge_runtime__ = {
    get aaid() {
      return currentInvocation()?.accountId;
    },
    get appContext() {
      const ctx = currentInvocation();
      return {
        appId,
        appVersion: '1.0.0',
        environmentId: options.environmentId ?? 'local-env',
        environmentType: 'DEVELOPMENT',
        invocationId: ctx?.invocationId ?? 'outside-invocation',
        installationId: options.installationId ?? 'local-installation',
        moduleKey: ctx?.moduleKey ?? 'unknown',
        license: undefined,
        installation: undefined,
        permissions: { scopes: [], external: {} },
      };
    },
    lambdaContext: {
      getRemainingTimeInMillis: () => {
        const ctx = currentInvocation();
        return ctx ? Math.max(ctx.deadline - Date.now(), 0) : 0;
      },
    },
    metrics,
    tracing: { traceId: 'local-trace', spanId: 'local-span' },
    proxy: { token: 'local', url: options.simulatorUrl },
    container: { appCodeDir: process.cwd() },
  };

  g.__forge_fetch__ = async (target: ForgeFetchTarget, path: string, init: RequestInit = {}): Promise<Response> => {
    const ctx = currentInvocation();
    if (ctx?.expired) throw new InvocationExpiredError(ctx);
    if (target.type === 'kvs') {
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const answer = await options.kvs.request(path, body);
      const text = answer.body === undefined ? null : JSON.stringify(answer.body);
      return new Response(answer.status === 204 ? null : text, {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (target.type === 'fpp' && target.remote === 'stargate' && path.startsWith('/webhook/queue/')) {
      // @forge/events: push, getStats and cancel, always as the app.
      if (!options.queue) return proxyError('UNSUPPORTED_REMOTE', 400);
      if (target.provider !== 'app') return proxyError('UNSUPPORTED_PROVIDER', 400);
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      const answer = options.queue.handle(path, body);
      return new Response(answer.status === 204 || answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    if (target.type !== 'fpp' || target.remote !== 'jira') return proxyError('UNSUPPORTED_REMOTE', 400);
    let principal: string;
    let impersonated = false;
    if (target.provider === 'app') principal = 'app';
    else if (target.provider === 'user') {
      const accountId = target.accountId ?? ctx?.accountId;
      // asUser() outside a user invocation (scheduled trigger, async event without a user) has no credentials.
      if (!accountId) return proxyError('NEEDS_AUTHENTICATION_ERR');
      if (accountId !== ctx?.accountId) {
        const refusal = impersonationRefusal(options, accountId);
        if (refusal) return proxyError(refusal, 403);
        impersonated = true;
      }
      principal = `user:${accountId}`;
    } else return proxyError('UNSUPPORTED_PROVIDER', 400);
    const headers = new Headers(init.headers);
    headers.set('x-forge-sim-install', options.installToken);
    headers.set('x-forge-sim-principal', principal);
    if (impersonated) headers.set(IMPERSONATION_HEADER, '1');
    return fetch(`${options.simulatorUrl}${path}`, { ...init, headers });
  };
}
