import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { BulkJobView, Envelope, RegistryPage, SiteSummary } from '../../src/contract';
import { adminPageUi, buildHost } from '../../local/host/build-frontend';
import { startBrowserHost, type BrowserHost } from '../../local/host/browser-host';
import { startLocalSite, type LocalSite } from '../../local/local-site';
import { PROJECT_ROOT, readManifest } from '../../local/manifest';
import { bundleApp, type PackagedApp } from '../../local/package/bundle-app';
import { budgetProblems, measureArtifacts } from '../../local/package/budgets';
import { packagedApp } from '../../local/package/packaged-app';
import { launchChromium } from '../support/chromium';
import { NAMED_USERS, SMALL_SITE } from '../support/site';

/**
 * The app as `forge deploy` bundles it: Forge's own bundlers (@forge/bundler's Node runtime bundler and
 * native UI bundler, webpack) package every function module and UI Kit resource the manifest names,
 * offline; the local site then runs those artifacts — an invoke through the bundled resolver, the
 * scheduled trigger from the bundle, the page rendered from the bundled `main.js` in Chromium. A
 * webpack failure (an import esbuild and tsx accept but webpack cannot resolve) fails this suite.
 */
const BUNDLING_MS = 10 * 60_000;
const manifest = readManifest();

describe('a build webpack cannot complete fails packaging, as it fails forge deploy', () => {
  const fixture = join(__dirname, '..', 'fixtures', 'unbundleable-app');
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'unbundleable-'));
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("esbuild (what tsx runs) resolves the fixture's `./greeting.js` import of a .ts file", async () => {
    const result = await build({
      entryPoints: [join(fixture, 'src', 'index.ts')],
      bundle: true,
      platform: 'node',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).toContain('Hello, ');
  });

  it("@forge/bundler's webpack build rejects it, naming the import, and leaves no function bundle", async () => {
    await expect(bundleApp({ appDir: fixture, outDir })).rejects.toThrow(/Can't resolve '\.\/greeting\.js'/);
    expect(existsSync(join(outDir, 'functions', 'index.cjs'))).toBe(false);
  });
});

