/**
 * Paces bulk requests to Jira's burst limit. Jira answers a burst overrun with 429, `RateLimit-Reason:
 * jira-burst-based` and `X-RateLimit-Limit` (requests per second allowed)
 * (developer.atlassian.com/cloud/jira/platform/rate-limiting/). The pacer spaces request starts evenly at
 * that rate once it is known (a little under it), and before that starts from the last rate learned (kept
 * in KVS by the caller) or a cautious default, growing by half every second without a 429.
 */
import type { RequestGate } from '../jira/acting-as';

export const DEFAULT_RATE_PER_SECOND = 10;
const MAX_RATE_PER_SECOND = 1_000;

export interface Pacer extends RequestGate {
  /** Requests per second it spaces to now. */
  rate(): number;
  /** What to remember for the next invocation. */
  memory(): PaceMemory;
  /** Requests and 429s seen. */
  readonly seen: { requests: number; throttled: number };
}

/** What a pacer learned, kept between invocations. */
export interface PaceMemory {
  limit?: number;
  rate: number;
}

export function createPacer(
  memory: PaceMemory | undefined,
  now: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Pacer {
  let limit = memory?.limit;
  let rate = limit ?? memory?.rate ?? DEFAULT_RATE_PER_SECOND;
  let nextSlot = 0;
  let lastGrowth = now();
  const seen = { requests: 0, throttled: 0 };
  const spacing = () => 1000 / rate + (limit !== undefined ? 2 : 0);
  return {
    seen,
    rate: () => rate,
    memory: () => (limit !== undefined ? { limit, rate } : { rate }),
    async before() {
      const t = now();
      if (limit === undefined && t - lastGrowth >= 1000) {
        rate = Math.min(rate * 1.5, MAX_RATE_PER_SECOND);
        lastGrowth = t;
      }
      const slot = Math.max(nextSlot, t);
      nextSlot = slot + spacing();
      if (slot > t) await sleep(slot - t);
    },
    after(status, headers) {
      seen.requests += 1;
      if (status !== 429) return;
      seen.throttled += 1;
      const reported = Number(headers.get('X-RateLimit-Limit'));
      if (headers.get('RateLimit-Reason') === 'jira-burst-based' && reported > 0) {
        limit = reported;
        rate = reported;
      } else {
        rate = Math.max(rate / 2, 1);
      }
      lastGrowth = now();
    },
  };
}
