/**
 * `npm run package`: bundles the app with Forge's own bundlers, offline, into `dist/package/` (see
 * bundle-app.ts), then prints each artifact's size beside its budget (budgets.ts). Exits non-zero when
 * bundling fails or an artifact is over budget.
 */
import { relative } from 'node:path';
import { PROJECT_ROOT } from '../manifest';
import { budgetProblems, formatReport, measureArtifacts } from './budgets';
import { packagedApp } from './packaged-app';

async function main(): Promise<number> {
  const started = Date.now();
  const pkg = await packagedApp({ force: true });
  const sizes = measureArtifacts(pkg);
  console.info(
    `Packaged with @forge/bundler into ${relative(PROJECT_ROOT, pkg.outDir)}/ in ${seconds(Date.now() - started)}`,
  );
  console.info(`  functions (${pkg.modules.join(', ')}): ${seconds(pkg.timings.functions)}`);
  console.info(`  UI Kit resources (${pkg.resources.map((r) => r.key).join(', ')}): ${seconds(pkg.timings.resources)}`);
  console.info('');
  console.info(formatReport(sizes));
  const problems = budgetProblems(pkg, sizes);
  for (const p of problems) console.error(`✗ ${p}`);
  return problems.length === 0 ? 0 : 1;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

void main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
