/**
 * The site summary shown on the app's landing: who is calling (one Jira request) and the site's size
 * from the background snapshot (the directory index's counts, read from storage), with its "as of" time.
 * No directory read happens on a page open: before the first snapshot exists, the summary says it is
 * being built and asks for a crawl on the queue; the refresh action asks for a new one. It also says what the
 * last reconciliation corrected and how many accounts have changed since (events and the app's changes).
 */
import type { SiteSummary } from '../../contract';
import type { JiraClient } from '../../jira';
import type { DirectoryStore } from './directory-store';
import { isCrawlRunning } from './directory-index';

export type SiteSummaryDeps = Pick<JiraClient, 'getMyself'>;

export interface SnapshotSource {
  store: DirectoryStore;
  /** Starts a crawl on the queue unless one is running; true when one was started. */
  requestCrawl(reason: string): Promise<boolean>;
  now?: () => number;
}

export async function getSiteSummary(
  jira: SiteSummaryDeps,
  snapshots: SnapshotSource,
  refresh: false | string = false,
): Promise<SiteSummary> {
  const now = snapshots.now ?? Date.now;
  const [me, manifest, crawl, patches] = await Promise.all([
    jira.getMyself(),
    snapshots.store.manifest(),
    snapshots.store.crawl(),
    snapshots.store.patches(),
  ]);
  let building = isCrawlRunning(crawl, now());
  if (!building && (refresh || !manifest)) building = await snapshots.requestCrawl(refresh || 'first page open');
  const current = building ? await snapshots.store.crawl() : crawl;
  const progress =
    building && current
      ? current.phase === 'users'
        ? `Reading users: ${current.usersSeen.toLocaleString('en-US')} so far.`
        : current.phase === 'products'
          ? `Reading product access: group ${current.groupIndex + 1} of ${current.groups.length}.`
          : 'Publishing the new snapshot.'
      : undefined;
  return {
    caller: { accountId: me.accountId, displayName: me.displayName },
    ...(manifest
      ? {
          users: { total: manifest.counts.users, active: manifest.counts.active, byType: manifest.counts.byType },
          groups: manifest.counts.groups,
          serviceDesks: manifest.counts.serviceDesks,
        }
      : {}),
    snapshot: {
      asOf: manifest?.asOf,
      building,
      ...(progress ? { progress } : {}),
      ...(manifest?.reconciled ? { reconciled: manifest.reconciled } : {}),
      ...(manifest ? { changesSince: patches.size } : {}),
    },
  };
}
