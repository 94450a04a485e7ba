/**
 * How every resolver is built: authorize the caller first (nothing else runs for a non-admin; writes
 * ask Jira live, reads may use the ≤ 60 s cache), then validate, call one service, and answer the typed
 * envelope. Errors become envelope errors with a clear
 * message; logs carry the error kind and operation only, never emails or payloads.
 */
import type { Envelope, ErrorCode, ResolverContract, ResolverKey } from '../contract';
import { fail, ok } from '../contract';
import { JiraApiError, JiraOutcomeUnknownError } from '../jira/errors';
import { AppFailure } from './app-error';
import { KvsRateLimited } from '../store/kvs-retry';
import type { AuthorizationMode, Authorizer } from './authorization';
import { siteIdOf } from '../contract/naming';

export interface ResolverRequest<K extends ResolverKey> {
  payload: ResolverContract[K]['payload'];
  accountId: string;
  /** The site's short id (`<Name>_Func_<SiteId>`), from the invocation context's cloudId. */
  siteId: string;
}

export type ResolverImpl<K extends ResolverKey> = (req: ResolverRequest<K>) => Promise<ResolverContract[K]['result']>;

/**
 * One resolver key as its feature registers it: how the caller is authorized and what runs (validation
 * first, then one service). `cached`: a read that may reuse an authorization answer up to 60 s old;
 * `live`: Jira is asked before anything runs (every key that writes to Jira or KVS).
 */
export interface ResolverDefinition<K extends ResolverKey> {
  access: AuthorizationMode;
  run: ResolverImpl<K>;
}

/** A feature's resolver keys, each with its definition. */
export type ResolverDefinitions<K extends ResolverKey> = { [P in K]: ResolverDefinition<P> };

function jiraErrorCode(status: number): ErrorCode {
  if (status === 403 || status === 401) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 400) return 'INVALID_INPUT';
  return 'JIRA_ERROR';
}

export function toEnvelopeError(err: unknown): Envelope<never> {
  if (err instanceof AppFailure) return fail(err.code, err.message);
  if (err instanceof JiraApiError) {
    const code = jiraErrorCode(err.status);
    const reason = err.jiraMessage || `Jira answered ${err.status}.`;
    return fail(
      code,
      code === 'RATE_LIMITED'
        ? 'Jira is rate limiting requests; try again in a minute.'
        : `${err.operation}: ${reason}`,
    );
  }
  if (err instanceof KvsRateLimited)
    return fail('RATE_LIMITED', "The app's storage is busy for this site right now; try again in a minute.");
  if (err instanceof JiraOutcomeUnknownError)
    return fail(
      'JIRA_ERROR',
      `${err.operation}: Jira's answer was lost. Check whether the change happened before trying again.`,
    );
  console.error(`resolver failed: ${(err as { name?: string } | undefined)?.name ?? typeof err}`);
  return fail('INTERNAL', 'Something went wrong in User Admin. Try again; if it persists, check the app logs.');
}

/** The invocation context a resolver receives; any field may be missing or malformed. */
export interface ResolverContext {
  accountId?: unknown;
  cloudId?: unknown;
  installContext?: unknown;
}

/** The installation a call comes from: Forge's `installContext`, or the site's cloudId when absent. */
export function installationOf(context: ResolverContext): string | undefined {
  if (typeof context.installContext === 'string' && context.installContext) return context.installContext;
  if (typeof context.cloudId === 'string' && context.cloudId) return `cloud:${context.cloudId}`;
  return undefined;
}

export function defineResolver<K extends ResolverKey>(
  authorize: Authorizer,
  impl: ResolverImpl<K>,
  mode: AuthorizationMode,
) {
  return async (req: {
    payload: unknown;
    context?: ResolverContext | null;
  }): Promise<Envelope<ResolverContract[K]['result']>> => {
    try {
      const context: ResolverContext = req.context && typeof req.context === 'object' ? req.context : {};
      await authorize({ accountId: context.accountId, installation: installationOf(context) }, mode);
      const payload = (req.payload ?? {}) as ResolverContract[K]['payload'];
      const cloudId = typeof context.cloudId === 'string' ? context.cloudId : undefined;
      return ok(await impl({ payload, accountId: context.accountId as string, siteId: siteIdOf(cloudId) }));
    } catch (err) {
      return toEnvelopeError(err);
    }
  };
}
