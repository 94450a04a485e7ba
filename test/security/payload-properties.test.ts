import fc from 'fast-check';
import { RESOLVER_KEYS, type Envelope, type ErrorCode } from '../../src/contract';
import { ROUTES } from '../../local/jira-sim/server';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, startTestSite } from '../support/site';
import { kvsDiff, kvsSnapshot, kvsWriteOps } from '../support/security';
import { createFixtures, payloadFor, type Fixtures } from '../support/security-fixtures';

/**
 * Property-based tests (fast-check) over every resolver's payload, as a site administrator: junk,
 * arbitrary JSON, and the realistic payload with fields replaced by hostile values. Every answer is a
 * result or a typed error — never INTERNAL; a payload refused as invalid writes nothing to Jira or KVS;
 * every Jira request goes to a documented route template (nothing from a payload reaches a path).
 * Runs are seeded (FUZZ_SEED) and counted (FUZZ_RUNS per key, default 50) so the suite stays fast.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const ADMIN = NAMED_USERS.siteAdmin.accountId;
const TYPED: ReadonlySet<ErrorCode> = new Set([
  'FORBIDDEN',
  'SITE_ADMIN_REQUIRED',
  'CONFIRMATION_REQUIRED',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'JIRA_ERROR',
]);
const KNOWN_ROUTES = new Set(ROUTES.map((r) => `${r.method} ${r.template}`));

const hostile = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '__proto__',
    'constructor',
    '=1+1',
    '../../rest/api/3/user',
    '..%2F..%2Frest',
    'a&accountId=x',
    '?x=1#y',
    '\u0000',
    '🙂',
    'x'.repeat(5000),
    '712020:00000000-0000-4000-a000-000000000001',
    'someone@example.com',
    '00000000-0000-4000-a000-000000000000',
    -1,
    0,
    1e21,
    Number.MAX_SAFE_INTEGER,
    1.5,
    true,
    null,
    [],
    {},
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
);

/** Payloads for a key: junk, arbitrary JSON, and the realistic payload with one to three fields replaced. */
function payloads(base: unknown): fc.Arbitrary<unknown> {
  const baseObject = base && typeof base === 'object' ? (base as Record<string, unknown>) : {};
  const names = [...Object.keys(baseObject), 'cursor', 'startAt', 'pageSize', 'query', '__proto__', 'constructor'];
  const mutated = fc
    .array(fc.tuple(fc.constantFrom(...names), hostile), { minLength: 1, maxLength: 3 })
    .map((changes) => {
      const out: Record<string, unknown> = { ...baseObject };
      for (const [k, v] of changes) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true });
      return out;
    });
  return fc.oneof(
    { weight: 1, arbitrary: hostile },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 4, arbitrary: mutated },
  );
}

describe('every resolver’s payload, fuzzed', () => {
  let site: LocalSite;
  let fixtures: Fixtures;
  let cases = 0;
  const outcomes = new Map<string, number>();
  beforeAll(async () => {
    // Hundreds of fuzzed invocations a minute: KVS's per-minute budget is for real use, not this.
    site = await startTestSite({
      seed: { users: 150, groups: 12, serviceDesks: 1 },
      allowForgeUserCreation: true,
      kvsRateLimits: false,
    });
    fixtures = await createFixtures(site);
    await site.queue.idle();
  });
  afterAll(async () => {
    await site.queue.idle();
    await site.close();
    console.info(
      `fuzz: ${cases} payloads over ${RESOLVER_KEYS.length} resolver keys (seed ${SEED}, ${RUNS} per key): ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
  });

  it.each([...RESOLVER_KEYS])(
    '%s: a typed error or a result, nothing written for invalid input, only known routes',
    async (key) => {
      await fc.assert(
        fc.asyncProperty(payloads(payloadFor(key, fixtures)), async (raw) => {
          cases += 1;
          // The bridge sends JSON: what cannot be serialized does not arrive.
          const payload = JSON.parse(JSON.stringify(raw ?? null)) as unknown;
          await site.queue.idle();
          site.sim.meter.reset();
          const before = kvsSnapshot(site);
          const ops = site.kvs.operations.length;
          const res = await invokeAs<Envelope<unknown>>(site, ADMIN, key, payload);
          await site.queue.idle();
          expect(typeof res).toBe('object');
          const outcome = res.ok ? 'ok' : res.error.code;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (!res.ok) {
            expect({ key, payload, code: res.error.code, known: TYPED.has(res.error.code) }).toEqual({
              key,
              payload,
              code: res.error.code,
              known: true,
            });
            expect(typeof res.error.message).toBe('string');
            if (res.error.code === 'INVALID_INPUT') {
              expect({ key, payload, writes: site.sim.meter.writes() }).toEqual({ key, payload, writes: [] });
              expect({ key, payload, kvs: kvsDiff(before, kvsSnapshot(site)) }).toEqual({ key, payload, kvs: [] });
              expect(kvsWriteOps(site, ops)).toEqual([]);
            }
          }
          const unknown = site.sim.meter.requests.filter((r) => !KNOWN_ROUTES.has(`${r.method} ${r.endpoint}`));
          expect({ key, payload, unknown }).toEqual({ key, payload, unknown: [] });
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    },
  );
});
