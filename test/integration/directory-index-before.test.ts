import type { Envelope, ResolvedIdentifier, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Before the directory index exists, at 20,000 users with 100 ms of Jira latency, no action fails or times
 * out: every click costs at most one page of results plus one lookup; a scan that cannot finish goes on at
 * the next click and says how far it has got ("Searched N of M"); the product filter passes the point where
 * a product's first group runs out; more than 50 pasted emails are looked up 50 a click; name search says
 * it finds active people only.
 */
describe('before the directory index exists (20,000 users)', () => {
  let site: LocalSite;
  const listing = () =>
    site.sim.meter.requests.filter((r) =>
      ['/rest/api/3/users/search', '/rest/api/3/user/search', '/rest/api/3/group/member'].includes(r.endpoint),
    );
  /** One click: the envelope (never an error) and the listing requests it made. */
  const click = async <T>(key: string, payload: unknown) => {
    site.sim.meter.reset();
    const res = await invokeAs<Envelope<T>>(site, ADMIN, key, payload);
    if (!res.ok) throw new Error(`${key} failed: ${res.error.code} ${res.error.message}`);
    return { data: res.data, requests: listing() };
  };
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 20_000, groups: 30, serviceDesks: 3 }, kvsRateLimits: false });
    site.sim.faults.configure({ latencyMs: 100, jitterMs: 0, seed: 3 });
  }, 300_000);
  afterAll(() => site.close());

  it('has no index (nothing has asked for one)', () => {
    expect(site.kvs.peek('dir:current')).toBeUndefined();
  });

  it('the product filter pages past the end of a product’s first group, one member page a click', async () => {
    const role = site.sim.state.applicationRoles.find((r) => r.key === 'jira-software');
    const groups = [...site.sim.state.groups.values()].filter((g) => role?.groups.includes(g.name));
    expect(groups.length).toBeGreaterThan(1);
    const smallest = Math.min(...groups.map((g) => g.members.size));
    let cursor: string | undefined;
    const seen: string[] = [];
    // Enough clicks to pass the first (smallest) group's end and read into the next.
    const clicks = Math.ceil(smallest / 50) + 2;
    for (let i = 0; i < clicks; i += 1) {
      const { data, requests } = await click<UserPage>('listUsers', { filters: { product: 'jira-software' }, cursor });
      // Size probes (maxResults=1, the first click) return one member: a few points each.
      const pages = requests.filter((r) => r.points > 3);
      // One page of members, plus (only where a later group starts) the small earlier group once more.
      expect(pages.length).toBeLessThanOrEqual(1 + Math.ceil(smallest / 50));
      expect(data.notice).toMatch(/Searched [\d,]+ of [\d,]+ group members/);
      seen.push(...data.users.map((u) => u.accountId));
      cursor = data.nextCursor;
      expect(cursor).toBeDefined();
    }
    expect(new Set(seen).size).toBe(seen.length);
    const members = new Set(groups.flatMap((g) => [...g.members]));
    for (const id of seen) expect(members.has(id)).toBe(true);
  }, 120_000);

  it('type and status filters scan one page a click and say how far; the next click goes on', async () => {
    for (const filters of [{ accountType: 'customer' }, { status: 'inactive' }, { functional: true }]) {
      let cursor: string | undefined;
      for (let i = 1; i <= 3; i += 1) {
        const { data, requests } = await click<UserPage>('listUsers', { filters, cursor });
        expect(requests).toHaveLength(1);
        expect(data.notice).toContain(`Searched ${(i * 500).toLocaleString('en-US')} users so far`);
        cursor = data.nextCursor;
        expect(cursor).toBeDefined();
      }
    }
  }, 120_000);

  it('name search says it finds active people only', async () => {
    const { data } = await click<UserPage>('listUsers', { query: 'a' });
    expect(data.notice).toMatch(/^Active people only/);
    expect(data.users.every((u) => u.active)).toBe(true);
  });

  it('more than 50 pasted emails are not refused: 50 a click, the rest pending, then the next 50', async () => {
    const people = [...site.sim.state.users.values()].filter((u) => u.accountType !== 'app' && u.active).slice(0, 120);
    const first = await click<ResolvedIdentifier[]>('resolveIdentifiers', {
      text: people.map((u) => u.email).join('\n'),
    });
    expect(first.data.filter((r) => r.accountId)).toHaveLength(50);
    const pending = first.data.filter((r) => r.pending);
    expect(pending).toHaveLength(70);
    expect(pending[0]?.problem).toMatch(/50 of 120/);
    const second = await click<ResolvedIdentifier[]>('resolveIdentifiers', {
      text: pending.map((r) => r.input).join('\n'),
    });
    expect(second.data.filter((r) => r.accountId)).toHaveLength(50);
    expect(second.data.filter((r) => r.pending)).toHaveLength(20);
    expect(second.data.filter((r) => r.accountId).map((r) => r.accountId)).toEqual(
      people.slice(50, 100).map((u) => u.accountId),
    );
  }, 120_000);
});
