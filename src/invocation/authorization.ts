/**
 * Authorizes resolver callers: only users with Jira's Administer permission may use the app. The answer
 * comes live from Jira (asUser `mypermissions`). Reads may reuse an answer for at most 60 s; writes always
 * ask Jira again (`live`), so a demoted administrator cannot change anything. The cache is keyed by
 * installation and account: Forge can reuse a warm function across installations, and being an admin on
 * one site says nothing about another. A caller without a valid account and installation is refused
 * before Jira is asked anything.
 */
import { AppFailure } from './app-error';

export const AUTHORIZATION_TTL_MS = 60_000;
/** Upper bound on cached answers held by one warm function (oldest dropped first). */
export const AUTHORIZATION_CACHE_MAX = 5_000;

const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const MAX_INSTALLATION_LENGTH = 512;

/** Who is calling, from the invocation context Forge supplies. */
export interface Caller {
  accountId: unknown;
  /** The installation (Forge's `installContext`, falling back to the site's cloudId). */
  installation: unknown;
}

/** `cached`: a read, which may use an answer up to 60 s old. `live`: a write, which asks Jira now. */
export type AuthorizationMode = 'cached' | 'live';

export interface AuthorizerDeps {
  /**
   * Asks Jira, as the invoking user on the invoking installation, whether they hold ADMINISTER and are a
   * person (src/resolver.ts: an app's or customer's principal is refused even with ADMINISTER).
   */
  hasAdminister: (caller: { accountId: string; installation: string }) => Promise<boolean>;
  now?: () => number;
  ttlMs?: number;
  maxEntries?: number;
}

export type Authorizer = (caller: Caller, mode: AuthorizationMode) => Promise<void>;

function validCaller(caller: Caller): { accountId: string; installation: string } {
  const { accountId, installation } = caller;
  if (typeof accountId !== 'string' || !accountId)
    throw new AppFailure('FORBIDDEN', 'Sign in as a Jira administrator to use this app.');
  if (
    !ACCOUNT_ID.test(accountId) ||
    typeof installation !== 'string' ||
    !installation ||
    installation.length > MAX_INSTALLATION_LENGTH
  )
    throw new AppFailure('FORBIDDEN', 'This request did not come from a Jira site where User Admin is installed.');
  return { accountId, installation };
}

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const cache = new Map<string, { allowed: boolean; until: number }>();
  const now = deps.now ?? Date.now;
  const ttl = Math.min(deps.ttlMs ?? AUTHORIZATION_TTL_MS, AUTHORIZATION_TTL_MS);
  const maxEntries = deps.maxEntries ?? AUTHORIZATION_CACHE_MAX;
  return async (raw, mode) => {
    const caller = validCaller(raw);
    // A separator that cannot occur in an account ID keeps (installation, account) pairs distinct.
    const key = `${caller.installation}\n${caller.accountId}`;
    const cached = cache.get(key);
    let allowed: boolean;
    if (mode === 'cached' && cached && cached.until > now()) allowed = cached.allowed;
    else {
      allowed = await deps.hasAdminister(caller);
      cache.delete(key);
      cache.set(key, { allowed, until: now() + ttl });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    }
    if (!allowed) throw new AppFailure('FORBIDDEN', 'Only Jira administrators can use User Admin.');
  };
}
