/**
 * Everything the browser host serves. The host's own renderer (`local/host/browser/main.tsx`: the
 * bridge and the Atlaskit components Jira renders UI Kit with) is bundled with esbuild into `dist/web/`
 * (`host.js`, `host.css`); it stands in for Jira and is never deployed. The app's UI Kit page is what
 * Forge ships: the `main` resource built by Forge's native UI bundler (webpack, production, minified)
 * in `dist/package/resources/<key>/`, bundled again only when the app's inputs changed (packaged-app.ts).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { PROJECT_ROOT, readManifest } from '../manifest';
import { PACKAGE_DIR, packagedApp } from '../package/packaged-app';

export const WEB_DIR = join(PROJECT_ROOT, 'dist', 'web');

/** A UI Kit resource as Forge's bundler emitted it: its folder and its entry script (`<key>.js`). */
export interface UiBundle {
  dir: string;
  entry: string;
}

/** The packaged resource the admin page module renders (manifest `jira:adminPage[0].resource`). */
export function adminPageUi(packageDir = PACKAGE_DIR): UiBundle {
  const key = String(readManifest().modules['jira:adminPage']?.[0]?.resource ?? 'main');
  return { dir: join(packageDir, 'resources', key), entry: `${key}.js` };
}

/** Bundles the host renderer (esbuild) and makes sure the app's packaged UI is current; returns the UI. */
export async function buildFrontend(): Promise<UiBundle> {
  const [pkg] = await Promise.all([packagedApp(), buildHost()]);
  return adminPageUi(pkg.outDir);
}

export async function buildHost(): Promise<void> {
  await build({
    bundle: true,
    platform: 'browser',
    target: 'es2020',
    // The host stands in for Jira's own page, which runs production React and Atlaskit: no development-only
    // warnings from Atlaskit's dependencies (react-focus-lock's defaultProps) on every load.
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    logLevel: 'error',
    sourcemap: false,
    entryPoints: { host: join(PROJECT_ROOT, 'local', 'host', 'browser', 'main.tsx') },
    outdir: WEB_DIR,
  });
}

if (require.main === module) {
  void buildFrontend().then((ui) => console.info(`built ${WEB_DIR} (host) and ${ui.dir} (app UI)`));
}
