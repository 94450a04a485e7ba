/**
 * The directory index's resolver keys: the site summary drawn from the index (its first open starts the
 * crawl, so both keys write and ask Jira live).
 */
import { jira } from '../../jira';
import type { ResolverDefinitions } from '../../invocation/define';
import { requestCrawl } from './crawl-queue';
import { directoryStore } from './directory-store';
import { accountTypesFromIndex, lookupEmails } from './directory-index';
import { observed, recordChanges } from './record-changes';
import type { AccountChange } from './index-patches';
import { getSiteSummary } from './site-summary';

const snapshots = { store: directoryStore, requestCrawl };

/** Email → account lookups through the index's keyed hashes, for features that resolve pasted emails. */
export const emailIndex = { lookup: (emails: string[]) => lookupEmails(directoryStore, emails) };

/** Account types by id from the index (no Jira request), for pages whose listing carries none (JSM's). */
export const accountTypeIndex = { types: (ids: string[]) => accountTypesFromIndex(directoryStore, ids) };

/** The app's own changes, recorded in the index as they land (other features call these). */
export const indexChanges = { record: (changes: AccountChange[]) => recordChanges(directoryStore, changes) };

/** A customer account the app just created: in the index at once, by name and by email. */
export async function recordCustomerCreated(accountId: string, displayName: string, email: string): Promise<void> {
  const change = await observed(
    { accountId, accountType: 'customer', displayName, active: true, emailAddress: email },
    Date.now(),
  );
  await recordChanges(directoryStore, [change]);
}

export const directoryIndexResolvers: ResolverDefinitions<'getSiteSummary' | 'refreshSiteSummary'> = {
  getSiteSummary: { access: 'live', run: () => getSiteSummary(jira, snapshots) },
  refreshSiteSummary: {
    access: 'live',
    run: ({ accountId }) => getSiteSummary(jira, snapshots, `refresh by ${accountId}`),
  },
};
