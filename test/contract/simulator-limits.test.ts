import { startSimulator, type Simulator } from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';

/**
 * Rate limits and fault injection behave as Jira Cloud's do: 429 with Retry-After, X-RateLimit-* and
 * RateLimit-Reason; hourly points charged 1 per request plus 1 per object; 5xx and resets on demand.
 */
describe('simulator rate limits and faults', () => {
  let sim: Simulator;
  const auth = `Basic ${Buffer.from(`${NAMED_USERS.siteAdmin.email}:local-dev-token`).toString('base64')}`;
  const get = (path: string) => fetch(sim.url + path, { headers: { authorization: auth } });
  beforeAll(async () => {
    sim = await startSimulator({ seed: { users: 200 } });
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.rateLimiter.configure({});
    sim.faults.configure({});
    sim.meter.reset();
  });

  it('answers 429 once an endpoint’s per-second burst is spent, with Jira’s headers', async () => {
    sim.rateLimiter.configure({ burstPerSecond: 3 });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 5; i += 1) {
      const res = await get('/rest/api/3/myself');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(limited?.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(limited?.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
    expect(limited?.headers.get('X-RateLimit-Remaining')).toBe('0');
    // Another endpoint has its own burst budget.
    expect((await get('/rest/api/3/serverInfo')).status).toBe(200);
  });

  it('charges 1 point per request plus 1 per object and stops at the hourly quota', async () => {
    sim.rateLimiter.configure({ pointsPerHour: 30 });
    const page = await get('/rest/api/3/users/search?maxResults=20');
    expect(page.status).toBe(200);
    expect(page.headers.get('X-RateLimit-Remaining')).toBe(String(30 - 21));
    expect(sim.meter.points()).toBe(21);
    expect((await get('/rest/api/3/users/search?maxResults=8')).status).toBe(200);
    const refused = await get('/rest/api/3/myself');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('RateLimit-Reason')).toBe('jira-quota-global-based');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('injects 5xx answers, 429 storms and connection resets, repeatably', async () => {
    sim.faults.configure({ serverErrorRate: 1 });
    expect([500, 502, 503]).toContain((await get('/rest/api/3/myself')).status);
    sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 2 });
    const throttled = await get('/rest/api/3/myself');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('Retry-After')).toBe('2');
    sim.faults.configure({ resetRate: 1 });
    await expect(get('/rest/api/3/myself')).rejects.toThrow();
    sim.faults.configure({ latencyMs: 30, jitterMs: 10, paths: ['/rest/api/3/myself'] });
    const started = Date.now();
    expect((await get('/rest/api/3/myself')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('meters every request with method, endpoint, principal, status and points', async () => {
    await get(`/rest/api/3/user?accountId=${encodeURIComponent(NAMED_USERS.regular.accountId)}`);
    expect(sim.meter.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        endpoint: '/rest/api/3/user',
        principal: `basic:${NAMED_USERS.siteAdmin.accountId}`,
        status: 200,
        points: 2,
      }),
    ]);
  });

  it('refuses wrong Basic credentials with 401', async () => {
    const res = await fetch(`${sim.url}/rest/api/3/myself`, {
      headers: { authorization: `Basic ${Buffer.from(`${NAMED_USERS.siteAdmin.email}:wrong`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
  });
});
