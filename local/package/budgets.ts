/**
 * Size budgets for what `npm run package` builds, and the report it prints. Forge's own hard limits are
 * far away (a UI resource may hold 5,000 files and 100 MB, https://developer.atlassian.com/platform/forge/limits-resource/),
 * so the budgets are ours: about twice today's size, so that the app's own growth passes and a dependency
 * pulled in by mistake (a UI library in a resolver, a whole SDK where one call was meant) fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { PackagedApp } from './bundle-app';

const KB = 1024;

export interface Budget {
  /** Budgeted bytes, uncompressed. */
  bytes: number;
  why: string;
}

/**
 * The function bundle is parsed on every cold start of every function (resolver, trigger, consumers),
 * before the first Jira call; 445 KB on 26 Nov 2026 (resolvers, triggers, queue consumers).
 */
export const FUNCTION_BUNDLE_BUDGET: Budget = {
  bytes: 896 * KB,
  why: 'functions: parsed on every cold start of every function; ~2× the 445 KB of 26 Nov 2026',
};

/**
 * A UI Kit resource's JavaScript (entry plus lazy chunks, minified) is downloaded and parsed each time an
 * administrator opens the page; 325 KB on 26 Nov 2026.
 */
export const UI_RESOURCE_BUDGET: Budget = {
  bytes: 640 * KB,
  why: 'UI: downloaded and parsed whenever the page opens; ~2× the 325 KB of 26 Nov 2026',
};

/** Forge's documented per-resource limits (limits-resource): files and total size. */
export const FORGE_RESOURCE_LIMITS = { files: 5000, bytes: 100 * KB * KB };

export interface ArtifactSize {
  /** Path relative to the package folder. */
  name: string;
  bytes: number;
  gzipBytes: number;
  budget?: Budget;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function measure(outDir: string, files: string[], name: string, budget?: Budget): ArtifactSize {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(file);
    bytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { name: name || relative(outDir, files[0] ?? outDir), bytes, gzipBytes, budget };
}

/** One row per function module (`functions/<module>.cjs`) and one per UI resource (all its .js files). */
export function measureArtifacts(pkg: PackagedApp): ArtifactSize[] {
  const rows: ArtifactSize[] = pkg.modules.map((module) =>
    measure(pkg.outDir, [join(pkg.functionsDir, `${module}.cjs`)], `functions/${module}.cjs`, FUNCTION_BUNDLE_BUDGET),
  );
  for (const resource of pkg.resources) {
    const js = filesUnder(resource.dir).filter((f) => f.endsWith('.js'));
    const label = `resources/${resource.key}/*.js (${js.length} file${js.length === 1 ? '' : 's'})`;
    rows.push(measure(pkg.outDir, js, label, UI_RESOURCE_BUDGET));
  }
  return rows;
}

/** Problems with the package: budgets exceeded, or a resource beyond Forge's own limits. */
export function budgetProblems(pkg: PackagedApp, sizes: ArtifactSize[]): string[] {
  const problems = sizes
    .filter((s) => s.budget && s.bytes > s.budget.bytes)
    .map((s) => `${s.name} is ${kb(s.bytes)}, over its ${kb(s.budget?.bytes ?? 0)} budget (${s.budget?.why})`);
  for (const resource of pkg.resources) {
    const files = filesUnder(resource.dir);
    const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    if (files.length > FORGE_RESOURCE_LIMITS.files || bytes > FORGE_RESOURCE_LIMITS.bytes) {
      problems.push(`resource ${resource.key} has ${files.length} files, ${kb(bytes)}: beyond Forge's resource limits`);
    }
  }
  return problems;
}

export function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

/** The table `npm run package` prints. */
export function formatReport(sizes: ArtifactSize[]): string {
  const width = Math.max(...sizes.map((s) => s.name.length), 8);
  const lines = [
    `${'artifact'.padEnd(width)}  ${'size'.padStart(10)}  ${'gzip'.padStart(10)}  ${'budget'.padStart(10)}`,
  ];
  for (const s of sizes) {
    const budget = s.budget ? kb(s.budget.bytes) : '';
    const over = s.budget && s.bytes > s.budget.bytes ? '  OVER BUDGET' : '';
    lines.push(
      `${s.name.padEnd(width)}  ${kb(s.bytes).padStart(10)}  ${kb(s.gzipBytes).padStart(10)}  ${budget.padStart(10)}${over}`,
    );
  }
  const whys = [...new Set(sizes.flatMap((s) => (s.budget ? [s.budget.why] : [])))];
  return [...lines, '', ...whys.map((w) => `budget: ${w}`)].join('\n');
}
