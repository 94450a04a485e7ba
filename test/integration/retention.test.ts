import type { AuditPage, BulkJobView, Envelope, SettingsView } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { DEFAULT_SETTINGS } from '../../src/store/settings';
import { entriesOf } from '../../src/features/audit/audit-store';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;

/**
 * Issue 19, item 8: audit entries and bulk-job records expire by KVS TTL after configurable periods
 * (defaults 400 and 90 days), so nothing the app writes is kept for good; changing a period applies to
 * what is written after the change.
 */
describe('retention by TTL', () => {
  let site: LocalSite;
  let clock = Date.now();
  const cacheBefore = process.env.SETTINGS_CACHE_MS;
  beforeAll(async () => {
    // Each warm container reuses the settings it read for up to 60 s of real time (store/settings.ts): here
    // they read them afresh, so "applies to what is written after the change" is checked without waiting.
    process.env.SETTINGS_CACHE_MS = '0';
    site = await startTestSite({ seed: { users: 60, groups: 20 } });
    site.kvs.now = () => clock;
  });
  afterAll(() => {
    if (cacheBefore === undefined) delete process.env.SETTINGS_CACHE_MS;
    else process.env.SETTINGS_CACHE_MS = cacheBefore;
    return site.close();
  });

  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const expireAt = (key: string) => {
    const res = site.kvs.handle('/api/v1/get', { key }) as { body?: { expireTime?: string } };
    return res.body?.expireTime ? Date.parse(res.body.expireTime) : undefined;
  };
  const jobKeys = (jobId: string) => site.kvs.keys().filter((k) => /^jobs?:/.test(k) && k.includes(jobId));
  const auditKeys = () => site.kvs.keys().filter((k) => k.startsWith('audit:'));

  async function runJob(): Promise<BulkJobView> {
    const group = [...site.sim.state.groups.values()].find((g) => g.name === 'team-data');
    const users = [...site.sim.state.users.values()]
      .filter((u) => u.accountType === 'atlassian' && u.active && !group?.members.has(u.accountId))
      .slice(0, 3)
      .map((u) => u.accountId);
    const job = await ok(
      call<BulkJobView>('createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: users,
        groupIds: [group?.groupId],
      }),
    );
    await site.queue.idle();
    return job;
  }

  it('every audit entry and every key of a job carries the default TTL', async () => {
    const job = await runJob();
    const keys = jobKeys(job.jobId);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const k of [...keys, ...auditKeys()]) {
      const days = k.startsWith('audit:') ? DEFAULT_SETTINGS.auditRetentionDays : DEFAULT_SETTINGS.jobRetentionDays;
      const at = expireAt(k);
      expect({ k, at: at !== undefined }).toEqual({ k, at: true });
      // Written within the last minute of the store's clock, so it expires within that minute of `days` from now.
      expect(Math.abs((at as number) - (clock + days * DAY))).toBeLessThan(60_000);
    }
  });

  it('a changed period applies to what is written after it; expired entries are gone from the log and the store', async () => {
    const before = new Set(auditKeys());
    await ok(call<SettingsView>('saveSettings', { auditRetentionDays: 30, jobRetentionDays: 10 }));
    const job = await runJob();
    const fresh = auditKeys().filter((k) => !before.has(k));
    // The settings change's entry and the job's (one value per checkpoint: audit-store.ts packs a job's entries).
    expect(fresh.length).toBeGreaterThan(1);
    expect(fresh.flatMap((k) => entriesOf(site.kvs.peek(k))).length).toBeGreaterThan(3);
    for (const k of fresh) expect(Math.abs((expireAt(k) as number) - (clock + 30 * DAY))).toBeLessThan(60_000);
    for (const k of jobKeys(job.jobId))
      expect(Math.abs((expireAt(k) as number) - (clock + 10 * DAY))).toBeLessThan(60_000);

    // Eleven days on: the new job is gone, the older one and every audit entry are still there.
    clock += 11 * DAY;
    expect(jobKeys(job.jobId)).toEqual([]);
    expect(auditKeys().length).toBe(before.size + fresh.length);
    // Thirty-one days on: the entries written under the 30-day period are gone from the Audit tab too.
    clock += 20 * DAY;
    const log = await ok(call<AuditPage>('listAudit', { pageSize: 200 }));
    const ids = new Set(log.entries.map((e) => e.id));
    expect(fresh.filter((k) => ids.has(k.split(':').pop() as string))).toEqual([]);
    expect(auditKeys().filter((k) => fresh.includes(k))).toEqual([]);
    // Four hundred days on: nothing written by the app survives but what has no reason to expire.
    clock += 400 * DAY;
    expect(auditKeys().filter((k) => before.has(k))).toEqual([]);
    await ok(call<SettingsView>('saveSettings', { auditRetentionDays: 400, jobRetentionDays: 90 }));
  });

  it('refuses periods out of bounds, and changes nothing', async () => {
    for (const days of [0, 6, 731]) {
      const res = await call<SettingsView>('saveSettings', { auditRetentionDays: days });
      expect(res.ok ? 'ok' : res.error.code).toBe('INVALID_INPUT');
    }
    expect((await ok(call<SettingsView>('getSettings'))).auditRetentionDays).toBe(400);
  });
});
