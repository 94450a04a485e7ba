/**
 * `npm start`: the local Forge site. Starts the Jira simulator with the default seeded site (2,000
 * users), the Forge runtime emulation with a file-backed KVS (`.local-data/kvs.json`), the resolver host
 * and the browser host, and prints the URL. Options through the environment: PORT, SIM_PORT, SEED_USERS.
 */
import { join } from 'node:path';
import { buildFrontend } from './host/build-frontend';
import { startBrowserHost } from './host/browser-host';
import { startLocalSite } from './local-site';
import { PROJECT_ROOT } from './manifest';

async function main(): Promise<void> {
  const site = await startLocalSite({
    port: Number(process.env.SIM_PORT ?? 0) || undefined,
    seed: { users: Number(process.env.SEED_USERS ?? 2000) },
    kvsFile: join(PROJECT_ROOT, '.local-data', 'kvs.json'),
  });
  await buildFrontend();
  const browser = await startBrowserHost({
    host: site.host,
    state: site.sim.state,
    port: Number(process.env.PORT ?? 3000),
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
