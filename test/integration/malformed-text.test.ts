import type { Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

/**
 * A lone UTF-16 surrogate survives JSON (`"\ud800"`) but is not text: encoding it into a Jira URL throws.
 * Every free-text field refuses it as bad input (never INTERNAL) before any Jira request.
 */
describe('text with a lone surrogate', () => {
  let site: LocalSite;
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  const broken = JSON.parse('"ada\\ud800"') as string;
  const cases: Array<[string, Record<string, unknown>]> = [
    ['listUsers', { query: broken }],
    ['resolveIdentifiers', { text: `${broken}@example.com` }],
    ['searchGroups', { query: broken }],
    ['listAudit', { text: broken }],
  ];

  it.each(cases)('%s answers INVALID_INPUT and asks Jira nothing', async (key, payload) => {
    site.sim.meter.reset();
    const res = await invokeAs<Envelope<unknown>>(site, NAMED_USERS.siteAdmin.accountId, key, payload);
    expect(res.ok ? 'ok' : res.error.code).toBe('INVALID_INPUT');
    const authorization = ['/rest/api/3/mypermissions', '/rest/api/3/myself'];
    expect(site.sim.meter.requests.filter((r) => !authorization.includes(r.endpoint))).toEqual([]);
  });

  it('still accepts a well-formed pair (an emoji)', async () => {
    const res = await invokeAs<Envelope<unknown>>(site, NAMED_USERS.siteAdmin.accountId, 'listUsers', {
      query: 'ada\u{1F600}',
    });
    expect(res.ok).toBe(true);
  });
});
