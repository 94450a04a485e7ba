/**
 * Loads every function `manifest.yml` declares (`modules.function[]`, handler `<module>.<export>`), as
 * Forge's runtime does: from the bundle `npm run package` built with Forge's bundler
 * (`functions/<module>.cjs`, what `forge deploy` uploads), or, for fast tests, from the TypeScript
 * sources (`src/<module>.ts`). Resolvers, scheduled triggers and queue consumers all reach the app
 * through this table, so a function added to the manifest is loaded (and bundled) without more code.
 * Each call of a function runs in a container of that function (forge-runtime/containers.ts): by default a
 * pool of warm containers, each with its own copy of the app's modules, one invocation at a time; or one
 * shared container (`containers: { mode: 'shared' }`).
 * Call it after the Forge runtime hooks are installed: on Forge they exist before the app is loaded.
 */
import { join } from 'node:path';
import { ContainerPool, type ContainerOptions } from './forge-runtime/containers';
import { currentInvocation } from './forge-runtime/runtime';
import { PROJECT_ROOT, type AppManifest } from './manifest';

/** Where the app's code comes from: the sources, or the function bundle folder of a packaged app. */
export type AppCode = { from: 'sources' } | { from: 'bundle'; functionsDir: string };

/** A Forge function handler: (event or request, runtime context) → result. */
export type ForgeFunction = (event: never, context: never) => Promise<unknown>;

export interface AppFunctions {
  /**
   * The handler for a function key of manifest.yml; throws if the manifest or the code lacks it. Each call
   * runs in one of the function's containers; call it inside an invocation (runInvocation).
   */
  get(functionKey: string): ForgeFunction;
  readonly keys: string[];
  /** The containers the functions run in (cold and warm starts, for tests and benches). */
  readonly containers: ContainerPool;
}

export function loadAppFunctions(
  manifest: AppManifest,
  code: AppCode,
  containerOptions: ContainerOptions = {},
): AppFunctions {
  const containers = new ContainerPool(containerOptions);
  const handlers = new Map<string, ForgeFunction>();
  for (const fn of manifest.modules.function ?? []) {
    const key = String(fn.key);
    const [module, exportName, ...rest] = String(fn.handler).split('.');
    if (!module || !exportName || rest.length > 0) {
      throw new Error(`manifest.yml: function ${key} has handler ${String(fn.handler)}; expected <module>.<export>`);
    }
    const file = code.from === 'bundle' ? join(code.functionsDir, `${module}.cjs`) : join(PROJECT_ROOT, 'src', module);
    // Checked once up front (as `forge deploy` would refuse it); every container loads its own copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const probe = (require(file) as Record<string, unknown>)[exportName];
    if (typeof probe !== 'function') throw new Error(`${file} does not export a function ${exportName} (${key})`);
    const handler = (event: never, context: never) =>
      containers.run(
        key,
        file,
        (exports) => (exports[exportName] as ForgeFunction)(event, context),
        () => currentInvocation()?.expired === true,
      );
    handlers.set(key, handler);
  }
  return {
    containers,
    keys: [...handlers.keys()],
    get(functionKey) {
      const handler = handlers.get(functionKey);
      if (!handler) throw new Error(`manifest.yml declares no function ${functionKey}`);
      return handler;
    },
  };
}
