/**
 * The directory index's resolver keys: the site summary drawn from the index (its first open starts the
 * crawl, so both keys write and ask Jira live).
 */
import { jira } from '../../jira';
import type { ResolverDefinitions } from '../../invocation/define';
import { requestCrawl } from './crawl-queue';
import { directoryStore } from './directory-store';
import { lookupEmails } from './directory-index';
import { getSiteSummary } from './site-summary';

const snapshots = { store: directoryStore, requestCrawl };

/** Email → account lookups through the index's keyed hashes, for features that resolve pasted emails. */
export const emailIndex = { lookup: (emails: string[]) => lookupEmails(directoryStore, emails) };

export const directoryIndexResolvers: ResolverDefinitions<'getSiteSummary' | 'refreshSiteSummary'> = {
  getSiteSummary: { access: 'live', run: () => getSiteSummary(jira, snapshots) },
  refreshSiteSummary: {
    access: 'live',
    run: ({ accountId }) => getSiteSummary(jira, snapshots, `refresh by ${accountId}`),
  },
};
