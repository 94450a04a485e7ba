/**
 * Starting and continuing the directory crawl on Forge's queue (`directory-crawl`): one event per slice,
 * carrying the crawl's step number, one slice at a time (concurrency key), delayed for pacing.
 */
import { Queue } from '@forge/events';
import { directoryStore } from './directory-store';
import { startCrawl } from './directory-index';

export const DIRECTORY_QUEUE = 'directory-crawl';

export async function pushCrawlStep(step: number, delaySeconds = 0): Promise<void> {
  await new Queue({ key: DIRECTORY_QUEUE }).push({
    body: { step },
    ...(delaySeconds > 0 ? { delayInSeconds: delaySeconds } : {}),
    concurrency: { key: DIRECTORY_QUEUE, limit: 1 },
  });
}

/** Starts a crawl (unless one is running) and queues its first slice. True when one was started. */
export async function requestCrawl(reason: string): Promise<boolean> {
  const state = await startCrawl(directoryStore, reason);
  if (!state) return false;
  await pushCrawlStep(state.step);
  return true;
}
