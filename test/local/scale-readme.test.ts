import {
  BULK_HEAD,
  bulkTable,
  minimumLookups,
  minimumPage,
  SCALE_END,
  SCALE_HEAD,
  SCALE_START,
  scaleTable,
} from '../../bench/scale-table';
import { cells, readmeSection } from '../support/readme';

const RATIO = /^(\d+\.\d{2}|–), (\d+\.\d{2}|–)$/;
const COUNTS = /^[\d,]+ \([\d,]+, [\d,]+\)$/;

/**
 * The README's scale tables are what `npm run bench:scale -- --write` writes (bench/scale-table.ts): the same
 * headers, and every row in the generator's format (requests with permission checks and 429s, the minimum,
 * both ratios). A table pasted by hand in another format, or a generator changed without rewriting the
 * README, fails here. The figures themselves come from a bench run, so only their form is checked.
 */
describe('README scale tables', () => {
  const { start, end, text: section } = readmeSection(SCALE_START, SCALE_END);

  it('has the generated section', () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
  });

  it('has the generator’s headers and every row in its format', () => {
    const all = cells(section);
    const rows = all.slice(
      0,
      all.findIndex((r) => r[0] === BULK_HEAD[0]),
    );
    const heads = rows.filter((r) => r[0] === SCALE_HEAD[0]);
    expect(heads.length).toBeGreaterThan(0);
    for (const h of heads) expect(h).toEqual(SCALE_HEAD);
    const actions = rows.filter((r) => r[0] !== SCALE_HEAD[0]);
    expect(actions.length).toBeGreaterThan(0);
    for (const r of actions) {
      expect(r).toHaveLength(SCALE_HEAD.length);
      expect(r[1]).toMatch(COUNTS);
      expect(r[4]).toMatch(/^[\d,]+, [\d,]+$/);
      expect(r[5]).toMatch(RATIO);
    }
    expect(rows.some((r) => r[0] === 'group member page (after opening the Groups tab)')).toBe(true);
    expect(rows.some((r) => r[0] === 'customers page (after desk list)')).toBe(true);
    expect(rows.some((r) => r[0]?.startsWith('desk-add preview'))).toBe(true);
  });

  it('has the bulk adds’ table in the generator’s format', () => {
    const rows = cells(section);
    const head = rows.findIndex((r) => r[0] === BULK_HEAD[0]);
    expect(head).toBeGreaterThanOrEqual(0);
    expect(rows[head]).toEqual(BULK_HEAD);
    const bulk = rows[head + 1] ?? [];
    expect(bulk[0]).toMatch(/^[\d,]+ adds at [\d,]+\/s$/);
    expect(bulk[1]).toMatch(COUNTS);
    expect(bulk[5]).toMatch(/^\d+\.\d{3}$/);
  });

  it('the generator prints what it is given, with the minimum defined apart from the app', () => {
    const min = minimumPage(50, 4);
    expect(min).toEqual({ requests: 2, points: 101 + 9 });
    expect(minimumLookups(200, 199)).toEqual({ requests: 2, points: 2 + 398 });
    const table = scaleTable(2000, [
      { action: 'x', requests: 3, permissionChecks: 1, limited: 0, points: 120, ms: 10, min },
    ]);
    expect(cells(table)).toEqual([SCALE_HEAD, ['x', '3 (1, 0)', '120', '10', '2, 110', '1.50, 1.09', '–']]);
    const bulk = bulkTable({
      n: 5000,
      rate: 100,
      ms: 52_000,
      requests: 5100,
      permissionChecks: 100,
      limited: 0,
      points: 5200,
      outcome: 'done',
    });
    expect(cells(bulk)[1]).toEqual(['5,000 adds at 100/s', '5,100 (100, 0)', '5,200', '52.0', '50.0', '1.040', 'done']);
  });
});
