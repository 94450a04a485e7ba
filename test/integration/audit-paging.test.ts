/**
 * The Audit tab's pages and the CSV export as an administrator reads them: a filtered list pages in
 * exactly the size asked for, the last page is never followed by an empty one, and the CSV uses the page's
 * words (actions and results), with the IDs beside the names.
 */
import type { AuditPage, Envelope } from '../../src/contract';
import { auditStore } from '../../src/features/audit/audit-store';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('audit paging and CSV words', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  beforeAll(async () => {
    site = await startTestSite();
    // 230 entries, every third one failed: the failed filter matches 77 of them, spread over 3 KVS pages.
    for (let i = 0; i < 230; i += 1)
      await auditStore.record({
        actor: ADMIN,
        action: 'group.member.add',
        targetType: 'user',
        targetId: NAMED_USERS.regular.accountId,
        objectType: 'group',
        objectId: `g-${i}`,
        objectLabel: `team-${i}`,
        result: i % 3 === 0 ? 'failed' : 'done',
        at: new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
      });
  });
  afterAll(() => site.close());

  it('pages a filtered list in exactly the size asked for, with no empty page after the last', async () => {
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(call<AuditPage>('listAudit', { result: 'failed', pageSize: 30, cursor }));
      expect(page.entries.every((e) => e.result === 'failed')).toBe(true);
      sizes.push(page.entries.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([30, 30, 17]);
  });

  it('exports actions and results in words, with the IDs beside the names', async () => {
    const part = await ok(call<{ csv: string; rows: number }>('exportAuditCsv', { result: 'failed' }));
    const [header, first] = part.csv.split('\n');
    expect(header).toBe(
      'When (UTC),Changed by,Changed by (account ID),Action,Target type,Target,Target ID,In,In (name),In (ID),Result,Detail,Bulk job',
    );
    expect(first).toContain('"Added to group"');
    expect(first).toContain('"Failed"');
    expect(first).toContain('"Group"');
    expect(first).not.toContain('group.member.add');
    expect(part.rows).toBe(77);
  });
});