describe("the app packaged with Forge's bundlers, run on the local site", () => {
  let pkg: PackagedApp;
  let site: LocalSite;
  let web: BrowserHost | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Bundles now unless dist/package/ was built from the same sources (a broken build rejects here).
    [pkg] = await Promise.all([packagedApp(), buildHost()]);
    site = await startLocalSite({ ...SMALL_SITE, code: { from: 'bundle', functionsDir: pkg.functionsDir } });
  }, BUNDLING_MS);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await site?.close();
  });

  it('holds a bundle for every function module the manifest names and every UI Kit resource, within budget', () => {
    const modules = new Set((manifest.modules.function ?? []).map((f) => String(f.handler).split('.')[0]));
    expect(new Set(pkg.modules)).toEqual(modules);
    for (const module of modules) {
      const bundle = readFileSync(join(pkg.functionsDir, `${module}.cjs`), 'utf8');
      // Webpack's output, not the sources: no TypeScript left, dependencies inlined.
      expect(bundle).toContain('__webpack_require__');
      expect(bundle).not.toMatch(/require\(["']@forge\/api["']\)/);
    }
    expect(existsSync(join(pkg.functionsDir, '__forge__.cjs'))).toBe(true);
    expect(existsSync(join(pkg.functionsDir, '__forge_wrapper__.cjs'))).toBe(true);
    const nativeKeys = new Set(
      Object.values(manifest.modules)
        .flat()
        .filter((m) => m.render === 'native' && typeof m.resource === 'string')
        .map((m) => String(m.resource)),
    );
    expect(new Set(pkg.resources.map((r) => r.key))).toEqual(nativeKeys);
    for (const r of pkg.resources) expect(existsSync(join(r.dir, `${r.key}.js`))).toBe(true);
    expect(budgetProblems(pkg, measureArtifacts(pkg))).toEqual([]);
  });

  it('loads every manifest function from the bundle, none from the sources', () => {
    const bundled = join(pkg.functionsDir, 'index.cjs');
    expect(site.functions.keys.sort()).toEqual((manifest.modules.function ?? []).map((f) => String(f.key)).sort());
    expect(Object.keys(require.cache)).toContain(bundled);
    expect(Object.keys(require.cache).filter((f) => f.startsWith(join(PROJECT_ROOT, 'src')))).toEqual([]);
  });

  it('answers invokes through the bundled resolver; the bundled crawl consumer builds the summary it shows', async () => {
    site.sim.meter.reset();
    const summary = async () =>
      (await site.host.invoke('getSiteSummary', {}, NAMED_USERS.siteAdmin.accountId)) as Envelope<SiteSummary>;
    const first = await summary();
    expect(first.ok && first.data.snapshot.building).toBe(true);
    expect(site.sim.meter.requests[0]?.principal).toBe(`user:${NAMED_USERS.siteAdmin.accountId}`);
    await site.queue.idle();
    const built = await summary();
    expect(built.ok && built.data.users?.total).toBe(site.sim.state.users.size);
    expect(site.queue.deliveries.filter((d) => d.outcome === 'success').length).toBeGreaterThan(0);
  });

  it('runs a bulk job through the bundled resolver and the bundled bulk consumer', async () => {
    const group = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId),
    );
    const job = (await site.host.invoke(
      'createBulkJob',
      { operation: 'add-users-to-group', accountIds: [person?.accountId], groupIds: [group?.groupId] },
      NAMED_USERS.siteAdmin.accountId,
    )) as Envelope<BulkJobView>;
    expect(job.ok).toBe(true);
    await site.queue.idle();
    expect(group?.members.has(String(person?.accountId))).toBe(true);
  });

  it('runs every scheduled trigger from the bundle; the bundled resolver then reports the health run', async () => {
    const listFunctional = async () =>
      (await site.host.invoke('listFunctional', {}, NAMED_USERS.siteAdmin.accountId)) as Envelope<RegistryPage>;
    const before = await listFunctional();
    expect(before.ok && before.data.lastCheck).toBeFalsy();
    const started = new Date().toISOString();
    const triggers = manifest.modules.scheduledTrigger ?? [];
    expect(triggers.map((t) => t.function)).toContain('start-health-check');
    for (const trigger of triggers) {
      await expect(site.runScheduledTrigger(String(trigger.key))).resolves.toEqual({ statusCode: 204 });
    }
    await site.queue.idle();
    const after = await listFunctional();
    expect(after.ok).toBe(true);
    if (after.ok) expect((after.data.lastCheck?.at ?? '') >= started).toBe(true);
  });

  it('renders the page from the bundled UI Kit resource in Chromium and invokes the bundled resolver', async () => {
    const ui = adminPageUi(pkg.outDir);
    web = await startBrowserHost({ host: site.host, state: site.sim.state, ui });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const scripts: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${web.url}/?as=${encodeURIComponent(NAMED_USERS.siteAdmin.accountId)}`);
    const users = page.getByTestId('summary-users');
    await users.waitFor({ timeout: 30_000 });
    expect(await users.innerText()).toContain(String(site.sim.state.users.size));
    expect(scripts).toContain(`/ui/${ui.entry}`);
    // The UI comes minified from webpack's production build, not from a development build of the sources.
    const served = await (await fetch(`${web.url}/ui/${ui.entry}`)).text();
    expect(served).toBe(readFileSync(join(ui.dir, ui.entry), 'utf8'));
    expect(served).not.toContain('react.development');

    await page.getByTestId('user-search').fill('Nils');
    await page.getByTestId(`open-${NAMED_USERS.noAccess.accountId}`).click({ timeout: 30_000 });
    await page.getByTestId('user-panel').getByText('nils.noaccess@example.com').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });
});
