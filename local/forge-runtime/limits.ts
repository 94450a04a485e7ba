/**
 * Forge platform limits the emulation enforces (developer.atlassian.com/platform/forge/platform-quotas-and-limits/).
 */
export const FORGE_LIMITS = {
  /** UI resolver invocations time out after 25 s. */
  resolverTimeoutMs: 25_000,
  /** Async event consumers and scheduled triggers: 55 s by default. */
  consumerTimeoutMs: 55_000,
  /** Invoke request payload. */
  invokeRequestBytes: 500 * 1024,
  /** Invoke response payload. */
  invokeResponseBytes: 5 * 1024 * 1024,
  kvsKeyChars: 500,
  kvsValueBytes: 240 * 1024,
  kvsQueryMaxLimit: 100,
  kvsBatchMaxItems: 25,
} as const;
