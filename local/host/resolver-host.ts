/**
 * The resolver host: invokes the app's resolver function as Forge does for a UI Kit page, with the
 * invoking user as principal, Forge's invoke payload limits (request ≤ 500 KB, response ≤ 5 MB) and the
 * 25 s resolver timeout enforced by the runtime emulation.
 */
import { FORGE_LIMITS } from '../forge-runtime/limits';
import { runInvocation } from '../forge-runtime/runtime';

export type ForgeHandler = (
  event: { call: { functionKey: string; payload: unknown }; context: Record<string, unknown> },
  runtimePayload: Record<string, unknown>,
) => Promise<unknown>;

export interface ResolverHostOptions {
  handler: ForgeHandler;
  cloudId: string;
  siteUrl: string;
  moduleKey: string;
  timeoutMs?: number;
}

export class InvokeLimitError extends Error {}

export interface ResolverHost {
  invoke(functionKey: string, payload: unknown, accountId: string | undefined): Promise<unknown>;
  /** Durations of every invocation so far (ms), for tests and benchmarks. */
  readonly durations: number[];
  /** The site's cloudId, as Jira's product context carries it to the page. */
  readonly cloudId?: string;
}

export function createResolverHost(options: ResolverHostOptions): ResolverHost {
  const durations: number[] = [];
  return {
    durations,
    cloudId: options.cloudId,
    async invoke(functionKey, payload, accountId) {
      const requestBytes = Buffer.byteLength(JSON.stringify({ functionKey, payload: payload ?? {} }), 'utf8');
      if (requestBytes > FORGE_LIMITS.invokeRequestBytes) {
        throw new InvokeLimitError(
          `Invoke payload is ${requestBytes} bytes; Forge allows ${FORGE_LIMITS.invokeRequestBytes}.`,
        );
      }
      const started = Date.now();
      try {
        const result = await runInvocation(
          {
            accountId,
            moduleKey: options.moduleKey,
            timeoutMs: options.timeoutMs ?? FORGE_LIMITS.resolverTimeoutMs,
          },
          () =>
            options.handler(
              {
                call: { functionKey, payload: payload ?? {} },
                context: {
                  cloudId: options.cloudId,
                  siteUrl: options.siteUrl,
                  moduleKey: options.moduleKey,
                  extension: { type: 'jira:adminPage' },
                  accountId,
                },
              },
              {
                principal: accountId ? { accountId } : undefined,
                installContext: `ari:cloud:jira::site/${options.cloudId}`,
              },
            ),
        );
        const responseBytes = Buffer.byteLength(JSON.stringify(result ?? null), 'utf8');
        if (responseBytes > FORGE_LIMITS.invokeResponseBytes) {
          throw new InvokeLimitError(
            `Resolver response is ${responseBytes} bytes; Forge allows ${FORGE_LIMITS.invokeResponseBytes}.`,
          );
        }
        return result;
      } finally {
        durations.push(Date.now() - started);
      }
    },
  };
}
