import { readManifest, scopeNames } from '../../local/manifest';
import { PointsBank, tenantQuota } from '../../local/jira-sim/quota';
import { RateLimiter } from '../../local/jira-sim/rate-limit';
import {
  FORGE_INSTALL_HEADER,
  FORGE_PRINCIPAL_HEADER,
  startSimulator,
  type Simulator,
} from '../../local/jira-sim/server';
import { NAMED_USERS } from '../../local/jira-sim/seed';

/**
 * Rate limits as Jira Cloud publishes them (developer.atlassian.com/cloud/jira/platform/rate-limiting/),
 * called from outside over HTTP: points per request and object, the app's hourly pool (Tier 1 shared by
 * every installation, Tier 2 per site) with `RateLimit-Policy`/`RateLimit`, burst limits per path and
 * method with `X-RateLimit-*`, `Retry-After` and `RateLimit-Reason` on every 429, and injected faults.
 */
const APP_ID = readManifest().app.id;
const SCOPES = scopeNames(readManifest());
const HOUR = 3_600_000;
/** 10:59:30 UTC: half a minute before a pool resets. */
const T0 = Date.UTC(2026, 11, 3, 10, 59, 30);

const basic = (email: string) => `Basic ${Buffer.from(`${email}:local-dev-token`).toString('base64')}`;

function asApp(sim: Simulator, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(sim.url + path, {
    ...init,
    headers: { [FORGE_INSTALL_HEADER]: token, [FORGE_PRINCIPAL_HEADER]: 'app', ...(init.headers ?? {}) },
  });
}

