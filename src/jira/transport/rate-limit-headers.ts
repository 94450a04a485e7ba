/**
 * Reads Jira's hourly points pool from a response, as Atlassian publishes it (Jira Cloud platform "Rate
 * limiting", developer.atlassian.com/cloud/jira/platform/rate-limiting/; DESIGN.md §2):
 *   `RateLimit-Policy: "global-app-quota";q=65000;w=3600`  (or `tenant-app-quota`: Tier 2, per site)
 *   `RateLimit: "global-app-quota";r=1234;t=600`           (r = points left, t = seconds to the reset)
 * both with a `Beta-` prefix before enforcement. The values are HTTP structured-field lists (RFC 8941):
 * items separated by commas, each a string or token with `;key=value` parameters, any whitespace around.
 * `X-RateLimit-*` are NOT the pool: they describe per-path burst limits (pacer.ts reads those).
 * Observed in the wild (community.developer.atlassian.com/t/2026-point-based-rate-limits/97828): once the
 * pool is spent the policy header may be missing and `t` may overstate the wait, and the reason may come as
 * `X-Beta-RateLimit-Reason`; so a quota learned earlier is kept, and a missing `t` means the window's end.
 */

export type PoolPolicy = 'global-app-quota' | 'tenant-app-quota' | (string & {});

/** One structured-field list member: its value (string or token) and its parameters. */
export interface SfItem {
  value: string;
  params: Record<string, string | number | boolean>;
}

/** What one response says about the pool. */
export interface PoolObservation {
  policy: PoolPolicy;
  /** 1: one pool for the app shared by every installation; 2: this site's own pool; undefined: unknown name. */
  tier?: 1 | 2;
  /** The pool's size in points (`q`), when the policy header came. */
  quota?: number;
  /** The window in seconds (`w`), when the policy header came. */
  windowSeconds?: number;
  /** Points left (`r`); absent when Jira did not say (it sends `r` "when it matters"). */
  remaining?: number;
  /** When the pool resets (epoch ms): from `t`, else the end of the current `w`-second window. */
  resetAt: number;
  observedAt: number;
  /** True when the headers came with the `Beta-` prefix (reported, not yet enforced). */
  beta: boolean;
}

export interface HeaderSource {
  get(name: string): string | null;
}

export const GLOBAL_POLICY = 'global-app-quota';
export const TENANT_POLICY = 'tenant-app-quota';
/** Tier 1's published pool (points an hour), used when a spent pool's answer omits the policy header. */
export const TIER1_QUOTA = 65_000;
const HOUR_SECONDS = 3600;

export function tierOf(policy: string): 1 | 2 | undefined {
  if (policy === GLOBAL_POLICY) return 1;
  if (policy === TENANT_POLICY) return 2;
  return undefined;
}

/**
 * Parses a structured-field list (RFC 8941 §3.1) leniently: unknown or malformed members are skipped,
 * never thrown on; quoted strings may hold commas, semicolons and escaped quotes; keys are lower-cased.
 */
