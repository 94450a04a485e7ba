/**
 * The simulator's meter: every request with method, path, endpoint template, principal, status, the
 * objects it returned (type and count) and the points charged (points.ts), so tests and benches can
 * assert what the app cost, by endpoint and by object type.
 */
import type { ObjectType } from './points';

export interface MeteredRequest {
  method: string;
  path: string;
  /** The route template (`/rest/api/3/user/bulk`), or the raw path when no route matched. */
  endpoint: string;
  /** `app`, `user:<accountId>`, `basic:<accountId>` or `anonymous`. */
  principal: string;
  status: number;
  points: number;
  /** The type of object the route returns (`none` for writes without a body, absent when unrouted). */
  objectType?: ObjectType | 'none';
  /** How many objects of that type the answer held. */
  objects?: number;
  /** The pool charged (`global-app-quota:<appId>`, …); absent for traffic outside the app quota. */
  pool?: string;
  at: number;
  /** The request was applied but its answer dropped (a `lostResponses` fault). */
  lost?: boolean;
}

export class Meter {
  readonly requests: MeteredRequest[] = [];

  record(r: MeteredRequest): void {
    this.requests.push(r);
  }

  reset(): void {
    this.requests.length = 0;
  }

  count(filter: Partial<Pick<MeteredRequest, 'method' | 'endpoint' | 'principal' | 'status'>> = {}): number {
    return this.requests.filter((r) => Object.entries(filter).every(([k, v]) => r[k as keyof MeteredRequest] === v))
      .length;
  }

  /** Requests that changed something (non-GET with a 2xx answer). */
  writes(): MeteredRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.status >= 200 && r.status < 300);
  }

  points(): number {
    return this.requests.reduce((sum, r) => sum + r.points, 0);
  }

  /** Points by `METHOD endpoint`. */
  pointsByEndpoint(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests) {
      const key = `${r.method} ${r.endpoint}`;
      out[key] = (out[key] ?? 0) + r.points;
    }
    return out;
  }

  /**
   * Points by what they paid for: `base` (1 per charged request, a write's whole cost) and the object
   * types returned (`user`, `group`, …).
   */
  pointsByObjectType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.requests) {
      if (r.points <= 0) continue;
      out.base = (out.base ?? 0) + 1;
      const rest = r.points - 1;
      if (rest > 0) {
        const type = r.objectType && r.objectType !== 'none' ? r.objectType : 'other';
        out[type] = (out[type] ?? 0) + rest;
      }
    }
    return out;
  }
}
