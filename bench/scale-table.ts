/**
 * The scale bench's tables (issue 18 item 5): one row per admin action with every request the app made
 * (permission checks and 429s included and shown), the points Jira charged, and the action's minimum,
 * defined from Jira's API and the page's needs, never from the requests the app happened to make
 * (`minimum*` below, priced as local/jira-sim/points.ts publishes). `npm run bench:scale -- --write` puts
 * the tables between the README's `scale` markers; a test checks that the README's section has this format.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_POINTS, POINTS_PER_OBJECT } from '../local/jira-sim/points';

/** Jira's price of a read returning `n` users: 1 a request plus 2 a user. */
export const userRead = (n: number): number => BASE_POINTS + POINTS_PER_OBJECT.user * n;

export interface Minimum {
  requests: number;
  points: number;
}

/**
 * A page of people as the UI shows it: the one listing request that returns the page (`rows` people),
 * plus one `user/email/bulk` for the `hidden` rows whose email Jira hid (none when it hid none). A read
 * needs no permission request of its own: a resolver authorizes first, and a read may use the container's
 * answer for up to 60 s (src/invocation/authorization.ts); the bench's clicks follow each other within
 * seconds, so any permission request an action makes counts against it.
 */
export function minimumPage(rows: number, hidden: number): Minimum {
  return { requests: 1 + (hidden > 0 ? 1 : 0), points: userRead(rows) + (hidden > 0 ? userRead(hidden) : 0) };
}

/** Lookups of `found` of `pasted` accounts by id (`user/bulk`, 100 a request): all a preview needs. */
export function minimumLookups(pasted: number, found: number): Minimum {
  const requests = Math.ceil(pasted / 100);
  return { requests, points: requests * BASE_POINTS + POINTS_PER_OBJECT.user * found };
}

/**
 * Pasted emails: each email's account named (`user/bulk`, 100 a request) and its email confirmed by Jira
 * (`user/email/bulk`, 100 a request): the index holds keyed hashes only, so Jira must confirm each match.
 */
export function minimumPastedEmails(count: number): Minimum {
  const chunks = Math.ceil(count / 100);
  return { requests: 2 * chunks, points: 2 * chunks * BASE_POINTS + 2 * POINTS_PER_OBJECT.user * count };
}

/** Bulk adds: one write each (1 point), at Jira's burst rate for the write: N / rate seconds. */
export function minimumBulk(n: number, ratePerSecond: number): Minimum & { ms: number } {
  return { requests: n, points: n * BASE_POINTS, ms: (n / ratePerSecond) * 1000 };
}

export interface ScaleRow {
  action: string;
  /** Every request the action made: permission checks and 429-answered ones included. */
  requests: number;
  /** Of which `mypermissions` and `myself`. */
  permissionChecks: number;
  /** Of which answered 429. */
  limited: number;
  points: number;
  ms: number;
  min: Minimum;
  /** What the previous request pattern would cost at this size, when known. */
  naivePoints?: number;
}

export interface BulkFigures {
  n: number;
  rate: number;
  ms: number;
  requests: number;
  permissionChecks: number;
  limited: number;
  points: number;
  outcome: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '–');

export const SCALE_HEAD = [
  'action',
  'requests (permission checks, 429s)',
  'points',
  'wall ms',
  'minimum (req, pts)',
  'app / minimum (req, pts)',
  'naive / app (pts)',
];

export const BULK_HEAD = [
  'bulk adds',
  'requests (permission checks, 429s)',
  'points',
  'wall s',
  'N / rate (s)',
  'wall / (N / rate)',
  'outcome',
];

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
const rule = (head: string[]) => `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`;

/** The table of one site size. */
export function scaleTable(users: number, rows: ScaleRow[]): string {
  return [
    `#### ${fmt(users)} users`,
    '',
    line(SCALE_HEAD),
    rule(SCALE_HEAD),
    ...rows.map((r) =>
      line([
        r.action,
        `${fmt(r.requests)} (${fmt(r.permissionChecks)}, ${fmt(r.limited)})`,
        fmt(r.points),
        fmt(r.ms),
        `${fmt(r.min.requests)}, ${fmt(r.min.points)}`,
        `${ratio(r.requests, r.min.requests)}, ${ratio(r.points, r.min.points)}`,
        r.naivePoints ? ratio(r.naivePoints, r.points) : '–',
      ]),
    ),
  ].join('\n');
}

/** The bulk adds' table. */
export function bulkTable(b: BulkFigures): string {
  const ideal = minimumBulk(b.n, b.rate).ms;
  return [
    line(BULK_HEAD),
    rule(BULK_HEAD),
    line([
      `${fmt(b.n)} adds at ${fmt(b.rate)}/s`,
      `${fmt(b.requests)} (${fmt(b.permissionChecks)}, ${fmt(b.limited)})`,
      fmt(b.points),
      (b.ms / 1000).toFixed(1),
      (ideal / 1000).toFixed(1),
      (b.ms / ideal).toFixed(3),
      b.outcome,
    ]),
  ].join('\n');
}

export const SCALE_START = '<!-- scale:start -->';
export const SCALE_END = '<!-- scale:end -->';

/** Replaces the README's generated section (between the markers), formatted as prettier would. */
export async function writeReadmeScale(markdown: string, file = join(__dirname, '..', 'README.md')): Promise<boolean> {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(SCALE_START);
  const b = text.indexOf(SCALE_END);
  if (a < 0 || b < a) return false;
  const next = `${text.slice(0, a + SCALE_START.length)}\n${markdown}\n${text.slice(b)}`;
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(next, { ...config, filepath: file }));
  return true;
}
