import { randomUUID } from 'node:crypto';
import type { Envelope, UserPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { readManifest, scopeNames } from '../../local/manifest';
import { HOUR_MS, PointsBank, hourStartOf } from '../../local/jira-sim/quota';
import {
  FORGE_INSTALL_HEADER,
  FORGE_PRINCIPAL_HEADER,
  startSimulator,
  type Simulator,
} from '../../local/jira-sim/server';
import type { CrawlState } from '../../src/features/directory-index/directory-store';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';

/**
 * Two installations of the app on ONE Tier-1 points pool (issue 17's PointsBank shared by two simulated
 * sites): site B (another installation of the same app, driven from outside through its install token)
 * spends the shared pool close to the reserve; site A's directory crawl (background work, through the real
 * @forge packages and the app's governor) then stops at the reserve and waits on the queue, an
 * administrator's call on site A still succeeds, and after the pool resets the crawl goes on and finishes.
 * The pool's clock is the real one shifted so that the top of its hour comes about a minute and a half
 * into the scenario (the app reads the reset from `RateLimit`'s `t`, so its waits follow).
 */
describe('one Tier-1 pool, two installations: background work stops at the reserve', () => {
  const POOL = 20_000;
  const RESERVE = 0.4;
  let offset = 0;
  const bank = new PointsBank(() => Date.now() + offset);
  const manifest = readManifest();
  const tokenB = randomUUID();
  let siteA: LocalSite;
  let simB: Simulator;

  beforeAll(async () => {
    siteA = await startTestSite({
      seed: { users: 300, groups: 20, serviceDesks: 3 },
      pointsBank: bank,
      rateLimits: { pointsPerHour: POOL },
      queue: { timeScale: 0.05 },
    });
    simB = await startSimulator({
      seed: { users: 400, groups: 5, serviceDesks: 1 },
      pointsBank: bank,
      rateLimits: { pointsPerHour: POOL },
      apps: [{ installToken: tokenB, appId: manifest.app.id, scopes: scopeNames(manifest) }],
    });
  }, 60_000);
  afterAll(async () => {
    await siteA.close();
    await simB.close();
  });

  const pool = () => bank.global(manifest.app.id, POOL);
  /** One users page as site B's installation (asApp): 1 + 2 × 100 points from the shared pool. */
  const spendAsB = async () => {
    const res = await fetch(`${simB.url}/rest/api/3/users/search?startAt=0&maxResults=100`, {
      headers: { [FORGE_INSTALL_HEADER]: tokenB, [FORGE_PRINCIPAL_HEADER]: 'app', Accept: 'application/json' },
    });
    await res.text();
    return res;
  };

  it('holds A’s crawl at the reserve while an administrator’s call succeeds, and finishes after the reset', async () => {
    // The pool's hour ends ~90 s from now; a fresh hour starts for the scenario.
    offset = hourStartOf(Date.now()) + HOUR_MS - 90_000 - Date.now();
    pool().reset();
    const b = await spendAsB();
    expect(b.headers.get('RateLimit-Policy')).toBe(`"global-app-quota";q=${POOL};w=3600`);
    // Installation B spends the shared pool down to ~42 % (just above the reserve, the line near the hour's end).
    while (pool().remaining() > POOL * 0.42 + 201) await spendAsB();
    const resetAt = pool().resetAt() - offset; // in real time
    siteA.sim.meter.reset();

    // A's administrator asks for the index: the crawl starts on the queue as background work.
    const started = await invokeAs<Envelope<unknown>>(siteA, NAMED_USERS.siteAdmin.accountId, 'refreshSiteSummary');
    expect(started.ok).toBe(true);
    // Wait until the crawl has been held at least once (its step moved on without finishing) or the hour ended.
    const crawl = () => siteA.kvs.peek('dir:crawl') as CrawlState | undefined;
    while (Date.now() < resetAt && (crawl()?.step ?? 0) <= 1 && crawl()?.phase !== 'done')
      await new Promise((r) => setTimeout(r, 50));
    const heldAt = Date.now();
    expect(heldAt).toBeLessThan(resetAt);
    expect(crawl()?.phase).not.toBe('done');
    // The pool is below the reserve now, or the crawl could not have been held.
    expect(pool().remaining() / POOL).toBeLessThanOrEqual(RESERVE + 0.1);

    // An administrator's call is never held by the governor: it succeeds below the reserve.
    const interactiveFrom = Date.now();
    const page = await invokeAs<Envelope<UserPage>>(siteA, NAMED_USERS.siteAdmin.accountId, 'listUsers', {
      pageSize: 20,
    });
    expect(page.ok).toBe(true);
    const interactiveAt = Date.now();

    await siteA.queue.idle();
    expect(crawl()?.phase).toBe('done');
    // The tier the policy header named is kept (no TTL) for the reconciliation's cadence on quiet days.
    expect(siteA.kvs.peek('governor:tier')).toBe(1);
    // The crawl's requests (asApp); the administrator's call reads hidden emails asApp too, during the call.
    const appRequests = siteA.sim.meter.requests.filter(
      (r) => r.principal === 'app' && !(r.at >= interactiveFrom && r.at <= interactiveAt),
    );
    // Held means held: between the hold and the reset, A's background sent nothing.
    expect(appRequests.filter((r) => r.at > heldAt && r.at < resetAt)).toEqual([]);
    // The crawl went on after the reset, and nothing of A's was refused for the pool.
    expect(appRequests.some((r) => r.at >= resetAt)).toBe(true);
    expect(siteA.sim.meter.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(interactiveAt).toBeLessThan(resetAt);
    // Before the reset A's background left the pool no lower than one users page under the reserve.
    const beforeReset = appRequests.filter((r) => r.at < resetAt).reduce((s, r) => s + r.points, 0);
    expect(beforeReset).toBeLessThanOrEqual(POOL * (0.42 - RESERVE) + 1 + 2 * 300 + 50);
  }, 240_000);
});
