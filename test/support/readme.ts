/**
 * Reading the README's generated sections for the tests that compare them with their generators
 * (security-matrix-readme, scale-readme): the text between two markers, and a markdown table's cells.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/manifest';

/** The README's text between `startMarker` and `endMarker`, with where each was found (-1: not found). */
export function readmeSection(startMarker: string, endMarker: string): { start: number; end: number; text: string } {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  return { start, end, text: start >= 0 && end > start ? readme.slice(start, end) : '' };
}

/** A markdown table's cells, row by row, without padding and without its rule line. */
export function cells(table: string): string[][] {
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
