import type { LocalSite } from '../../local/local-site';
import { installFakeBridge, type FakeBridge } from '../../local/host/fake-bridge';
import { byType, findAll, textOf } from '../../local/host/forge-doc';
import { NAMED_USERS, startTestSite } from '../support/site';

describe('the admin page for a non-admin', () => {
  let site: LocalSite;
  let bridge: FakeBridge;
  beforeAll(async () => {
    site = await startTestSite();
    bridge = installFakeBridge(site.host, NAMED_USERS.regular.accountId);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../../src/frontend/index');
  });
  afterAll(async () => {
    await bridge.close();
    await site.close();
  });

  it('shows the refusal instead of an empty page', async () => {
    const message = await bridge.waitFor((doc) => findAll(doc, byType('SectionMessage'))[0]);
    expect(message.props.appearance).toBe('error');
    expect(textOf(message)).toMatch(/Only Jira administrators/);
  });
});
