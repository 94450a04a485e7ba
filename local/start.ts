/**
 * `npm start`: the local Forge site running what Forge would ship. Packages the app with Forge's own
 * bundlers (`dist/package/`, reused when the sources are unchanged; the first run says what it is doing
 * and for how long), then starts the Jira simulator, the Forge runtime emulation with a file-backed KVS
 * (`.local-data/kvs.json`), the resolver host invoking the bundled `functions/index.cjs` (resolver,
 * triggers, consumers) and the browser host serving the bundled UI Kit resource, and prints the URL.
 *
 * The site's Jira state is kept beside the app's storage (`.local-data/jira-state.json`), so a restart
 * shows the same site the app's storage describes; when only one of the two exists (or the seed changed),
 * both start afresh. `npm start -- --clean` (or CLEAN=1) starts from a freshly seeded site and empty storage.
 * SIGINT and SIGTERM save the state, close every server and exit.
 * Options through the environment: PORT, SIM_PORT, SEED_USERS, CLEAN, LOCAL_DATA_DIR (default .local-data/).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { adminPageUi, buildHost } from './host/build-frontend';
import { startBrowserHost } from './host/browser-host';
import { startLocalSite } from './local-site';
import { PROJECT_ROOT } from './manifest';
import { packagedApp } from './package/packaged-app';
import { loadSiteState, saveSiteState } from './site-state-file';

const DATA_DIR = process.env.LOCAL_DATA_DIR ?? join(PROJECT_ROOT, '.local-data');
const KVS_FILE = join(DATA_DIR, 'kvs.json');
const STATE_FILE = join(DATA_DIR, 'jira-state.json');
/** How often the Jira state is saved while running (also on every stop). */
const SAVE_EVERY_MS = 15_000;
/** A stop that takes longer than this (a stuck socket) exits anyway. */
const STOP_GRACE_MS = 5_000;

const seconds = (since: number) => `${Math.round((Date.now() - since) / 1000)} s`;

/** Packages the app, printing each step and a line every 10 s while a step runs. */
async function packageWithProgress(): Promise<Awaited<ReturnType<typeof packagedApp>>> {
  const started = Date.now();
  let step = 'checking whether dist/package/ is up to date';
  console.info('Packaging the app with @forge/bundler (as forge deploy does); the first run takes about a minute.');
  const ticker = setInterval(() => console.info(`  … ${step} (${seconds(started)} so far)`), 10_000);
  try {
    const [pkg] = await Promise.all([
      packagedApp({
        onStep: (s) => {
          step = s;
          console.info(`  ${s}…`);
        },
      }),
      buildHost(),
    ]);
    console.info(
      pkg.reused
        ? '  dist/package/ is up to date (sources unchanged since it was built)'
        : `  packaged into dist/package/ in ${seconds(started)}`,
    );
    return pkg;
  } finally {
    clearInterval(ticker);
  }
}

/** The Jira state to start from: the saved one when it matches the app's storage, else a fresh seed. */
function startingState(seedUsers: number) {
  if (process.env.CLEAN === '1' || process.argv.includes('--clean')) {
    rmSync(DATA_DIR, { recursive: true, force: true });
    console.info('Clean start: a freshly seeded site and empty app storage (.local-data/ removed).');
    return undefined;
  }
  const saved = loadSiteState(STATE_FILE, seedUsers);
  if (saved.kind === 'loaded') {
    console.info(`Restoring the site as it was at ${saved.savedAt} (npm start -- --clean starts afresh).`);
    return saved.state;
  }
  if (existsSync(KVS_FILE)) {
    // App storage without the Jira it describes: keep neither, or the page would show accounts that don't exist.
    const why = saved.kind === 'incompatible' ? saved.reason : 'no Jira state was saved beside it';
    console.info(`Starting afresh: the app's storage is kept only with its Jira state (${why}).`);
    rmSync(DATA_DIR, { recursive: true, force: true });
  }
  return undefined;
}

async function main(): Promise<void> {
  const pkg = await packageWithProgress();
  const seedUsers = Number(process.env.SEED_USERS ?? 2000);
  const state = startingState(seedUsers);
  mkdirSync(DATA_DIR, { recursive: true });
  const site = await startLocalSite({
    port: Number(process.env.SIM_PORT ?? 0) || undefined,
    seed: { users: seedUsers },
    state,
    kvsFile: KVS_FILE,
    code: { from: 'bundle', functionsDir: pkg.functionsDir },
  });
  const save = () => saveSiteState(STATE_FILE, site.sim.state, seedUsers);
  save();
  const saver = setInterval(save, SAVE_EVERY_MS);
  const browser = await startBrowserHost({
    host: site.host,
    state: site.sim.state,
    port: Number(process.env.PORT ?? 3000),
    ui: adminPageUi(pkg.outDir),
  });
  console.info(`Jira simulator:  ${site.sim.url}  (Basic auth: ada.admin@example.com / ${site.sim.state.apiToken})`);
  console.info(`Local Forge site: ${browser.url}   ← open this; "Act as" switches the seeded user`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.info(`${signal}: saving the site and stopping…`);
    setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
    clearInterval(saver);
    try {
      save();
      await Promise.all([browser.close(), site.close()]);
    } finally {
      process.exit(0);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
  // Whatever started us (npm, a shell) went away without passing a signal on: stop too, never linger.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent exited');
  }, 1_000).unref();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