describe('simulator rate limits and faults', () => {
  let clock = T0;
  const bank = new PointsBank(() => clock);
  let sim: Simulator;
  let other: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      seed: { users: 200 },
      pointsBank: bank,
      apps: [{ installToken: 'one', appId: APP_ID, scopes: SCOPES }],
    });
    // A second site hosting the same app (its own cloud id), charged to the same bank.
    other = await startSimulator({
      seed: { users: 50, cloudId: 'b0000000-0000-4000-8000-0000000000b2' },
      pointsBank: bank,
      apps: [{ installToken: 'two', appId: APP_ID, scopes: SCOPES }],
    });
  });
  afterAll(async () => {
    await sim.close();
    await other.close();
  });
  beforeEach(() => {
    clock = T0;
    sim.rateLimiter.configure({});
    other.rateLimiter.configure({});
    sim.faults.configure({});
    sim.meter.reset();
    other.meter.reset();
  });

  it('charges 1 per request, 2 per user or group returned, 1 per other object, 1 per write; Basic traffic nothing', async () => {
    const group = [...sim.state.groups.values()].find((g) => g.members.size >= 8);
    if (!group) throw new Error('no group of 8 in the seed');
    expect((await asApp(sim, 'one', `/rest/api/3/group/member?groupId=${group.groupId}&maxResults=8`)).status).toBe(
      200,
    );
    expect((await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=10')).status).toBe(200);
    expect((await asApp(sim, 'one', '/rest/api/3/applicationrole')).status).toBe(200);
    const target = [...sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && !group.members.has(u.accountId),
    );
    const add = await fetch(`${sim.url}/rest/api/3/group/user?groupId=${group.groupId}`, {
      method: 'POST',
      headers: {
        authorization: basic(NAMED_USERS.siteAdmin.email),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ accountId: target?.accountId }),
    });
    expect(add.status).toBe(201);
    expect((await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=3')).status).toBe(200);
    const points = sim.meter.requests.map((r) => [r.endpoint, r.points]);
    const roles = sim.state.applicationRoles.length;
    expect(points).toEqual([
      ['/rest/api/3/group/member', 17],
      ['/rest/api/3/users/search', 21],
      ['/rest/api/3/applicationrole', 1 + roles],
      ['/rest/api/3/group/user', 0], // API-token (Basic) traffic is not charged points
      ['/rest/api/3/users/search', 7],
    ]);
    expect(sim.meter.pointsByEndpoint()).toEqual({
      'GET /rest/api/3/group/member': 17,
      'GET /rest/api/3/users/search': 28,
      'GET /rest/api/3/applicationrole': 1 + roles,
      'POST /rest/api/3/group/user': 0,
    });
    expect(sim.meter.pointsByObjectType()).toEqual({ base: 4, user: 2 * (8 + 10 + 3), other: roles });
    // A write through the app costs 1 in all, whatever it returns.
    sim.meter.reset();
    const created = await asApp(sim, 'one', '/rest/api/3/group', {
      method: 'POST',
      // asUser (a site admin): the app user cannot create groups.
      headers: {
        'content-type': 'application/json',
        [FORGE_PRINCIPAL_HEADER]: `user:${NAMED_USERS.siteAdmin.accountId}`,
      },
      body: JSON.stringify({ name: 'points-write-check' }),
    });
    expect(created.status).toBe(201);
    expect(sim.meter.requests.map((r) => r.points)).toEqual([1]);
  });

  it('reports the Tier-1 pool in RateLimit-Policy and RateLimit, and X-RateLimit-* as burst figures', async () => {
    const res = await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=10');
    expect(res.headers.get('RateLimit-Policy')).toBe('"global-app-quota";q=65000;w=3600');
    expect(res.headers.get('RateLimit')).toBe(`"global-app-quota";r=${65_000 - 21};t=30`);
    expect(res.headers.get('X-RateLimit-Limit')).toBe('100');
    expect(res.headers.get('X-RateLimit-Remaining')).toBe('99');
    expect(res.headers.get('X-RateLimit-NearLimit')).toBeNull();
    expect(res.headers.get('X-AACCOUNTID')).toBe(sim.state.appAccountId);
    // API-token traffic carries burst figures but no pool.
    const viaToken = await fetch(`${sim.url}/rest/api/3/myself`, {
      headers: { authorization: basic(NAMED_USERS.regular.email) },
    });
    expect(viaToken.headers.get('RateLimit-Policy')).toBeNull();
    expect(viaToken.headers.get('X-RateLimit-Limit')).toBe('100');
    expect(viaToken.headers.get('X-AACCOUNTID')).toBe(NAMED_USERS.regular.accountId);
    // Before enforcement: the Beta- prefix, and a spent pool is reported but not enforced.
    sim.rateLimiter.configure({ betaHeaders: true, pointsPerHour: 10 });
    const beta = await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=10');
    expect(beta.headers.get('Beta-RateLimit-Policy')).toBe('"global-app-quota";q=10;w=3600');
    expect(beta.headers.get('Beta-RateLimit')).toBe('"global-app-quota";r=0;t=30');
    expect(beta.headers.get('RateLimit')).toBeNull();
    expect((await asApp(sim, 'one', '/rest/api/3/myself')).status).toBe(200);
  });

  it('two installations of one app spend one Tier-1 pool, are refused together, and resume at the top of the UTC hour', async () => {
    sim.rateLimiter.configure({ pointsPerHour: 60 });
    other.rateLimiter.configure({ pointsPerHour: 60 });
    expect((await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=20')).status).toBe(200); // 41
    const second = await asApp(other, 'two', '/rest/api/3/users/search?maxResults=10'); // 21 → 62
    expect(second.status).toBe(200);
    expect(second.headers.get('RateLimit')).toBe('"global-app-quota";r=0;t=30');
    for (const [site, token] of [
      [sim, 'one'],
      [other, 'two'],
    ] as const) {
      // Every request of the pool is refused, whatever its path.
      const refused = await asApp(site, token, '/rest/api/3/serverInfo');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('RateLimit-Reason')).toBe('jira-quota-global-based');
      expect(refused.headers.get('Retry-After')).toBe('30');
      expect(refused.headers.get('RateLimit')).toBe('"global-app-quota";r=0;t=30');
    }
    // API-token traffic is outside the app's pool.
    const token = await fetch(`${sim.url}/rest/api/3/serverInfo`, {
      headers: { authorization: basic(NAMED_USERS.regular.email) },
    });
    expect(token.status).toBe(200);
    expect(sim.meter.requests.filter((r) => r.status === 429)).toHaveLength(1);
    clock = T0 + 30_000; // 11:00:00 UTC
    const fresh = await asApp(other, 'two', '/rest/api/3/serverInfo');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('RateLimit')).toBe(`"global-app-quota";r=${60 - 2};t=3600`);
  });

  it('Tier 2: a pool per site from its edition and users, refused with jira-quota-tenant-based', async () => {
    expect(tenantQuota('free', 10_000)).toBe(65_000);
    expect(tenantQuota('standard', 1_000)).toBe(110_000);
    expect(tenantQuota('premium', 1_000)).toBe(150_000);
    expect(tenantQuota('enterprise', 1_000)).toBe(180_000);
    expect(tenantQuota('enterprise', 20_000)).toBe(500_000);
    sim.rateLimiter.configure({ tier: 2, edition: 'standard', users: 1_000 });
    const res = await asApp(sim, 'one', '/rest/api/3/serverInfo');
    expect(res.headers.get('RateLimit-Policy')).toBe('"tenant-app-quota";q=110000;w=3600');
    // The site's own user count when none is given: its active Atlassian accounts.
    sim.rateLimiter.configure({ tier: 2, edition: 'premium' });
    const users = [...sim.state.users.values()].filter((u) => u.accountType === 'atlassian' && u.active).length;
    const own = await asApp(sim, 'one', '/rest/api/3/serverInfo');
    expect(own.headers.get('RateLimit-Policy')).toBe(`"tenant-app-quota";q=${130_000 + 20 * users};w=3600`);
    // Spending one site's Tier-2 pool leaves the other site alone.
    sim.rateLimiter.configure({ tier: 2, pointsPerHour: 5 });
    other.rateLimiter.configure({ tier: 2, edition: 'free' });
    await asApp(sim, 'one', '/rest/api/3/users/search?maxResults=2');
    const refused = await asApp(sim, 'one', '/rest/api/3/serverInfo');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('RateLimit-Reason')).toBe('jira-quota-tenant-based');
    expect((await asApp(other, 'two', '/rest/api/3/serverInfo')).status).toBe(200);
  });

  it('burst limits per path and method as published, with X-RateLimit-* and NearLimit', async () => {
    const desk = [...sim.state.serviceDesks.values()][0];
    const customers = `/rest/servicedeskapi/servicedesk/${desk?.id}/customer`;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i += 1) {
      last = await asApp(sim, 'one', customers, { headers: { 'X-ExperimentalApi': 'opt-in' } });
      statuses.push(last.status);
      if (i === 4) expect(last.headers.get('X-RateLimit-NearLimit')).toBe('true');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last?.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
    expect(last?.headers.get('Retry-After')).toBe('1');
    expect(last?.headers.get('X-RateLimit-Limit')).toBe('5');
    expect(last?.headers.get('X-RateLimit-Remaining')).toBe('0');
    // Another path, and another method on the same path, have their own budgets.
    expect((await asApp(sim, 'one', '/rest/servicedeskapi/servicedesk')).status).toBe(200);
    expect(sim.rateLimiter.burstLimit('DELETE', '/rest/servicedeskapi/servicedesk/{serviceDeskId}/customer')).toBe(50);
    expect(sim.rateLimiter.burstLimit('GET', '/rest/api/3/user')).toBe(150);
    expect(sim.rateLimiter.burstLimit('GET', '/rest/api/3/user/search')).toBe(200);
    expect(sim.rateLimiter.burstLimit('GET', '/rest/api/3/user/email')).toBe(200);
    expect(sim.rateLimiter.burstLimit('POST', '/rest/api/3/group/user')).toBe(100);
    expect(sim.rateLimiter.burstLimit('PUT', '/rest/api/3/user/columns')).toBe(50);
    // A refused request costs no points; the window moves on with the clock.
    expect(sim.meter.requests.filter((r) => r.status === 429).map((r) => r.points)).toEqual([0]);
    clock += 1000;
    expect((await asApp(sim, 'one', customers, { headers: { 'X-ExperimentalApi': 'opt-in' } })).status).toBe(200);
    // Overrides still work: one figure for everything, or one endpoint.
    sim.rateLimiter.configure({ burstPerSecond: 2, burstPerEndpoint: { 'GET /rest/api/3/myself': 1 } });
    expect(sim.rateLimiter.burstLimit('GET', '/rest/api/3/serverInfo')).toBe(2);
    const myself = () =>
      fetch(`${sim.url}/rest/api/3/myself`, { headers: { authorization: basic(NAMED_USERS.regular.email) } });
    expect([(await myself()).status, (await myself()).status]).toEqual([200, 429]);
  });

  it('per-issue writes: 20 per 2 s and 100 per 30 s, refused with jira-per-issue-on-write', () => {
    let t = T0;
    const limiter = new RateLimiter({}, new PointsBank(() => t));
    const burst = (n: number) => Array.from({ length: n }, () => limiter.admitIssueWrite('10001').limited);
    expect(burst(21)).toEqual([...Array(20).fill(false), true]);
    const refused = limiter.admitIssueWrite('10001');
    expect(refused.headers).toEqual({ 'Retry-After': '2', 'RateLimit-Reason': 'jira-per-issue-on-write' });
    expect(limiter.admitIssueWrite('10002').limited).toBe(false); // another issue
    for (let i = 0; i < 4; i += 1) {
      t += 2000;
      expect(burst(20).every((l) => !l)).toBe(true);
    }
    t += 2000; // 100 writes in the last 10 s: the 30 s window is spent though the 2 s one is not
    const long = limiter.admitIssueWrite('10001');
    expect([long.limited, long.headers['Retry-After']]).toEqual([true, '20']);
  });

  it('injects 5xx answers, 429s with Retry-After and RateLimit-Reason, and connection resets', async () => {
    const get = () => asApp(sim, 'one', '/rest/api/3/myself');
    sim.faults.configure({ serverErrorRate: 1 });
    expect([500, 502, 503]).toContain((await get()).status);
    sim.faults.configure({ tooManyRequestsRate: 1, retryAfterSeconds: 2 });
    const throttled = await get();
    expect([throttled.status, throttled.headers.get('Retry-After')]).toEqual([429, '2']);
    expect(throttled.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
    sim.faults.configure({
      tooManyRequestsRate: 1,
      retryAfterSeconds: 5,
      tooManyRequestsReason: 'jira-quota-global-based',
    });
    expect((await get()).headers.get('RateLimit-Reason')).toBe('jira-quota-global-based');
    sim.faults.configure({ resetRate: 1 });
    await expect(get()).rejects.toThrow();
  });

  it('refuses wrong Basic credentials with 401', async () => {
    const res = await fetch(`${sim.url}/rest/api/3/myself`, {
      headers: { authorization: `Basic ${Buffer.from(`${NAMED_USERS.siteAdmin.email}:wrong`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('X-AACCOUNTID')).toBeNull();
  });

  it('a pool resets at the top of the UTC hour, not an hour after its first request', () => {
    let t = Date.UTC(2026, 11, 3, 10, 20, 0);
    const pools = new PointsBank(() => t);
    const pool = pools.global('app', 100);
    pool.charge(100);
    expect(pool.exhausted()).toBe(true);
    expect(pool.secondsToReset()).toBe(40 * 60);
    t = Date.UTC(2026, 11, 3, 11, 0, 0);
    expect([pool.exhausted(), pool.remaining()]).toEqual([false, 100]);
    t += HOUR - 1;
    expect(pool.secondsToReset()).toBe(1);
  });
});
