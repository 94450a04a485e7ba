/**
 * `npm start`: the local Forge site running what Forge would ship. Packages the app with Forge's own
 * bundlers (`dist/package/`, reused when the sources are unchanged), then starts the Jira simulator with
 * the default seeded site (2,000 users), the Forge runtime emulation with a file-backed KVS
 * (`.local-data/kvs.json`), the resolver host invoking the bundled `functions/index.cjs` (resolver,
 * triggers, consumers) and the browser host serving the bundled UI Kit resource, and prints the URL.
 * Options through the environment: PORT, SIM_PORT, SEED_USERS.
 */
import { join } from 'node:path';
import { adminPageUi, buildHost } from './host/build-frontend';
import { startBrowserHost } from './host/browser-host';
import { startLocalSite } from './local-site';
import { PROJECT_ROOT } from './manifest';
import { packagedApp } from './package/packaged-app';

async function main(): Promise<void> {
  const started = Date.now();
  console.info('Packaging the app with @forge/bundler (as forge deploy does)…');
  const [pkg] = await Promise.all([packagedApp(), buildHost()]);
  console.info(
    pkg.reused
      ? `Using dist/package/ (sources unchanged since it was built)`
      : `Packaged into dist/package/ in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const site = await startLocalSite({
    port: Number(process.env.SIM_PORT ?? 0) || undefined,
    seed: { users: Number(process.env.SEED_USERS ?? 2000) },
    kvsFile: join(PROJECT_ROOT, '.local-data', 'kvs.json'),
    code: { from: 'bundle', functionsDir: pkg.functionsDir },
  });
  const browser = await startBrowserHost({
    host: site.host,
    state: site.sim.state,
    port: Number(process.env.PORT ?? 3000),
    ui: adminPageUi(pkg.outDir),
  });
  console.info(`Jira simulator:  ${site.sim.url}  (Basic auth: ada.admin@example.com / ${site.sim.state.apiToken})`);
  console.info(`Local Forge site: ${browser.url}   ← open this; "Act as" switches the seeded user`);
  const stop = async () => {
    await browser.close();
    await site.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
