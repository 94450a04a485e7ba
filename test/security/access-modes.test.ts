import { RESOLVER_KEYS, type ResolverKey } from '../../src/contract';
import { authorizationMode, RESOLVER_DEFINITIONS } from '../../src/resolver';
// Each feature's definitions imported directly too, so `jest --findRelatedTests` (mutation testing) links
// this suite to every resolvers.ts.
import { auditResolvers } from '../../src/features/audit/resolvers';
import { bulkChangesResolvers } from '../../src/features/bulk-changes/resolvers';
import { customersResolvers } from '../../src/features/customers/resolvers';
import { directoryIndexResolvers } from '../../src/features/directory-index/resolvers';
import { escalationResolvers } from '../../src/features/functional-accounts/escalation/resolvers';
import { functionalAccountsResolvers, functionalRegistry } from '../../src/features/functional-accounts/resolvers';
import { groupsResolvers } from '../../src/features/groups/resolvers';
import { peopleResolvers } from '../../src/features/people/resolvers';

/**
 * Which resolver keys may be authorized from an answer up to 60 s old (each feature's resolver
 * definitions say `access: 'cached'` or `'live'`). The list below is the reviewed policy: every key on it
 * only reads (the authorization matrix proves each writes nothing to Jira or KVS), and every other key —
 * writes, and the site summary that starts a crawl — asks Jira live, so a demoted administrator cannot
 * change anything. Changing the policy means changing this list on purpose.
 */
const CACHED_READS: readonly ResolverKey[] = [
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
  'getSettings',
  'listServiceDesks',
  'listDeskCustomers',
  'listRoles',
  'listFunctional',
  'checkFunctionalOwner',
  'listUnregisteredFunctional',
  'getHealthCheck',
  'getEscalationSettings',
  'listEscalationProjects',
  'listEscalationIssueTypes',
];

describe('authorization mode per resolver key', () => {
  it.each([...CACHED_READS])('%s (a read) may use a cached answer', (key) => {
    expect(authorizationMode(key)).toBe('cached');
  });

  it.each(RESOLVER_KEYS.filter((k) => !CACHED_READS.includes(k)))('%s asks Jira live', (key) => {
    expect(authorizationMode(key)).toBe('live');
  });

  it('the site summary asks Jira live: on a site’s first page open it starts the directory crawl', () => {
    expect(authorizationMode('getSiteSummary')).toBe('live');
  });

  it('each feature registers the same modes the resolver function uses', () => {
    const features = {
      ...auditResolvers,
      ...bulkChangesResolvers,
      ...customersResolvers,
      ...directoryIndexResolvers,
      ...escalationResolvers,
      ...functionalAccountsResolvers,
      ...groupsResolvers,
      ...peopleResolvers(functionalRegistry),
    };
    const modes = (defs: Record<string, { access: string }>) =>
      Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, d.access]));
    expect(modes(features)).toEqual(modes(RESOLVER_DEFINITIONS));
    for (const [key, access] of Object.entries(modes(features)))
      expect({ key, access }).toEqual({ key, access: CACHED_READS.includes(key as ResolverKey) ? 'cached' : 'live' });
  });

  it('caches exactly the reviewed reads, each a key of the contract', () => {
    const cached = Object.entries(RESOLVER_DEFINITIONS)
      .filter(([, d]) => d.access === 'cached')
      .map(([k]) => k);
    expect(cached.sort()).toEqual([...CACHED_READS].sort());
    for (const key of CACHED_READS) expect(RESOLVER_KEYS).toContain(key);
  });
});
