/**
 * The daily scheduled trigger (`scheduledTrigger` daily-directory-crawl → function `start-directory-crawl` in manifest.yml): starts a fresh
 * crawl of the directory index on the queue, unless one is still running.
 */
import { requestCrawl } from '../features/directory-index/crawl-queue';

export async function startDirectoryCrawl(): Promise<{ statusCode: number }> {
  await requestCrawl('daily');
  return { statusCode: 204 };
}
