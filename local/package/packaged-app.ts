/**
 * The app as Forge would ship it, in `dist/package/`: built by `npm run package` (always) and by
 * `npm start` and the tests that run the bundles (only when the inputs changed). The inputs are the
 * sources, the manifest, tsconfig, the lockfile and this packaging code; their SHA-256 is kept next to
 * the artifacts (`package-info.json`), so an unchanged app is not bundled twice. Parallel Jest workers
 * share one build through a lock directory; the new package replaces the old one by rename.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../manifest';
import { bundleApp, type PackagedApp } from './bundle-app';

export const PACKAGE_DIR = join(PROJECT_ROOT, 'dist', 'package');
const INFO_FILE = 'package-info.json';
const LOCK_DIR = `${PACKAGE_DIR}.lock`;
const LOCK_WAIT_MS = 10 * 60_000;

const INPUTS = ['src', 'manifest.yml', 'tsconfig.json', 'package-lock.json', 'local/package'];

interface PackageInfo {
  inputsHash: string;
  modules: string[];
  resources: string[];
  timings: PackagedApp['timings'];
}

function inputFiles(path: string): string[] {
  const full = join(PROJECT_ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((name) => inputFiles(join(path, name)));
}

/** SHA-256 over the names and contents of every input file. */
export function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(inputFiles)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(PROJECT_ROOT, file)));
  }
  return hash.digest('hex');
}

function fromInfo(outDir: string, info: PackageInfo): PackagedApp {
  return {
    outDir,
    functionsDir: join(outDir, 'functions'),
    modules: info.modules,
    resources: info.resources.map((key) => ({ key, dir: join(outDir, 'resources', key) })),
    timings: info.timings,
  };
}

async function readInfo(): Promise<PackageInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(PACKAGE_DIR, INFO_FILE), 'utf8')) as PackageInfo;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Holds `dist/package.lock` while `fn` runs; waits for another live holder, takes over a dead one's. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(join(PROJECT_ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(await readFile(join(LOCK_DIR, 'pid'), 'utf8').catch(() => '0'));
      if (holder && !alive(holder)) await rm(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${relative(PROJECT_ROOT, LOCK_DIR)} held by pid ${holder}`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * The packaged app in `dist/package/`, bundled now with Forge's bundlers unless the package there was
 * built from the same inputs (`force` always bundles). Rejects with the bundler's errors.
 */
export async function packagedApp(
  options: { force?: boolean; onStep?: (step: string) => void } = {},
): Promise<PackagedApp & { reused: boolean }> {
  return withLock(async () => {
    const hash = inputsHash();
    const current = await readInfo();
    if (!options.force && current?.inputsHash === hash) return { ...fromInfo(PACKAGE_DIR, current), reused: true };
    const building = `${PACKAGE_DIR}.${process.pid}.tmp`;
    const built = await bundleApp({ appDir: PROJECT_ROOT, outDir: building, onStep: options.onStep }).catch(
      async (err: unknown) => {
        await rm(building, { recursive: true, force: true });
        throw err;
      },
    );
    const info: PackageInfo = {
      inputsHash: hash,
      modules: built.modules,
      resources: built.resources.map((r) => r.key),
      timings: built.timings,
    };
    await writeFile(join(building, INFO_FILE), JSON.stringify(info, null, 2));
    const old = `${PACKAGE_DIR}.${process.pid}.old`;
    if (existsSync(PACKAGE_DIR)) await rename(PACKAGE_DIR, old);
    await rename(building, PACKAGE_DIR);
    await rm(old, { recursive: true, force: true });
    return { ...fromInfo(PACKAGE_DIR, info), reused: false };
  });
}
