import type { FakeBridge } from '../../local/host/fake-bridge';
import { byType, findAll, textOf } from '../../local/host/forge-doc';
import { NAMED_USERS } from '../support/site';
import { openUiPage } from '../support/ui';

describe('the admin page for a non-admin', () => {
  let bridge: FakeBridge;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ bridge, close } = await openUiPage(NAMED_USERS.regular.accountId));
  });
  afterAll(() => close());

  it('shows the refusal instead of an empty page', async () => {
    const message = await bridge.waitFor((doc) => findAll(doc, byType('SectionMessage'))[0]);
    expect(message.props.appearance).toBe('error');
    expect(textOf(message)).toMatch(/Only Jira administrators/);
  });
});
