/**
 * When the directory index will be ready, in words, from the crawl's checkpoint: how far it has got and,
 * once the number of users is known (after its users phase), an estimate from its pace so far. Used by
 * filters that cannot be answered page by page before the index exists.
 */
import type { CrawlState } from './directory-store';

const time = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

export function indexReadiness(crawl: CrawlState | undefined, now: number): string | undefined {
  if (!crawl || crawl.phase === 'done') return undefined;
  const started = Date.parse(crawl.startedAt);
  const elapsed = Math.max(now - started, 1);
  if (crawl.phase === 'users')
    return `The directory index is being built (started ${time(started)}; ${crawl.usersSeen.toLocaleString('en-US')} users read so far); it answers this filter at once when ready.`;
  // Users are read; product access is read group by group: estimate the rest from the pace so far.
  const done = crawl.phase === 'finalize' ? 1 : (crawl.groupIndex + 0.5) / Math.max(crawl.groups.length, 1);
  const share = 0.5 + done / 2;
  const eta = started + elapsed / share;
  return `The directory index should be ready around ${time(Math.max(eta, now))} (it started ${time(started)}); it answers this filter at once when ready.`;
}
