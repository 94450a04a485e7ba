import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runForgeChecks } from '../../local/forge-checks/run';
import { PROJECT_ROOT } from '../../local/manifest';

/**
 * Forge's own validators, offline: the manifest passes `@forge/manifest` full validation and
 * `@forge/lint`'s client-side linters; and the permission linter really catches a missing scope.
 */
describe('Forge checks', () => {
  it('finds no errors in manifest.yml and src/', async () => {
    const problems = await runForgeChecks();
    expect(problems.filter((p) => p.level === 'error')).toEqual([]);
  });

  it('reports a scope removed from the manifest, as forge lint would', async () => {
    const variant = join(PROJECT_ROOT, '.tmp-manifest-missing-scope.yml');
    const manifest = readFileSync(join(PROJECT_ROOT, 'manifest.yml'), 'utf8');
    writeFileSync(variant, manifest.replace(/\n\s+read:servicedesk-request:\n\s+allowImpersonation: true/, ''));
    try {
      const problems = await runForgeChecks(variant);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            source: 'lint',
            level: 'error',
            message: expect.stringContaining('requires "read:servicedesk-request" scope'),
          }),
        ]),
      );
    } finally {
      rmSync(variant, { force: true });
    }
  });
});
