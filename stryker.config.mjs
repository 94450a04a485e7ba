/**
 * StrykerJS: mutation testing of the security layer (`npm run mutation`, which runs local/mutation/run.ts).
 * Mutates only the modules in local/mutation/targets.cjs and tries each mutant against the security suites
 * that cover it (per-test coverage); mutants of module-level constants (`ignoreStatic: false`) run against
 * every suite in the mutation jest config. Incremental: results whose mutant and covering tests did not
 * change are reused from reports/mutation/incremental.json (a local cache, not committed: 0.8 MB of JSON
 * rewritten on every run), so a rerun after a small change takes minutes.
 */
import targets from './local/mutation/targets.cjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  plugins: ['@stryker-mutator/jest-runner'],
  jest: { projectType: 'custom', configFile: 'local/mutation/jest.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  ignoreStatic: false,
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  mutate: targets.targets().flatMap((t) => t.mutate),
  // The machine is shared: two test processes at most (STRYKER_CONCURRENCY=1 for one).
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 15_000,
  reporters: ['progress', 'clear-text', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: ['docs', 'reports', 'coverage', 'dist', '.local-data', 'bench'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
