/**
 * Bundles an app as `forge deploy` does, offline, with Forge's own bundlers from `@forge/bundler`:
 * the Node runtime bundler (webpack + ts-loader, which also type-checks) for every function module the
 * manifest names, and the native UI bundler (webpack production build, minified) for every UI Kit
 * resource. The manifest is read by `@forge/cli-shared`'s ConfigFile, as the CLI reads it. The runtime
 * wrapper and loader that the CLI downloads come from local stand-ins (runtime-stand-in/dist).
 *
 * Output (one folder): `functions/` as Forge uploads it (`<module>.cjs` + source maps, `__forge__.cjs`,
 * `__forge_wrapper__.cjs`, `runtime.json`) and `resources/<key>/` per UI Kit resource (`<key>.js`,
 * `index.html`, source map, assets).
 */
import { getNodeBundler, LocalWrapperProvider, NativeUIBundler } from '@forge/bundler';
import { ConfigFile, FileSystemReader, FileSystemWriter, type Logger } from '@forge/cli-shared';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/** The folder holding stand-in `dist/wrapper.js` and `dist/loader.js` for LocalWrapperProvider. */
export const RUNTIME_STAND_IN = join(__dirname, 'runtime-stand-in');

export interface PackagedApp {
  outDir: string;
  /** `functions/`: what Forge's Node runtime loads; `<module>.cjs` per handler module. */
  functionsDir: string;
  /** The handler modules bundled (`index` for `index.handler`). */
  modules: string[];
  /** UI Kit resources bundled, by manifest key, each in `resources/<key>/`. */
  resources: Array<{ key: string; dir: string }>;
  /** Wall time of each bundler (ms). */
  timings: { functions: number; resources: number };
}

/** Reads files relative to the app directory (the CLI reads `manifest.yml` from its working directory). */
class AppDirectoryReader extends FileSystemReader {
  constructor(private readonly appDir: string) {
    super();
  }
  override readFile(filePath: string): string | undefined {
    return super.readFile(isAbsolute(filePath) ? filePath : join(this.appDir, filePath));
  }
}

/** Forge's bundlers log through the CLI's logger; warnings and errors go to stderr, the rest is dropped. */
export function quietLogger(): Logger {
  return {
    traceEnabled: false,
    debugEnabled: false,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => console.warn(message),
    error: (error) => console.error(error.message),
  };
}

/** Bundles the app in `appDir` into `outDir` (emptied first). Rejects with webpack's errors if it cannot. */
export async function bundleApp(options: {
  appDir: string;
  outDir: string;
  logger?: Logger;
  /** Told as each step starts (`npm start` prints it, so a first run of a minute is not silent). */
  onStep?: (step: string) => void;
}): Promise<PackagedApp> {
  const appDir = resolve(options.appDir);
  const outDir = resolve(options.outDir);
  const logger = options.logger ?? quietLogger();
  const reader = new AppDirectoryReader(appDir);
  const config = new ConfigFile(reader, new FileSystemWriter());
  await rm(outDir, { recursive: true, force: true });
  const functionsDir = join(outDir, 'functions');

  // Function modules: one entry per module named by a handler (`index.handler` → src/index), as
  // @forge/bundler's getEntryPoints derives them, but anchored at appDir rather than the working directory.
  const handlers = await config.getAppHandlers();
  const modules = [...new Set(handlers.map((h) => h.module))];
  let started = Date.now();
  if (modules.length > 0) {
    options.onStep?.(
      `bundling the function module${modules.length === 1 ? '' : 's'} (${modules.join(', ')}) with webpack`,
    );
    const bundler = getNodeBundler(logger, new LocalWrapperProvider(reader, RUNTIME_STAND_IN), config);
    const output = await bundler.bundle({
      appDirectory: appDir,
      entryPoints: modules.map((name) => ({ name, path: join(appDir, 'src', name) })),
    });
    await cp(output.outputDir, functionsDir, { recursive: true });
    for (const [file, content] of output.additionalOutputs ?? []) {
      await mkdir(dirname(join(functionsDir, file)), { recursive: true });
      await writeFile(join(functionsDir, file), content);
    }
    await rm(output.outputDir, { recursive: true, force: true });
  }
  const functionsMs = Date.now() - started;

  // UI Kit resources: the resources a `render: native` module points at.
  started = Date.now();
  const nativeResources = await config.getResources(['nativeUI']);
  const resources: PackagedApp['resources'] = [];
  if (nativeResources.length > 0) {
    options.onStep?.(
      `bundling the UI Kit resource${nativeResources.length === 1 ? '' : 's'} (${nativeResources.map((r) => r.key).join(', ')})`,
    );
    const { nativeUiBundlesDetails } = await new NativeUIBundler(logger).bundleResources(
      nativeResources.map((r) => ({ ...r, path: join(appDir, r.path) })),
    );
    for (const bundle of nativeUiBundlesDetails) {
      const dir = join(outDir, 'resources', bundle.key);
      await cp(bundle.path, dir, { recursive: true });
      await rm(bundle.path, { recursive: true, force: true });
      resources.push({ key: bundle.key, dir });
    }
  }
  const resourcesMs = Date.now() - started;
  return { outDir, functionsDir, modules, resources, timings: { functions: functionsMs, resources: resourcesMs } };
}
