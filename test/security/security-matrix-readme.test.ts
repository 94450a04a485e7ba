import { matrixMarkdown, matrixRows } from '../../local/security-matrix';
import { cells, readmeSection } from '../support/readme';

/**
 * The README's security matrix is what local/security-matrix.ts generates (`npm run security:matrix --
 * --write` rewrites it): a key, module or identity added without regenerating the README fails here.
 */
describe('README security matrix', () => {
  const { start, end, text } = readmeSection('<!-- security-matrix:start -->', '<!-- security-matrix:end -->');

  it('has the generated section', () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
  });

  it('equals the generator’s table, row for row and cell for cell', () => {
    const inReadme = cells(text);
    const generated = cells(matrixMarkdown());
    expect(generated).toHaveLength(matrixRows().length + 1);
    expect(inReadme).toEqual(generated);
  });
});
