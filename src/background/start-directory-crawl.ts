/**
 * The daily scheduled trigger (`scheduledTrigger` daily-directory-crawl → function `start-directory-crawl`
 * in manifest.yml): starts a reconciliation crawl of the directory index on the queue when one is due
 * (weekly on a Tier 1 pool, daily on Tier 2, sooner when many patches have piled up: reconcile-cadence.ts),
 * unless one is still running. The tier is the one Jira's pool headers named (the points governor's view,
 * reconcile-cadence.ts). On other days it costs a few KVS reads and no Jira request.
 */
import { requestCrawl } from '../features/directory-index/crawl-queue';
import { directoryStore } from '../features/directory-index/directory-store';
import { poolTier, reconcileDue } from '../features/directory-index/reconcile-cadence';

export async function startDirectoryCrawl(): Promise<{ statusCode: number }> {
  const [manifest, chars, tier] = await Promise.all([
    directoryStore.manifest(),
    directoryStore.patchBytes(),
    poolTier(),
  ]);
  const reason = reconcileDue(manifest, Date.now(), tier, chars);
  if (reason) await requestCrawl(reason);
  return { statusCode: 204 };
}
