/**
 * The daily scheduled trigger (`scheduledTrigger` daily-directory-crawl in manifest.yml): starts a fresh
 * crawl of the directory index on the queue, unless one is still running.
 */
import { requestCrawl } from '../services/directory-crawl-queue';

export async function directoryRefresh(): Promise<{ statusCode: number }> {
  await requestCrawl('daily');
  return { statusCode: 204 };
}
