/**
 * Which KVS limits a bench's local site enforces. Forge's (per installation 1,000 requests a second, 4,000
 * read and 4,000 write units a minute; developer.atlassian.com/platform/forge/limits-kvs-ce) are what a real
 * site has, so the benches run under them: `benchKvsLimits({ published: true })`. `BENCH_KVS_LIMITS=1` or `0`
 * forces them on or off for every bench. Without the option the limits stay off. Setup that compresses weeks of use into seconds (registering thousands of accounts)
 * runs through `withoutKvsLimits`, so only the measured flow meets the limits.
 */
import type { LocalSite, LocalSiteOptions } from '../local/local-site';

export function benchKvsLimits(options: { published?: boolean } = {}): Pick<LocalSiteOptions, 'kvsRateLimits'> {
  const forced = process.env.BENCH_KVS_LIMITS;
  if (forced === '1') return {};
  if (forced === '0') return { kvsRateLimits: false };
  return options.published ? {} : { kvsRateLimits: false };
}

/** Runs bench setup with the site's KVS limits off, then puts them back with empty windows. */
export async function withoutKvsLimits<T>(site: LocalSite, setup: () => Promise<T>): Promise<T> {
  const limits = site.kvs.rateLimits;
  site.kvs.rateLimits = undefined;
  try {
    return await setup();
  } finally {
    site.kvs.rateLimits = limits;
    site.kvs.resetRateLimits();
  }
}
