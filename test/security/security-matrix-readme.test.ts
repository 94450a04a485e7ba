import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/manifest';
import { matrixMarkdown, matrixRows } from '../../local/security-matrix';

/** A markdown table's cells, row by row, without padding and without its rule line. */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    )
    .filter((row) => !row.every((c) => /^:?-+:?$/.test(c)));
}

/**
 * The README's security matrix is what local/security-matrix.ts generates (`npm run security:matrix --
 * --write` rewrites it): a key, module or identity added without regenerating the README fails here.
 */
describe('README security matrix', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- security-matrix:start -->');
  const end = readme.indexOf('<!-- security-matrix:end -->');

  it('has the generated section', () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
  });

  it('equals the generator’s table, row for row and cell for cell', () => {
    const inReadme = cells(readme.slice(start, end));
    const generated = cells(matrixMarkdown());
    expect(generated).toHaveLength(matrixRows().length + 1);
    expect(inReadme).toEqual(generated);
  });
});
