/**
 * The daily scheduled trigger (`scheduledTrigger` daily-directory-crawl → function `start-directory-crawl`
 * in manifest.yml): starts a reconciliation crawl of the directory index on the queue when one is due
 * (weekly on a Tier 1 pool, daily on Tier 2, sooner when many patches have piled up: reconcile-cadence.ts),
 * unless one is still running. On other days it costs two KVS reads and no Jira request.
 */
import { requestCrawl } from '../features/directory-index/crawl-queue';
import { directoryStore } from '../features/directory-index/directory-store';
import { poolTier, reconcileDue, setPoolTierSource } from '../features/directory-index/reconcile-cadence';
import { knownPoolTier } from '../jira/transport/background';

// The tier is the one Jira's pool headers name (the governor's view); before any answer, the Forge variable.
setPoolTierSource(async () => (await knownPoolTier()) ?? (process.env.DIRECTORY_POOL_TIER === '2' ? 2 : 1));

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
