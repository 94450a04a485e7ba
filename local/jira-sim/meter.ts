/**
 * The simulator's meter: every request with method, path, endpoint template, principal, status and
 * points charged, so tests can assert what the app cost.
 */
export interface MeteredRequest {
  method: string;
  path: string;
  /** The route template (`/rest/api/3/user/bulk`), or the raw path when no route matched. */
  endpoint: string;
  /** `app`, `user:<accountId>`, `basic:<accountId>` or `anonymous`. */
  principal: string;
  status: number;
  points: number;
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
}
