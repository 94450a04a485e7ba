/**
 * Minimal HTTP plumbing for the simulator: a route table with path templates, the request context each
 * handler receives, and Jira's two error dialects (platform `ErrorCollection`, JSM `ErrorResponse`).
 */
import type { IncomingMessage } from 'node:http';
import type { SiteState } from './model';
import type { ObjectType } from './points';

/** Who a request acts as, after authentication. */
export type Principal =
  { kind: 'user'; accountId: string; viaApp: boolean } | { kind: 'app'; accountId: string } | { kind: 'anonymous' };

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
  principal: Principal;
  baseUrl: string;
  state: SiteState;
  /**
   * Jira's per-issue write limit (20 writes per 2 s and 100 per 30 s to one issue): an issue route calls
   * this with the issue id before applying a write; it throws a 429 (`jira-per-issue-on-write`) when spent.
   */
  admitIssueWrite(issueIdOrKey: string): void;
}

/** An account the request created, changed or deleted: the server emits the matching user event. */
export interface UserChange {
  kind: 'created' | 'updated' | 'deleted' | 'groups';
  accountId: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many objects of the route's `returns` type the answer holds (points: see points.ts). */
  objects?: number;
  /** Accounts this request created, changed or deleted (user events). */
  userChanges?: UserChange[];
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  template: string;
  /** `platform` answers errors as ErrorCollection, `jsm` as ErrorResponse. */
  dialect: 'platform' | 'jsm';
  /** The type of object the operation returns, which prices each one (points.ts); `none` for no body. */
  returns: ObjectType | 'none';
  /** A POST that only reads (a search): priced as a read, by the objects it returns. */
  reads?: boolean;
  handler: Handler;
}

/** A handler throws this to answer with Jira's error body for the route's dialect. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    /** Headers to answer with (a 429's `Retry-After`, `RateLimit-Reason`, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(dialect: Route['dialect'], err: SimHttpError): unknown {
  if (dialect === 'jsm') {
    return { errorMessage: err.message, i18nErrorMessage: { i18nKey: 'sd.error', parameters: [] } };
  }
  return { errorMessages: err.message ? [err.message] : [], errors: err.fieldErrors };
}

export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/');
  const p = path.split('/');
  if (t.length !== p.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i += 1) {
    const seg = t[i] as string;
    const actual = p[i] as string;
    if (seg.startsWith('{') && seg.endsWith('}')) params[seg.slice(1, -1)] = decodeURIComponent(actual);
    else if (seg !== actual) return undefined;
  }
  return params;
}

export function intParam(req: SimRequest, name: string, fallback: number): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return fallback;
  // A decimal integer only, as Java's Integer/Long parsing reads it: not `1e3`, `0x10`, ` 5` or `2.0`.
  const n = /^[-+]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw new SimHttpError(400, `The value '${raw}' is invalid for ${name}.`);
  return n;
}

/**
 * An offset/size pair for a paged operation (`startAt`/`maxResults`, or JSM's `start`/`limit`). The specs
 * give no lower bounds, but a negative offset has no meaning and a page of size 0 (or less) can never
 * reach the end: its `nextPage`/`next` link would point at itself forever. Both are refused with the
 * operation's documented 400 ("the request is invalid"). `maxResults` above `cap` is clamped, as Jira
 * does (the clamped value is what the page reports).
 */
export function pageParams(
  req: SimRequest,
  opts: { defaultMax: number; cap: number; startName?: string; maxName?: string; allowZero?: boolean },
): { startAt: number; maxResults: number } {
  const startName = opts.startName ?? 'startAt';
  const maxName = opts.maxName ?? 'maxResults';
  const startAt = intParam(req, startName, 0);
  const maxResults = intParam(req, maxName, opts.defaultMax);
  if (startAt < 0) throw new SimHttpError(400, `'${startName}' must be greater than or equal to 0.`);
  if (maxResults < (opts.allowZero ? 0 : 1))
    throw new SimHttpError(400, `'${maxName}' must be greater than ${opts.allowZero ? 'or equal to 0' : '0'}.`);
  return { startAt, maxResults: Math.min(maxResults, opts.cap) };
}

/**
 * The request's query without its paging parameters, for `self`/`nextPage`/`next`/`prev` links: a link
 * must continue the same filtered list (Jira's links keep the caller's filters).
 */
export function carriedQuery(req: SimRequest, paging: readonly string[] = ['startAt', 'maxResults']): string {
  const kept = new URLSearchParams();
  for (const [k, v] of req.query) if (!paging.includes(k)) kept.append(k, v);
  return kept.toString();
}

/** A query parameter restricted to the values the operation documents; anything else is a 400. */
export function enumParam<T extends string>(req: SimRequest, name: string, allowed: readonly T[]): T | undefined {
  const raw = req.query.get(name);
  if (raw === null) return undefined;
  if (!(allowed as readonly string[]).includes(raw))
    throw new SimHttpError(400, `The value '${raw}' is invalid for ${name}. Valid values: ${allowed.join(', ')}.`);
  return raw as T;
}

/** A boolean query parameter, read as Java's `Boolean.valueOf` does: `true` in any letter case, else false. */
export function boolParam(req: SimRequest, name: string): boolean {
  return req.query.get(name)?.toLowerCase() === 'true';
}

export function requireUserPrincipal(req: SimRequest): string {
  if (req.principal.kind === 'anonymous')
    throw new SimHttpError(401, 'You are not authorized to perform this action. Please log in.');
  return req.principal.accountId;
}
