import type { AuditEntryView, Envelope } from '../../src/contract';
import { neutraliseCsvCell } from '../../src/features/audit/audit';
import { auditKey } from '../../src/features/audit/audit-store';
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

type Part = { csv: string; rows: number; truncated: boolean; nextCursor?: string };

/** RFC 4180 parsing (quoted cells, doubled quotes, line breaks inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  row.push(cell);
  rows.push(row);
  return rows;
}

/** Invisible characters an importer may drop, written out (not by Unicode property, so the test does not copy the code). */
const INVISIBLES = [
  '\u200b', // zero-width space
  '\u200c', // zero-width non-joiner
  '\u200d', // zero-width joiner
  '\u200e', // left-to-right mark
  '\u200f', // right-to-left mark
  '\u202a', // left-to-right embedding
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u2069', // pop directional isolate
  '\u2060', // word joiner
  '\ufeff', // byte order mark
  '\u00ad', // soft hyphen
  '\u061c', // Arabic letter mark
  '\u180e', // Mongolian vowel separator
  '\u3164', // Hangul filler
  '\ufe0f', // variation selector 16
  '\u{e0020}', // tag space
];
const STRIP = new RegExp(INVISIBLES.join('|'), 'gu');

/**
 * What a spreadsheet would treat as a formula, assuming the worst importer: one that drops every invisible
 * character, then skips leading whitespace before = + - @ (or sees a tab/CR first).
 */
const runsAsFormula = (cell: string) => {
  const seen = cell.replace(STRIP, '');
  return /^[\t\r]/.test(seen) || /^[\s\0]*[=+\-@＝＋－＠]/.test(seen);
};

const PROBES = [
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\t=1+1',
  '\r=1+1',
  ' =HYPERLINK("http://x.example")',
  '   +cmd',
  '\n-2',
  '\u00a0@x',
  '＝1+1',
  '\0=1',
  '\t',
  '\r',
  ...INVISIBLES.map((c) => `${c}=1+1`),
  '\u200b\u200b =cmd|"/c calc"!A1',
  '\ufeff\u200e +1',
  ' \u200b@SUM(A1)',
  '\u00a0\u202e-2',
];

describe('CSV neutralisation (OWASP CSV Injection)', () => {
  it.each(PROBES)('neutralises %j', (probe) => {
    const out = neutraliseCsvCell(probe);
    expect(out).toBe(`'${probe}`);
    expect(runsAsFormula(out)).toBe(false);
  });

  it.each(INVISIBLES)('quotes a cell that starts with the invisible %j whatever follows', (c) => {
    expect(neutraliseCsvCell(`${c}plain`)).toBe(`'${c}plain`);
  });

  it.each([
    'plain',
    'a=b',
    'Team - web',
    'x@y',
    '',
    ' leading space',
    "'quoted",
    'a\u200b=b',
    'Zoë',
    // Tab, line breaks and NUL only start a formula at the beginning of the cell.
    'line one\nline two',
    'a\tb',
    'a\rb',
    'a\u0000b',
  ])('leaves %j as it is', (text) => {
    expect(neutraliseCsvCell(text)).toBe(text);
  });
});

describe('audit CSV export through the resolver', () => {
  let site: LocalSite;
  const ADMIN = NAMED_USERS.siteAdmin.accountId;
  const put = (entry: AuditEntryView, at: Date) =>
    site.kvs.handle('/api/v1/set', { key: auditKey(at, entry.id), value: entry });
  const entry = (i: number, fields: Partial<AuditEntryView> = {}): AuditEntryView => ({
    id: `e${String(i).padStart(5, '0')}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    actor: 'system-probe',
    action: 'group.member.add',
    targetType: 'group',
    targetId: `g${i}`,
    result: 'failed',
    ...fields,
  });
  /** Every part, as the Audit tab asks for them; each answer goes through the host's 5 MB check. */
  async function exportAll(payload: Record<string, unknown> = {}): Promise<{ parts: Part[]; text: string }> {
    const parts: Part[] = [];
    let cursor: string | undefined;
    do {
      const res = await invokeAs<Envelope<Part>>(site, ADMIN, 'exportAuditCsv', { ...payload, cursor });
      if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
      expect(Buffer.byteLength(JSON.stringify(res), 'utf8')).toBeLessThan(FORGE_LIMITS.invokeResponseBytes);
      parts.push(res.data);
      cursor = res.data.nextCursor;
    } while (cursor);
    return {
      parts,
      text: parts
        .map((p) => p.csv)
        .filter(Boolean)
        .join('\n'),
    };
  }

  beforeEach(async () => {
    // 5,000 audit entries written and exported in seconds: KVS's per-minute budget is for real use, not this.
    site = await startTestSite({ seed: { users: 50, groups: 5, serviceDesks: 1 }, kvsRateLimits: false });
  });
  afterEach(() => site.close());

  it('neutralises every probe in every column a person can influence', async () => {
    PROBES.forEach((probe, i) =>
      put(
        entry(i, { targetLabel: probe, objectLabel: probe, detail: probe, objectId: probe }),
        new Date(Date.UTC(2026, 0, 1) + i * 1000),
      ),
    );
    const { parts, text } = await exportAll();
    expect(parts).toHaveLength(1);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(PROBES.length + 1);
    for (const row of rows.slice(1)) for (const cell of row) expect(runsAsFormula(cell)).toBe(false);
    const labels = rows.slice(1).map((r) => r[rows[0]?.indexOf('Target') ?? -1]);
    expect(labels.sort()).toEqual(PROBES.map((p) => `'${p}`).sort());
  });

  it('exports 5,000 entries with long reasons (over 5 MB in all) in parts that each fit Forge’s limit', async () => {
    const reason = 'Jira answered: '.padEnd(1_400, 'reason ');
    const total = 5000;
    for (let i = 0; i < total; i += 1)
      put(entry(i, { detail: `${reason} #${i}` }), new Date(Date.UTC(2026, 0, 1) + i * 1000));
    const { parts, text } = await exportAll();
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(FORGE_LIMITS.invokeResponseBytes);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)?.truncated).toBe(false);
    expect(parts.at(-1)?.nextCursor).toBeUndefined();
    expect(parts.reduce((n, p) => n + p.rows, 0)).toBe(total);
    const rows = parseCsv(text);
    expect(rows[0]?.[0]).toBe('When (UTC)');
    expect(rows.filter((r) => r[0] === 'When (UTC)')).toHaveLength(1); // one header, first part only
    const ids = rows.slice(1).map((r) => r[rows[0]?.indexOf('Target ID') ?? -1]);
    // Newest first, every entry exactly once, nothing lost at the part boundaries.
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => `g${total - 1 - i}`));
  });

  it('pages a filtered export the same way and refuses a forged cursor', async () => {
    for (let i = 0; i < 300; i += 1)
      put(entry(i, { result: i % 3 === 0 ? 'done' : 'failed' }), new Date(Date.UTC(2026, 0, 1) + i * 1000));
    const { text } = await exportAll({ result: 'done' });
    expect(parseCsv(text)).toHaveLength(101);
    for (const cursor of ['not-a-cursor', Buffer.from('{"s":-1}').toString('base64url')]) {
      expect(await invokeAs(site, ADMIN, 'exportAuditCsv', { cursor })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
    }
  });
});
