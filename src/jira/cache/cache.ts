/**
 * A short-lived in-memory cache for Jira data that rarely changes (application roles, group names,
 * service desks), keyed per installation so one Forge instance serving several sites never mixes them.
 * Forge may reuse a warm instance between invocations, so repeated page actions within the TTL cost no
 * Jira request; a cold instance simply asks Jira again. Loads are shared while in flight, failures are
 * not cached, and the TTL is short enough that a renamed group or a new desk shows within minutes.
 */
import { getAppContext } from '@forge/api';

/** How long roles, group names and desks are reused. */
export const RARELY_CHANGING_TTL_MS = 5 * 60_000;

function installationKey(): string {
  try {
    return String(getAppContext().installationAri);
  } catch {
    return 'no-installation';
  }
}

export interface TtlCache {
  /** The cached value for `key`, or `load()`'s (cached for the TTL once it succeeds). */
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** The value cached for `key` if it is loaded and live, without loading. */
  peek<T>(key: string): T | undefined;
  /** Seeds a value the app already holds (e.g. desks from a listing), so a later lookup reuses it. */
  put<T>(key: string, value: T): void;
  clear(): void;
}

export function createTtlCache(ttlMs: number = RARELY_CHANGING_TTL_MS, now: () => number = Date.now): TtlCache {
  const entries = new Map<string, { value: Promise<unknown>; until: number; loaded?: { v: unknown } }>();
  const full = (key: string) => `${installationKey()}|${key}`;
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      const k = full(key);
      const hit = entries.get(k);
      if (hit && hit.until > now()) return hit.value as Promise<T>;
      const value = load();
      const entry: { value: Promise<unknown>; until: number; loaded?: { v: unknown } } = {
        value,
        until: now() + ttlMs,
      };
      entries.set(k, entry);
      value.then(
        (v) => (entry.loaded = { v }),
        () => {
          if (entries.get(k) === entry) entries.delete(k);
        },
      );
      return value;
    },
    peek<T>(key: string): T | undefined {
      const hit = entries.get(full(key));
      return hit && hit.until > now() ? (hit.loaded?.v as T | undefined) : undefined;
    },
    put<T>(key: string, value: T): void {
      entries.set(full(key), { value: Promise.resolve(value), until: now() + ttlMs, loaded: { v: value } });
    },
    clear: () => entries.clear(),
  };
}
