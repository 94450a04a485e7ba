import type { Envelope, ResolvedIdentifier } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;

/**
 * Jira's user search matches an email-shaped query against the account's email even when profile
 * visibility hides it, so a few pasted emails resolve with one search each (plus one asApp email lookup
 * for the hits whose email Jira hid), never a scan of the directory.
 */
describe('resolving a few pasted emails before the directory index exists', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  const people = () => [...site.sim.state.users.values()].filter((u) => u.accountType === 'atlassian' && u.active);

  it('finds an account by its hidden email with one search, without revealing the email', async () => {
    const hidden = people().find((u) => !u.emailVisible);
    const res = await fetch(`${site.siteUrl}/rest/api/3/user/search?query=${encodeURIComponent(hidden?.email ?? '')}`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${NAMED_USERS.siteAdmin.email}:local-dev-token`).toString('base64')}`,
      },
    });
    const body = (await res.json()) as Array<{ accountId: string; emailAddress?: string }>;
    expect(body.map((u) => u.accountId)).toEqual([hidden?.accountId]);
    expect(body[0]?.emailAddress).toBeUndefined();
  });

  it('costs one user search per email plus one email lookup for the hidden ones', async () => {
    const visible = people()
      .filter((u) => u.emailVisible)
      .slice(0, 3);
    const hidden = people()
      .filter((u) => !u.emailVisible)
      .slice(0, 2);
    const emails = [...visible, ...hidden].map((u) => u.email);
    site.sim.meter.reset();
    const rows = await ok(
      invokeAs<Envelope<ResolvedIdentifier[]>>(site, ADMIN, 'resolveIdentifiers', {
        text: [...emails, 'nobody@nowhere.example'].join('\n'),
      }),
    );
    expect(rows.slice(0, 5).map((r) => r.accountId)).toEqual([...visible, ...hidden].map((u) => u.accountId));
    expect(rows[5]?.problem).toMatch(/No active account has this email\. Active people only/);
    // Authorization (mypermissions, then myself: is the caller a person) is not the feature's cost.
    const jira = site.sim.meter.requests.filter(
      (r) => r.endpoint !== '/rest/api/3/mypermissions' && r.endpoint !== '/rest/api/3/myself',
    );
    const byEndpoint = (e: string) => jira.filter((r) => r.endpoint === e).length;
    expect(byEndpoint('/rest/api/3/user/search')).toBe(6);
    expect(byEndpoint('/rest/api/3/user/email/bulk')).toBe(1);
    expect(byEndpoint('/rest/api/3/users/search')).toBe(0);
    expect(jira).toHaveLength(7);
  });
});
