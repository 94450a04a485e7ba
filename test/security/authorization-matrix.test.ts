import type { Envelope } from '../../src/contract';
import { RESOLVER_KEYS } from '../../src/contract';
import { RESOLVER_DEFINITIONS } from '../../src/resolver';
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import { runInvocation } from '../../local/forge-runtime/runtime';
import type { LocalSite } from '../../local/local-site';
import { matrixRows, type Expectation, type MatrixRow } from '../../local/security-matrix';
import { readManifest } from '../../local/manifest';
import { startTestSite } from '../support/site';
import { HAS_FIXTURE, createFixtures, payloadFor, type Fixtures } from '../support/security-fixtures';
import {
  IDENTITIES,
  installContextOf,
  invokeAsIdentity,
  kvsDiff,
  kvsSnapshot,
  kvsWriteOps,
  type Identity,
} from '../support/security';

/**
 * The authorization matrix (local/security-matrix.ts): every resolver key and every scheduled trigger and
 * consumer in manifest.yml, as each identity, checked against the local site. A denial must reach Jira
 * for nothing but the permission check and write nothing to Jira or KVS (the simulator's meter, the
 * simulator's state and a KVS diff); keys that may use the authorization cache must write nothing even
 * when allowed; writes must ask Jira live.
 */
const PERMISSION_CHECK = '/rest/api/3/mypermissions';
/** Asked after ADMINISTER holds: only a person (accountType atlassian) passes. */
const IDENTITY_CHECK = '/rest/api/3/myself';

