/**
 * Which resolvers only read. Those may reuse an authorization answer up to 60 s old; every other key —
 * including any key added to the contract later and not listed here — asks Jira live before it runs, so
 * a demoted administrator cannot change anything. The authorization matrix test checks that no key
 * listed here writes to Jira or KVS. (`getSiteSummary` is not listed: on a site's first page open it
 * starts the directory crawl, which writes the index.)
 */
import type { AuthorizationMode } from '../services/authorization';

export const CACHED_READ_KEYS: ReadonlySet<string> = new Set([
  'listUsers',
  'getUserDetails',
  'resolveIdentifiers',
  'listProducts',
  'searchGroups',
  'listGroupMembers',
  'getBulkJob',
  'listBulkJobs',
  'listBulkJobItems',
  'countGroupMembers',
  'previewBulkJob',
  'listAudit',
  'listServiceDesks',
  'listDeskCustomers',
  'listRoles',
  'listFunctional',
  'checkFunctionalOwner',
  'listUnregisteredFunctional',
  'getHealthCheck',
]);

export function authorizationMode(key: string): AuthorizationMode {
  return CACHED_READ_KEYS.has(key) ? 'cached' : 'live';
}
