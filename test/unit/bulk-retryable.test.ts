import { isRetryable } from '../../src/features/bulk-changes/bulk-outcomes';
import { SITE_ADMIN_MESSAGE } from '../../src/features/groups/membership';

/** "Retry the failures" is offered only for failures a second try could fix. */
describe('which bulk failures a retry can fix', () => {
  it.each([
    ['Cannot add user. Customer accounts (portal-only) cannot be added to groups.', false],
    ['The user or the group no longer exists.', false],
    ['User 712020:x does not exist.', false],
    [SITE_ADMIN_MESSAGE, false],
    ['Service desk administrator rights are required to change this desk’s customers.', false],
    ['Jira answered 500.', true],
    ['Internal server error', true],
    [undefined, true],
  ])('%s → retryable %s', (message, expected) => {
    expect(isRetryable(message)).toBe(expected);
  });
});
