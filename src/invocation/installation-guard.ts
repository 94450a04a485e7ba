/**
 * Background functions (scheduled triggers, queue consumers) run only for a real installation. Forge
 * invokes them with the installation's context (`installContext`, and for triggers the site's cloudId);
 * an invocation without one, or with one that does not hold together, is refused before anything runs,
 * so nothing is read or written on behalf of an unknown site. These functions act as the app, never as a
 * user: who (if anyone) the invocation carries does not change what they may do.
 * Forge passes every function `(payload, context)` with `context.installContext: string`
 * (developer.atlassian.com/platform/forge/function-reference/arguments/); a scheduled trigger's payload
 * carries `context.cloudId` (developer.atlassian.com/platform/forge/events-reference/scheduled-trigger/).
 */
const INSTALL_CONTEXT = /^ari:cloud:jira::site\/([A-Za-z0-9-]{1,128})$/;

/** The site's cloudId when the context names a Jira installation consistently; undefined otherwise. */
export function installationSite(installContext: unknown, cloudId?: unknown): string | undefined {
  if (typeof installContext !== 'string') return undefined;
  const site = INSTALL_CONTEXT.exec(installContext)?.[1];
  if (!site) return undefined;
  if (cloudId !== undefined && cloudId !== site) return undefined;
  return site;
}

type Background<A extends unknown[], R> = (...args: A) => Promise<R>;

/**
 * Wraps a scheduled trigger (`(request, context)`) or consumer (`(event, context)`): runs it only when the
 * context names this installation; otherwise answers `refused` without running it.
 */
export function forInstallation<A extends [unknown, unknown?, ...unknown[]], R, F>(
  fn: Background<A, R>,
  refused: F,
): Background<A, R | F> {
  return async (...args: A) => {
    const request = args[0] as { context?: { cloudId?: unknown } } | null | undefined;
    const context = args[1] as { installContext?: unknown } | null | undefined;
    const cloudId = request && typeof request === 'object' ? request.context?.cloudId : undefined;
    if (!installationSite(context?.installContext, cloudId)) {
      console.warn('background invocation refused: no valid installation context');
      return refused;
    }
    return fn(...args);
  };
}
