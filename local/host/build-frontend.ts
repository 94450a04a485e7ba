/**
 * Bundles the two browser scripts with esbuild: the app's UI Kit entry (`src/frontend/index.tsx`, the
 * manifest's `main` resource) and the browser host's renderer with Atlaskit (whose CSS comes out as a
 * separate `host.css`). Output: `dist/web/`.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { PROJECT_ROOT, readManifest } from '../manifest';

export const WEB_DIR = join(PROJECT_ROOT, 'dist', 'web');

export async function buildFrontend(): Promise<void> {
  const main = readManifest().resources.find((r) => r.key === 'main');
  if (!main) throw new Error('manifest.yml has no `main` resource');
  const common = {
    bundle: true,
    platform: 'browser' as const,
    target: 'es2020',
    define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
    loader: {
      '.svg': 'dataurl' as const,
      '.png': 'dataurl' as const,
      '.woff': 'dataurl' as const,
      '.woff2': 'dataurl' as const,
    },
    logLevel: 'error' as const,
    sourcemap: false,
  };
  await Promise.all([
    build({ ...common, entryPoints: { app: join(PROJECT_ROOT, main.path) }, outdir: WEB_DIR }),
    build({
      ...common,
      // The host stands in for Jira's own page, which runs production React and Atlaskit: no development-only
      // warnings from Atlaskit's dependencies (react-focus-lock's defaultProps) on every load.
      define: { ...common.define, 'process.env.NODE_ENV': '"production"' },
      entryPoints: { host: join(PROJECT_ROOT, 'local', 'host', 'browser', 'main.tsx') },
      outdir: WEB_DIR,
    }),
  ]);
}

if (require.main === module) {
  void buildFrontend().then(() => console.info(`built ${WEB_DIR}`));
}
