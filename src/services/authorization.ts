/**
 * Authorizes resolver callers: only users with Jira's Administer permission may use the app. The check
 * is live (asUser `mypermissions`), cached per account for at most 60 s. Admin pages do not protect
 * resolvers, so every resolver calls this before anything else.
 */
import { AppFailure } from './app-error';

export const AUTHORIZATION_TTL_MS = 60_000;

export interface AuthorizerDeps {
  /** Asks Jira, as the invoking user, whether they hold ADMINISTER. */
  hasAdminister: () => Promise<boolean>;
  now?: () => number;
  ttlMs?: number;
}

export type Authorizer = (accountId: string | undefined) => Promise<void>;

export function createAuthorizer(deps: AuthorizerDeps): Authorizer {
  const cache = new Map<string, { allowed: boolean; until: number }>();
  const now = deps.now ?? Date.now;
  const ttl = Math.min(deps.ttlMs ?? AUTHORIZATION_TTL_MS, AUTHORIZATION_TTL_MS);
  return async (accountId) => {
    if (!accountId) throw new AppFailure('FORBIDDEN', 'Sign in as a Jira administrator to use this app.');
    const cached = cache.get(accountId);
    let allowed: boolean;
    if (cached && cached.until > now()) allowed = cached.allowed;
    else {
      allowed = await deps.hasAdminister();
      cache.set(accountId, { allowed, until: now() + ttl });
    }
    if (!allowed) throw new AppFailure('FORBIDDEN', 'Only Jira administrators can use User Admin.');
  };
}
