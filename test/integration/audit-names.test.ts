import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTIONS, type AuditPage, type Envelope } from '../../src/contract';
import { auditStore } from '../../src/features/audit/audit-store';
import { SCHEDULED_ACTOR } from '../../src/features/audit/audit-names';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

/**
 * The audit log for people: who acted and whom a change touched show as names (resolved when read, never
 * stored, emails redacted), a person's name finds entries that hold only their account ID (as bulk changes
 * log them), and the Action filter's list covers every action the services log.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;

describe('audit log names', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  beforeAll(async () => {
    site = await startTestSite();
  });
  afterAll(() => site.close());

  it('shows names for the actor and for targets logged by ID only, and finds them by name', async () => {
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && /^[A-Z][a-z]+ [A-Z]/.test(u.displayName),
    );
    if (!person) throw new Error('seed has no named person');
    const group = [...site.sim.state.groups.values()][5];
    if (!group) throw new Error('seed has no groups');
    // As a bulk change logs an item: the target's account ID, no name.
    await auditStore.record({
      actor: ADMIN,
      action: 'group.member.add',
      targetType: 'user',
      targetId: person.accountId,
      objectType: 'group',
      objectId: group.groupId,
      objectLabel: group.name,
      result: 'done',
      jobId: 'job-1',
    });
    const firstName = person.displayName.split(' ')[0] as string;
    const page = await ok(call<AuditPage>('listAudit', { text: firstName }));
    const entry = page.entries.find((e) => e.targetId === person.accountId);
    expect(entry?.targetLabel).toBe(person.displayName);
    expect(entry?.actorName).toBe(site.sim.state.users.get(ADMIN)?.displayName);
    expect(page.entries.every((e) => e.targetLabel !== undefined)).toBe(true);
    // Nothing about names was written back to the store.
    const stored = (await auditStore.page(undefined, 100)).entries.find((e) => e.targetId === person.accountId);
    expect(stored?.targetLabel).toBeUndefined();
    expect(stored).not.toHaveProperty('actorName');
    // The CSV holds the same names beside the IDs, for the same filter.
    const csv = await ok(call<{ csv: string; rows: number }>('exportAuditCsv', { text: firstName }));
    const [header, ...lines] = csv.csv.split('\n');
    expect(header).toBe(
      'When (UTC),Changed by,Changed by (account ID),Action,Target type,Target,Target ID,In,In (name),In (ID),Result,Detail,Bulk job',
    );
    const line = lines.find((l) => l.includes(person.accountId));
    expect(line).toContain(`"${person.displayName}"`);
    expect(line).toContain(`"${site.sim.state.users.get(ADMIN)?.displayName}"`);
    expect(csv.rows).toBe(page.entries.length);
    // The administrator's name finds what they did.
    const adminFirst = (site.sim.state.users.get(ADMIN)?.displayName ?? '').split(' ')[0] as string;
    const byActor = await ok(call<AuditPage>('listAudit', { text: adminFirst }));
    expect(byActor.entries.some((e) => e.targetId === person.accountId)).toBe(true);
  });

  it('redacts a display name that is an email', async () => {
    const person = [...site.sim.state.users.values()].find(
      (u) => u.accountType === 'atlassian' && u.active && u.accountId !== ADMIN,
    );
    if (!person) throw new Error('seed has no person');
    person.displayName = 'mailbox.owner@example.com';
    await auditStore.record({
      actor: ADMIN,
      action: 'group.member.remove',
      targetType: 'user',
      targetId: person.accountId,
      result: 'done',
    });
    const page = await ok(call<AuditPage>('listAudit', { action: 'group.member.remove' }));
    const entry = page.entries.find((e) => e.targetId === person.accountId);
    expect(entry?.targetLabel).toBe('[email]');
    expect(JSON.stringify(page)).not.toMatch(/@/);
  });

  it('names the scheduled health check as the actor of its own entries', async () => {
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle(); // the trigger starts a queued run; its last slice writes the audit entry
    const page = await ok(call<AuditPage>('listAudit', { action: 'functional.health-check' }));
    expect(page.entries[0]?.actor).toBe(SCHEDULED_ACTOR);
    expect(page.entries[0]?.actorName).toBe('Daily health check (scheduled)');
  });

  it('offers every action the services log in the Action list', () => {
    const dir = join(__dirname, '../../src/features');
    const logged = new Set<string>();
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter(
      (f) => /\.ts$/.test(f) && !/(^|\/)ui\//.test(f),
    );
    for (const file of files) {
      const src = readFileSync(join(dir, file), 'utf8');
      for (const m of src.matchAll(/action:[^\n]*/g))
        for (const q of m[0].matchAll(/'([a-z]+(?:\.[a-z-]+)+)'/g)) logged.add(q[1] as string);
    }
    expect(logged.size).toBeGreaterThan(10);
    const offered = new Set<string>(AUDIT_ACTIONS.map((a) => a.action));
    expect([...logged].filter((a) => !offered.has(a))).toEqual([]);
  });
});
