/**
 * The invoke contract shared by the frontend and the resolvers: each key with its payload and result.
 * `src/resolvers` implements exactly these keys; the manifest contract test checks it.
 */
export * from './envelope';

export interface SiteSummary {
  caller: { accountId: string; displayName: string };
  users: { total: number; active: number; byType: Record<'atlassian' | 'app' | 'customer', number> };
  groups: number;
  serviceDesks: number;
}

export interface ResolverContract {
  getSiteSummary: { payload: Record<string, never>; result: SiteSummary };
}

export type ResolverKey = keyof ResolverContract;

export const RESOLVER_KEYS: readonly ResolverKey[] = ['getSiteSummary'] as const;
