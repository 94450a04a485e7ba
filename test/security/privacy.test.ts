import { RESOLVER_KEYS, type BulkJobView, type Envelope } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';
import { createFixtures, payloadFor } from '../support/security-fixtures';

/**
 * Privacy: after a representative run — every resolver key as a site administrator with realistic
 * payloads, a bulk job through the queue, the scheduled triggers, lost answers, and traps (a group named
 * after an email, an account whose display name is an email, a customer whose name is an email) — no
 * seeded email appears in any KVS value, audit entry or captured log line.
 */
const ADMIN = NAMED_USERS.siteAdmin.accountId;
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/i;

describe('no email at rest or in logs', () => {
  let site: LocalSite;
  const logs: string[] = [];
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      spies.push(
        jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          logs.push(args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' '));
        }),
      );
    site = await startTestSite({ seed: { users: 150, groups: 12, serviceDesks: 1 }, allowForgeUserCreation: true });
    // Traps: Jira data that holds emails.
    const trapGroup = [...site.sim.state.groups.values()].find((g) => g.name.startsWith('team-'));
    if (trapGroup) trapGroup.name = 'ops-lead.trap@example.com';
    const app = [...site.sim.state.users.values()].filter((u) => u.accountType === 'app')[2];
    if (app) app.displayName = 'robot.trap@example.com';
  });
  afterAll(async () => {
    await site.close();
    for (const s of spies) s.mockRestore();
  });

  it('runs a representative workload', async () => {
    const f = await createFixtures(site);
    const call = (key: string, payload: unknown) => invokeAs<Envelope<unknown>>(site, ADMIN, key, payload);
    const trapGroup = [...site.sim.state.groups.values()].find((g) => g.name === 'ops-lead.trap@example.com');
    const trapApp = [...site.sim.state.users.values()].find((u) => u.displayName === 'robot.trap@example.com');
    const person = [...site.sim.state.users.values()].find((u) => u.accountType === 'atlassian' && u.active);
    // Every key once with realistic payloads.
    for (const key of RESOLVER_KEYS) await call(key, payloadFor(key, f));
    // A registry record for an account named after an email; a job labelled by a group named after one.
    await ok(
      call('registerFunctional', {
        accountId: trapApp?.accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: trapGroup?.groupId,
        purpose: 'Trap',
        integration: 'Trap',
      }),
    );
    const job = (await ok(
      call('createBulkJob', {
        operation: 'add-users-to-group',
        accountIds: [person?.accountId, '712020:does-not-exist'],
        groupIds: [trapGroup?.groupId],
        confirmLicence: true,
      }),
    )) as BulkJobView;
    await call('runBulkJob', { jobId: job.jobId });
    // A customer whose display name is an email; a lost answer on the way.
    site.sim.faults.configure({ lostResponses: [{ method: 'POST', path: '/rest/servicedeskapi/customer', times: 1 }] });
    await call('provisionCustomer', {
      email: 'privacy.customer@clients.example.org',
      displayName: 'privacy.customer@clients.example.org',
      deskIds: [f.deskId],
    });
    site.sim.faults.configure({});
    await call('addGroupMember', { groupId: trapGroup?.groupId, accountId: NAMED_USERS.regular.email });
    await call('resolveIdentifiers', { text: [...site.sim.state.users.values()].map((u) => u.email).join('\n') });
    await call('listUsers', { query: NAMED_USERS.regular.email });
    await call('listAudit', { text: NAMED_USERS.regular.email });
    await call('exportAuditCsv', { text: 'trap' });
    await call('runHealthCheck', {});
    await site.runScheduledTrigger('daily-functional-health');
    await site.queue.idle();
    expect(site.kvs.keys().length).toBeGreaterThan(10);
  });

  it('stored no seeded email in any KVS value or key, and no email-shaped text at all', () => {
    const emails = [...site.sim.state.users.values()].map((u) => u.email.toLowerCase());
    emails.push('privacy.customer@clients.example.org', 'robot.trap@example.com', 'ops-lead.trap@example.com');
    const leaks: string[] = [];
    for (const key of site.kvs.keys()) {
      const text = `${key} ${JSON.stringify(site.kvs.peek(key))}`.toLowerCase();
      for (const e of emails) if (text.includes(e)) leaks.push(`${key}: ${e}`);
      const shaped = EMAIL.exec(text);
      if (shaped) leaks.push(`${key}: email-shaped ${shaped[0]}`);
    }
    expect(leaks).toEqual([]);
    // The audit log is part of KVS; make sure it was really written and scanned.
    expect(site.kvs.keys().filter((k) => k.startsWith('audit:')).length).toBeGreaterThan(20);
  });

  it('logged no seeded email', () => {
    const emails = [...site.sim.state.users.values()].map((u) => u.email.toLowerCase());
    const leaks = logs.filter((line) => emails.some((e) => line.toLowerCase().includes(e)) || EMAIL.test(line));
    expect(leaks).toEqual([]);
  });
});
