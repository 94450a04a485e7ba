/**
 * Builds the directory index on a test site the way the app does: a page open asks for a crawl on the
 * queue (asApp, in the background); this waits until the queue is idle and checks it was published.
 */
import type { Envelope, SiteSummary } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS } from '../../local/jira-sim/seed';

export async function buildDirectoryIndex(
  site: LocalSite,
  as: string = NAMED_USERS.siteAdmin.accountId,
): Promise<SiteSummary> {
  await site.host.invoke('refreshSiteSummary', {}, as);
  await site.queue.idle();
  const res = (await site.host.invoke('getSiteSummary', {}, as)) as Envelope<SiteSummary>;
  if (!res.ok) throw new Error(`${res.error.code}: ${res.error.message}`);
  if (!res.data.snapshot.asOf || res.data.snapshot.building) throw new Error('The directory index was not published.');
  return res.data;
}