describe('authorization matrix', () => {
  let site: LocalSite;
  let f: Fixtures;
  const rows = matrixRows();
  const resolverRows = rows.filter((r) => r.kind === 'resolver');
  const backgroundRows = rows.filter((r) => r.kind !== 'resolver');
  const identity = (name: string) => IDENTITIES.find((i) => i.name === name) as Identity;
  const seen = new Map<string, Expectation>();

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 150, groups: 12, serviceDesks: 1 }, allowForgeUserCreation: true });
    recordPushes(); // from the start, so the crawl the fixtures' first page open asks for is a real event to replay
    f = await createFixtures(site);
    await site.queue.idle();
  });
  afterAll(async () => {
    await site.queue.idle();
    await site.close();
  });

  /** Snapshot of the simulator's data a write could change (users, memberships, desks' customers). */
  const simState = () =>
    JSON.stringify({
      users: [...site.sim.state.users.keys()].sort(),
      groups: [...site.sim.state.groups.values()].map((g) => [g.groupId, [...g.members].sort()]),
      desks: [...site.sim.state.serviceDesks.values()].map((d) => [d.id, [...d.customers].sort()]),
    });

  async function check(row: MatrixRow, who: Identity) {
    const expected = row.expect[who.name];
    await site.queue.idle();
    site.sim.meter.reset();
    const kvsBefore = kvsSnapshot(site);
    const opsBefore = site.kvs.operations.length;
    const simBefore = simState();
    const res = await invokeAsIdentity<Envelope<unknown>>(site, who, row.key, payloadFor(row.key, f));
    await site.queue.idle();
    const requests = site.sim.meter.requests;
    const label = `${row.key} as ${who.name}`;
    if (expected === 'deny') {
      expect({ label, res }).toEqual({
        label,
        res: { ok: false, error: { code: 'FORBIDDEN', message: expect.any(String) } },
      });
      expect({
        label,
        endpoints: requests.filter((r) => r.endpoint !== PERMISSION_CHECK && r.endpoint !== IDENTITY_CHECK),
      }).toEqual({
        label,
        endpoints: [],
      });
      if (!who.principal || who.name === 'garbled context')
        expect({ label, requests }).toEqual({ label, requests: [] });
    } else {
      // Authorized: a result, or a typed refusal that is not the app's authorization (Jira may still refuse).
      if (!res.ok) {
        expect({ label, code: res.error.code }).not.toEqual({ label, code: 'INTERNAL' });
        expect({ label, message: res.error.message }).not.toEqual({
          label,
          message: 'Only Jira administrators can use User Admin.',
        });
      }
      // With its fixtures, the site admin's call does the real work (a retry has nothing retryable to retry).
      if (who.name === 'site admin' && HAS_FIXTURE.has(row.key) && row.key !== 'retryBulkFailures')
        expect({ label, ok: res.ok }).toEqual({ label, ok: true });
      if (expected === 'allow (live)')
        expect({ label, asked: requests.some((r) => r.endpoint === PERMISSION_CHECK) }).toEqual({ label, asked: true });
    }
    if (expected === 'deny' || expected === 'allow (cached)') {
      expect({ label, jiraWrites: site.sim.meter.writes() }).toEqual({ label, jiraWrites: [] });
      expect({ label, kvs: kvsDiff(kvsBefore, kvsSnapshot(site)) }).toEqual({ label, kvs: [] });
      expect({ label, kvsWrites: kvsWriteOps(site, opsBefore) }).toEqual({ label, kvsWrites: [] });
      expect(simState()).toBe(simBefore);
    }
    seen.set(`${row.key}|${who.name}`, expected);
  }

  // Denials first (fixtures intact), then the administrators.
  for (const name of [
    'regular',
    'no access',
    'app account',
    'missing context',
    'garbled context',
    'site admin',
    'Jira admin only',
  ]) {
    it(`every resolver key as ${name}`, async () => {
      for (const row of resolverRows) await check(row, identity(name));
    });
  }

  /** Every event the app pushes, as Forge's queue receives it (queue name and body). */
  const pushed: Array<{ queue: string; body: Record<string, unknown> }> = [];
  function recordPushes() {
    const handle = site.queue.handle.bind(site.queue);
    site.queue.handle = (path: string, body: unknown) => {
      const req = (body ?? {}) as { queueName?: string; payload?: Array<{ body?: Record<string, unknown> }> };
      if (path.startsWith('/webhook/queue/publish/'))
        for (const e of req.payload ?? []) pushed.push({ queue: String(req.queueName), body: e.body ?? {} });
      return handle(path, body);
    };
  }
  const lastPushed = (queue: string) => [...pushed].reverse().find((p) => p.queue === queue)?.body;

  /**
   * A real event for the consumer: a bulk job created now by the site admin (3 people into a group), the
   * daily health check's run, or the daily crawl — made with the queue held, so the matrix's own
   * invocation is the first to deliver it.
   */
  async function realEvent(row: MatrixRow): Promise<{ body: Record<string, unknown>; creator?: string }> {
    const queue = readManifest().modules.consumer?.find((c) => c.key === row.key)?.queue as string;
    const before = pushed.length;
    if (queue === 'bulk-jobs') {
      const group = site.sim.state.groups.get(f.groupId);
      const users = [...site.sim.state.users.values()]
        .filter((u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId))
        .slice(0, 3)
        .map((u) => u.accountId);
      const res = await invokeAsIdentity<Envelope<unknown>>(site, identity('site admin'), 'createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: users,
        groupIds: [f.groupId],
        confirmLicence: true,
      });
      expect({ res }).toEqual({ res: expect.objectContaining({ ok: true }) });
      return { body: lastPushed(queue) as Record<string, unknown>, creator: identity('site admin').principal };
    }
    if (queue === 'user-event-retry') {
      // What the user-event trigger pushes when a platform limit holds a Jira user event back.
      const person = [...site.sim.state.users.values()].find((u) => u.accountType === 'atlassian' && u.active);
      return { body: { eventType: 'avi:jira:updated:user', accountId: person?.accountId } };
    }
    if (!lastPushed(queue)) {
      const trigger = rows.find(
        (r) => r.kind === 'scheduledTrigger' && (queue === 'functional-health') === /health/.test(r.key),
      ) as MatrixRow;
      const who = identity('site admin');
      await runInvocation({ moduleKey: trigger.key, timeoutMs: FORGE_LIMITS.consumerTimeoutMs }, () =>
        backgroundFn(trigger)({ context: { ...who.context(site), moduleKey: trigger.key } }, who.runtime(site)),
      );
    }
    expect({ queue, pushed: pushed.length > before || !!lastPushed(queue) }).toEqual({ queue, pushed: true });
    return { body: lastPushed(queue) as Record<string, unknown> };
  }

  const backgroundFn = (row: MatrixRow) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = (require('../../src/index') as Record<string, (a: unknown, b: unknown) => Promise<unknown>>)[
      row.exportName ?? ''
    ];
    expect(typeof fn).toBe('function');
    return fn as (a: unknown, b: unknown) => Promise<unknown>;
  };

  for (const row of backgroundRows) {
    it(`${row.kind} ${row.key}: whom it acts as, for anyone, and not at all without an installation`, async () => {
      const fn = backgroundFn(row);
      site.queue.configure({ maxConcurrency: 0 });
      try {
        for (const who of IDENTITIES) {
          const expected = row.expect[who.name];
          // A consumer gets a real event: for the bulk consumer a fresh job per identity, so each delivery has work.
          const event = row.kind === 'consumer' ? await realEvent(row) : undefined;
          site.sim.meter.reset();
          const kvsBefore = kvsSnapshot(site);
          const opsBefore = site.kvs.operations.length;
          const context = who.context(site);
          const runtime = who.runtime(site);
          const first = event
            ? { body: event.body, queueName: 'matrix', jobId: 'matrix-job', eventId: `matrix-${who.name}`, context }
            : { context: { ...context, moduleKey: row.key } };
          const second = { ...runtime, moduleKey: row.key };
          await runInvocation(
            { accountId: who.principal, moduleKey: row.key, timeoutMs: FORGE_LIMITS.consumerTimeoutMs },
            () => fn(first, second),
          );
          const label = `${row.key} as ${who.name}`;
          const requests = site.sim.meter.requests;
          if (expected === 'refused') {
            expect({ label, requests }).toEqual({ label, requests: [] });
            expect({ label, kvs: kvsDiff(kvsBefore, kvsSnapshot(site)) }).toEqual({ label, kvs: [] });
            expect({ label, kvsWrites: kvsWriteOps(site, opsBefore) }).toEqual({ label, kvsWrites: [] });
          } else if (expected === 'acts as job creator') {
            // The job's slice ran: it asked Jira, and only ever as the job's creator.
            expect({ label, asked: requests.length > 0 }).toEqual({ label, asked: true });
            const others = requests.filter((r) => r.principal !== `user:${event?.creator}`);
            expect({ label, others }).toEqual({ label, others: [] });
          } else {
            const notApp = requests.filter((r) => r.principal !== 'app');
            expect({ label, notApp }).toEqual({ label, notApp: [] });
          }
          seen.set(`${row.key}|${who.name}`, expected);
        }
      } finally {
        site.queue.configure({ maxConcurrency: 8 });
        await site.queue.idle();
      }
    });
  }

  it('covered every key and module of the contract and manifest, as every identity', () => {
    expect(seen.size).toBe(rows.length * IDENTITIES.length);
    // The features define exactly the contract's keys, each with its authorization mode.
    expect(Object.keys(RESOLVER_DEFINITIONS).sort()).toEqual([...RESOLVER_KEYS].sort());
    expect(installContextOf(site)).toMatch(/^ari:cloud:jira::site\//);
  });
});
