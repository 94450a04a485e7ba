/**
 * The functional health check's runs in KVS, all small values:
 * - `fa-health:last`: the last finished run's summary;
 * - `fa-health:running`: which run is under way (created only if absent, so one run at a time; expires
 *   after RUN_LOCK_HOURS in case a run never finishes);
 * - `fa-health:run:<runId>`: the run's header (who started it, when, whether it is done);
 * - `fa-health:run:<runId>:plan`: the run's slicing, created once; `…:pushed` once its events are pushed;
 * - `fa-health:run:<runId>:<prep>:in:<n>`: slice n's input (account ids and what Jira said about them);
 * - `fa-health:run:<runId>:<prep>:done:<n>`: slice n's result (counts only).
 * - `fa-health:run:<runId>:watch`: the watchdog's last resume of the run (health-run-watchdog.ts), and
 *   `…:watch:<done>:<round>` create-only claims of each round;
 * `prep` names one preparation of the run, so slices of a preparation that lost a race are ignored.
 * Run entries expire on their own (TTL) and are deleted when the run finishes.
 * No lost update (issue 19, item 5): the header is written whole when a run starts (a new key) and changed
 * only by finishRun, under the run's record lock; the plan and round claims are create-only; slice results
 * have one key each; `fa-health:last` is written only inside that locked finish.
 */
import { WhereConditions } from '@forge/kvs';
import { kvs } from '../../store/kvs-retry';
import type { HealthRun } from '../../contract';
import { isKeyConflict } from '../../store/kvs-conflict';
import type { UserFact } from './functional-health';

const LAST_KEY = 'fa-health:last';
const LOCK_KEY = 'fa-health:running';
const RUN_PREFIX = 'fa-health:run:';
export const RUN_LOCK_HOURS = 1;
const RUN_TTL = { value: 7, unit: 'DAYS' } as const;
const BATCH = 25;

export interface RunHeader {
  runId: string;
  /** When the run started; every slice checks as of this instant. */
  at: string;
  /** The administrator's account ID, or "scheduled". */
  startedBy: string;
  siteId: string;
  /** Written twice: when the run starts, and when it is done (with its summary). */
  status: 'running' | 'done';
  summary?: HealthRun;
}

/** The one preparation a run's slices follow; written once (the first preparation to finish wins). */
export interface RunPlan {
  prep: string;
  slices: number;
  /** Registry entries that could not be read. */
  unreadable: number;
  jiraRequests: number;
  /** When the plan was saved (progress, for the watchdog). */
  preparedAt?: string;
}

export interface SliceInput {
  accountIds: string[];
  users: Record<string, UserFact>;
  /** Accounts of the slice that belong to an admin group → that group's name. */
  admins: Record<string, string>;
}

export interface SliceResult {
  checked: number;
  findings: number;
  failed: number;
  /** When the slice finished (progress, for the watchdog). */
  at?: string;
}

/** The watchdog's last look at a stuck run: which round of resuming, when, and how many slices were done. */
export interface RunWatch {
  round: number;
  at: string;
  done: number;
}

const pad = (n: number) => String(n).padStart(6, '0');
const headerKey = (runId: string) => `${RUN_PREFIX}${runId}`;
const inKey = (runId: string, prep: string, n: number) => `${RUN_PREFIX}${runId}:${prep}:in:${pad(n)}`;
const doneKey = (runId: string, prep: string, n: number) => `${RUN_PREFIX}${runId}:${prep}:done:${pad(n)}`;
const planKey = (runId: string) => `${RUN_PREFIX}${runId}:plan`;
const pushedKey = (runId: string) => `${RUN_PREFIX}${runId}:pushed`;

async function keysWith<T>(prefix: string): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  let cursor: string | undefined;
  do {
    const q = kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(100);
    const res = await (cursor ? q.cursor(cursor) : q).getMany<T>();
    out.push(...res.results);
    cursor = res.nextCursor;
  } while (cursor);
  return out;
}

export interface HealthRunStore {
  lastSummary(): Promise<HealthRun | undefined>;
  putSummary(run: HealthRun): Promise<void>;
  /** Takes the one-run-at-a-time lock for `runId`; false when another run holds it. */
  lock(runId: string, at: string): Promise<boolean>;
  /** The run holding the lock, if any. */
  running(): Promise<{ runId: string; at: string } | undefined>;
  /** Releases the lock if `runId` holds it. */
  unlock(runId: string): Promise<void>;
  header(runId: string): Promise<RunHeader | undefined>;
  putHeader(header: RunHeader): Promise<void>;
  removeHeader(runId: string): Promise<void>;
  plan(runId: string): Promise<RunPlan | undefined>;
  /** Creates the run's plan unless one exists; answers the plan that holds. */
  putPlan(runId: string, plan: RunPlan): Promise<RunPlan>;
  pushed(runId: string): Promise<boolean>;
  markPushed(runId: string): Promise<void>;
  /** One read for what a slice delivery needs: header, plan, the slice's result (if done) and its input. */
  sliceState(
    runId: string,
    prep: string,
    n: number,
  ): Promise<{ header?: RunHeader; plan?: RunPlan; done?: SliceResult; input?: SliceInput }>;
  putInputs(runId: string, prep: string, inputs: SliceInput[]): Promise<void>;
  putResult(runId: string, prep: string, n: number, result: SliceResult): Promise<void>;
  /** Results of every finished slice of `prep`, by slice number. */
  results(runId: string, prep: string): Promise<Map<number, SliceResult>>;
  /** Deletes every entry of the run but its header (plan, slices of all preparations); the header expires. */
  clearSlices(runId: string): Promise<void>;
  watch(runId: string): Promise<RunWatch | undefined>;
  putWatch(runId: string, watch: RunWatch): Promise<void>;
  /** Claims a round of the watchdog (create-only); false when another watchdog has it. */
  claimRound(runId: string, done: number, round: number): Promise<boolean>;
}

