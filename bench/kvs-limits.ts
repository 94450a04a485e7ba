/**
 * The benches measure what the app costs Jira. Forge's KVS limits (4,000 reads and 4,000 writes a
 * minute per installation, local/forge-runtime) refuse several of the app's bulk flows outright today
 * (issue 18's to fix), which would stop the Jira figures; so the benches run with them off unless
 * `BENCH_KVS_LIMITS=1`.
 */
import type { LocalSiteOptions } from '../local/local-site';

export function benchKvsLimits(): Pick<LocalSiteOptions, 'kvsRateLimits'> {
  return process.env.BENCH_KVS_LIMITS === '1' ? {} : { kvsRateLimits: false };
}