export function parseSfList(input: string | null | undefined): SfItem[] {
  if (!input) return [];
  const items: SfItem[] = [];
  let i = 0;
  const n = input.length;
  const ws = () => {
    while (i < n && (input[i] === ' ' || input[i] === '\t')) i += 1;
  };
  const bare = (): string | number | boolean | undefined => {
    ws();
    const c = input[i];
    if (c === '"') {
      let out = '';
      i += 1;
      while (i < n && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < n) i += 1;
        out += input[i];
        i += 1;
      }
      i += 1; // closing quote (or end of input)
      return out;
    }
    if (c === '?') {
      i += 2;
      return input[i - 1] === '1';
    }
    const start = i;
    while (i < n && !/[;,\s]/.test(input[i] as string)) i += 1;
    const raw = input.slice(start, i);
    if (raw === '') return undefined;
    const num = Number(raw);
    return /^-?\d+(\.\d+)?$/.test(raw) && Number.isFinite(num) ? num : raw;
  };
  while (i < n) {
    ws();
    const value = bare();
    const params: SfItem['params'] = {};
    ws();
    while (i < n && input[i] === ';') {
      i += 1;
      ws();
      const start = i;
      while (i < n && /[A-Za-z0-9_\-.*]/.test(input[i] as string)) i += 1;
      const key = input.slice(start, i).toLowerCase();
      let v: string | number | boolean | undefined = true;
      if (input[i] === '=') {
        i += 1;
        v = bare();
      }
      if (key && v !== undefined) params[key] = v;
      ws();
    }
    // Skip to the next member (anything unparsed up to the comma is dropped).
    while (i < n && input[i] !== ',') i += 1;
    i += 1;
    if (value !== undefined && typeof value !== 'boolean') items.push({ value: String(value), params });
  }
  return items;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** A header with or without the `Beta-` prefix (the unprefixed, enforced one wins). */
function prefixed(headers: HeaderSource, name: string): { value: string | null; beta: boolean } {
  const plain = headers.get(name);
  if (plain) return { value: plain, beta: false };
  return { value: headers.get(`Beta-${name}`), beta: true };
}

/**
 * The pool as one response reports it, or undefined when it carries no pool headers (traffic outside
 * the app quota, or a site without them). When several policies are listed, the one with the smallest
 * remaining share is taken: it is the one that refuses first.
 */
export function readPool(headers: HeaderSource, now: number): PoolObservation | undefined {
  const policyHeader = prefixed(headers, 'RateLimit-Policy');
  const stateHeader = prefixed(headers, 'RateLimit');
  const policies = parseSfList(policyHeader.value);
  const states = parseSfList(stateHeader.value);
  const names = [...new Set([...policies, ...states].map((p) => p.value))];
  let best: PoolObservation | undefined;
  for (const policy of names) {
    const p = policies.find((x) => x.value === policy)?.params ?? {};
    const s = states.find((x) => x.value === policy)?.params ?? {};
    const tier = tierOf(policy);
    const windowSeconds = num(p.w);
    const quota = num(p.q);
    const remaining = num(s.r);
    const t = num(s.t);
    const w = windowSeconds ?? HOUR_SECONDS;
    const resetAt = t !== undefined ? now + t * 1000 : (Math.floor(now / (w * 1000)) + 1) * w * 1000;
    const obs: PoolObservation = {
      policy,
      ...(tier ? { tier } : {}),
      ...(quota !== undefined ? { quota } : {}),
      ...(windowSeconds !== undefined ? { windowSeconds } : {}),
      ...(remaining !== undefined ? { remaining } : {}),
      resetAt,
      observedAt: now,
      beta: policyHeader.value ? policyHeader.beta : stateHeader.beta,
    };
    if (!best || shareOf(obs) < shareOf(best)) best = obs;
  }
  return best;
}

/** Remaining share of the pool (1 when unknown). */
export function shareOf(o: { remaining?: number; quota?: number; tier?: 1 | 2 }): number {
  const quota = o.quota ?? (o.tier === 1 ? TIER1_QUOTA : undefined);
  if (o.remaining === undefined || !quota) return o.remaining === 0 ? 0 : 1;
  return Math.max(0, Math.min(1, o.remaining / quota));
}

/** The `RateLimit-Reason` of a 429 (either spelling), lower-cased, or ''. */
export function rateLimitReason(headers: HeaderSource): string {
  return (
    headers.get('RateLimit-Reason') ??
    headers.get('X-RateLimit-Reason') ??
    headers.get('X-Beta-RateLimit-Reason') ??
    headers.get('Beta-RateLimit-Reason') ??
    ''
  ).toLowerCase();
}

/** Whether a 429's reason is the points pool (global or tenant), not a burst or per-issue limit. */
export function isQuotaReason(reason: string): boolean {
  return reason.startsWith('jira-quota-');
}