export const healthRunStore: HealthRunStore = {
  lastSummary: () => kvs.get<HealthRun>(LAST_KEY),
  putSummary: (run) => kvs.set(LAST_KEY, run),
  async lock(runId, at) {
    try {
      await kvs.set(
        LOCK_KEY,
        { runId, at },
        { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: RUN_LOCK_HOURS, unit: 'HOURS' } },
      );
      return true;
    } catch (err) {
      if (isKeyConflict(err)) return false;
      throw err;
    }
  },
  running: () => kvs.get<{ runId: string; at: string }>(LOCK_KEY),
  async unlock(runId) {
    if ((await kvs.get<{ runId: string }>(LOCK_KEY))?.runId === runId) await kvs.delete(LOCK_KEY);
  },
  header: (runId) => kvs.get<RunHeader>(headerKey(runId)),
  putHeader: (header) => kvs.set(headerKey(header.runId), header, { ttl: RUN_TTL }),
  removeHeader: (runId) => kvs.delete(headerKey(runId)),
  plan: (runId) => kvs.get<RunPlan>(planKey(runId)),
  async putPlan(runId, plan) {
    try {
      await kvs.set(planKey(runId), plan, { keyPolicy: 'FAIL_IF_EXISTS', ttl: RUN_TTL });
      return plan;
    } catch (err) {
      const held = isKeyConflict(err) ? await kvs.get<RunPlan>(planKey(runId)) : undefined;
      if (held) return held;
      throw err;
    }
  },
  pushed: async (runId) => (await kvs.get<boolean>(pushedKey(runId))) === true,
  markPushed: (runId) => kvs.set(pushedKey(runId), true, { ttl: RUN_TTL }),
  async sliceState(runId, prep, n) {
    const res = await kvs.batchGet<unknown>([
      { key: headerKey(runId) },
      { key: planKey(runId) },
      { key: doneKey(runId, prep, n) },
      { key: inKey(runId, prep, n) },
    ]);
    const value = (key: string) => res.successfulKeys.find((k) => k.key === key)?.value;
    return {
      header: value(headerKey(runId)) as RunHeader | undefined,
      plan: value(planKey(runId)) as RunPlan | undefined,
      done: value(doneKey(runId, prep, n)) as SliceResult | undefined,
      input: value(inKey(runId, prep, n)) as SliceInput | undefined,
    };
  },
  async putInputs(runId, prep, inputs) {
    for (let i = 0; i < inputs.length; i += BATCH) {
      const items = inputs
        .slice(i, i + BATCH)
        .map((value, j) => ({ key: inKey(runId, prep, i + j), value, options: { ttl: RUN_TTL } }));
      const res = await kvs.batchSet(items);
      if (res.failedKeys.length > 0)
        throw new Error(
          `Could not save ${res.failedKeys.length} health-check slices (${res.failedKeys[0]?.error.code}).`,
        );
    }
  },
  putResult: (runId, prep, n, result) => kvs.set(doneKey(runId, prep, n), result, { ttl: RUN_TTL }),
  async results(runId, prep) {
    const prefix = `${RUN_PREFIX}${runId}:${prep}:done:`;
    const entries = await keysWith<SliceResult>(prefix);
    return new Map(entries.map((e) => [Number(e.key.slice(prefix.length)), e.value]));
  },
  watch: (runId) => kvs.get<RunWatch>(`${RUN_PREFIX}${runId}:watch`),
  putWatch: (runId, watch) => kvs.set(`${RUN_PREFIX}${runId}:watch`, watch, { ttl: RUN_TTL }),
  async claimRound(runId, done, round) {
    try {
      await kvs.set(`${RUN_PREFIX}${runId}:watch:${done}:${round}`, true, {
        keyPolicy: 'FAIL_IF_EXISTS',
        ttl: RUN_TTL,
      });
      return true;
    } catch (err) {
      if (isKeyConflict(err)) return false;
      throw err;
    }
  },
  async clearSlices(runId) {
    const keys = (await keysWith<unknown>(`${RUN_PREFIX}${runId}:`)).map((e) => e.key);
    for (let i = 0; i < keys.length; i += BATCH)
      await kvs.batchDelete(keys.slice(i, i + BATCH).map((key) => ({ key })));
  },
};
