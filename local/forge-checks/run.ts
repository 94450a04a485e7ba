/**
 * Forge's own checks, offline: validates manifest.yml with `@forge/manifest` (full validation, as
 * `forge deploy` does) and runs `@forge/lint`'s client-side linters (`forge lint`) over src/, with the
 * permission linter reading the OpenAPI specs kept in local/specs. Exits non-zero on any error.
 */
import { lint } from '@forge/lint';
import { validate } from '@forge/manifest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../manifest';

const SPECS = join(PROJECT_ROOT, 'local', 'specs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(tsx?|jsx?)$/.test(name) ? [relative(PROJECT_ROOT, full)] : [];
  });
}

export interface ForgeCheckProblem {
  source: 'manifest' | 'lint';
  file: string;
  line?: number;
  message: string;
  level: 'error' | 'warning';
}

export async function runForgeChecks(manifestFile = 'manifest.yml'): Promise<ForgeCheckProblem[]> {
  process.chdir(PROJECT_ROOT);
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: join(SPECS, 'jira-platform-v3.json'),
    LOCAL_JSM_SWAGGER: join(SPECS, 'jira-servicedesk.json'),
    LOCAL_JSW_SWAGGER: join(SPECS, 'empty-paths.json'),
    LOCAL_CONF_SWAGGER: join(SPECS, 'empty-paths.json'),
    LOCAL_CONF_V2_SWAGGER: join(SPECS, 'empty-paths.json'),
    LOCAL_BB_SWAGGER: join(SPECS, 'empty-paths.json'),
  });
  const problems: ForgeCheckProblem[] = [];
  const validation = await validate(false, manifestFile);
  for (const e of validation.errors ?? []) {
    problems.push({
      source: 'manifest',
      file: manifestFile,
      line: e.line,
      message: `${e.message} (${e.reference})`,
      level: e.level === 'warning' ? 'warning' : 'error',
    });
  }
  if (!validation.success || !validation.manifestObject?.typedContent) return problems;
  const quiet = {
    info: () => undefined,
    debug: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    trace: () => undefined,
  };
  const statsig = { getDeprecatedRuntimes: async () => [] } as never;
  const results = await lint(
    sourceFiles(join(PROJECT_ROOT, 'src')),
    validation.manifestObject.typedContent as never,
    'development',
    quiet as never,
    statsig,
    { linter: { mode: 'client-side' } },
  );
  for (const r of results) {
    for (const e of r.errors)
      problems.push({ source: 'lint', file: r.file, line: e.line, message: e.message, level: 'error' });
    for (const w of r.warnings)
      problems.push({ source: 'lint', file: r.file, line: w.line, message: w.message, level: 'warning' });
  }
  return problems;
}

if (require.main === module) {
  void runForgeChecks().then(
    (problems) => {
      for (const p of problems)
        console.info(`${p.level.toUpperCase()} [${p.source}] ${p.file}${p.line ? `:${p.line}` : ''} ${p.message}`);
      const errors = problems.filter((p) => p.level === 'error').length;
      console.info(`forge checks: ${errors} error(s), ${problems.length - errors} warning(s)`);
      process.exitCode = errors > 0 ? 1 : 0;
    },
    (err: unknown) => {
      console.error('forge checks failed to run:', err);
      process.exitCode = 2;
    },
  );
}
