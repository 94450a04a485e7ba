import type {
  AuditEntryView,
  CreateFunctionalResult,
  CredentialView,
  Envelope,
  FunctionalAccountView,
  RoleView,
} from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { runInvocation } from '../../local/forge-runtime/runtime';
import { auditStore } from '../../src/features/audit/audit-store';
import {
  functionalStore,
  type FunctionalRecord,
  type FunctionalStore,
} from '../../src/features/functional-accounts/functional-store';
import { handOverSlice, type HandoverJob } from '../../src/features/functional-accounts/escalation/handover';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;

/**
 * No lost update on a functional account (issue 19, item 5): concurrent invocations that change one
 * account's record run one after the other (a create-only lock key per record, src/store/record-lock.ts),
 * so every answer the caller gets is true of what is stored. KVS answers after a few ms, as Forge's
 * does, so the calls' reads and writes interleave; without the lock the pair tests below lose updates.
 */
describe('concurrent changes to one functional account', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const team = () => [...site.sim.state.groups.values()].find((g) => g.name === 'team-data')?.groupId;
  const people = () =>
    [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
  const stored = (accountId: string) => site.kvs.peek(`fa:${accountId}`) as FunctionalRecord;
  const active = (r: { credentials: CredentialView[] }) => r.credentials.filter((c) => c.status === 'active');
  const audited = (action: string, accountId: string) =>
    site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:'))
      .map((k) => site.kvs.peek(k) as AuditEntryView)
      .filter((e) => e.action === action && e.targetId === accountId);
  const register = (accountId: string) =>
    ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: team(),
        purpose: 'Sync',
        integration: 'Tool',
      }),
    );
  const addToken = (accountId: string, label: string) =>
    ok(
      call<FunctionalAccountView>('addCredential', {
        accountId,
        type: 'api-token',
        label,
        expiresAt: new Date(Date.now() + 100 * DAY).toISOString(),
      }),
    );
  const rotate = (accountId: string, credentialId: string, label: string) =>
    call<FunctionalAccountView>('rotateCredential', { accountId, credentialId, label });

  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 80, groups: 20 }, kvsLatencyMs: 3 });
  });
  afterAll(() => site.close());

  it('100 pairs of rotations of the same credential at once: exactly one of each pair applies, the other is told CONFLICT', async () => {
    const accounts = people()
      .slice(0, 20)
      .map((u) => u.accountId);
    for (const a of accounts) {
      await register(a);
      await addToken(a, 'v0');
    }
    for (let round = 1; round <= 5; round += 1) {
      await Promise.all(
        accounts.map(async (a) => {
          const before = active(stored(a));
          expect(before).toHaveLength(1);
          const current = before[0] as CredentialView;
          const [x, y] = await Promise.all([
            rotate(a, current.credentialId, `v${round}-x`),
            rotate(a, current.credentialId, `v${round}-y`),
          ]);
          const winners = [x, y].filter((r) => r.ok);
          const losers = [x, y].filter((r) => !r.ok);
          expect(winners).toHaveLength(1);
          expect(losers.map((r) => (r.ok ? '' : r.error.code))).toEqual(['CONFLICT']);
          // The winner's answer is what is stored: its new credential is the one active credential.
          const won = winners[0] as { ok: true; data: FunctionalAccountView };
          const after = stored(a);
          expect(active(after).map((c) => c.credentialId)).toEqual(active(won.data).map((c) => c.credentialId));
          expect(after.credentials.find((c) => c.credentialId === current.credentialId)?.status).toBe('expired');
        }),
      );
    }
    for (const a of accounts) {
      // One rotation audited per pair (the refused call audits nothing), and every rotation is in the record.
      expect(audited('functional.credential.rotate', a)).toHaveLength(5);
      const r = stored(a);
      expect(active(r)).toHaveLength(1);
      expect(r.credentials.filter((c) => c.status === 'expired')).toHaveLength(5);
    }
    // No lock is left behind.
    expect(site.kvs.keys().filter((k) => k.startsWith('lock:'))).toEqual([]);
  });

  it('rotating two credentials of one account at once, 100 times: both apply, no retired key stays active', async () => {
    const account = people()[30]?.accountId as string;
    await register(account);
    await addToken(account, 'a0');
    await addToken(account, 'b0');
    for (let i = 1; i <= 100; i += 1) {
      const [a, b] = active(stored(account)) as [CredentialView, CredentialView];
      const answers = await Promise.all([
        ok(rotate(account, a.credentialId, `a${i}`)),
        ok(rotate(account, b.credentialId, `b${i}`)),
      ]);
      const r = stored(account);
      expect(
        active(r)
          .map((c) => c.label)
          .sort(),
      ).toEqual([`a${i}`, `b${i}`]);
      for (const old of [a, b])
        expect(r.credentials.find((c) => c.credentialId === old.credentialId)?.status ?? 'archived').not.toBe('active');
      // The later answer shows both rotations.
      expect(Math.max(...answers.map((v) => active(v).length))).toBe(2);
    }
    expect(audited('functional.credential.rotate', account)).toHaveLength(200);
  });

  it('an edit, a new credential and a rotation at once all land; unregistering at once leaves nothing behind it', async () => {
    const account = people()[31]?.accountId as string;
    await register(account);
    const first = active(await addToken(account, 'c0'))[0] as CredentialView;
    await Promise.all([
      ok(
        call<FunctionalAccountView>('updateFunctional', {
          accountId: account,
          ownerAccountId: NAMED_USERS.regular.accountId,
          owningGroupId: team(),
          purpose: 'Nightly sync',
          integration: 'Tool',
        }),
      ),
      addToken(account, 'd0'),
      ok(rotate(account, first.credentialId, 'c1')),
    ]);
    const r = stored(account);
    expect(r.purpose).toBe('Nightly sync');
    expect(
      active(r)
        .map((c) => c.label)
        .sort(),
    ).toEqual(['c1', 'd0']);

    // Unregister and a rotation at once: the record is gone either way (a rotation never writes it back).
    const current = active(r)[0] as CredentialView;
    const [gone, rotated] = await Promise.all([
      call('unregisterFunctional', { accountId: account }),
      rotate(account, current.credentialId, 'late'),
    ]);
    expect(gone.ok).toBe(true);
    expect(rotated.ok || rotated.error.code === 'NOT_FOUND').toBe(true);
    expect(site.kvs.peek(`fa:${account}`)).toBeUndefined();
  });

  it('a hand-over moving an account while it is rotated keeps the rotation (the move holds the account lock)', async () => {
    const account = people()[33]?.accountId as string;
    const [from, to] = [people()[34]?.accountId as string, people()[35]?.accountId as string];
    await ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId: account,
        ownerAccountId: from,
        owningGroupId: team(),
        purpose: 'Sync',
        integration: 'Tool',
      }),
    );
    const first = active(await addToken(account, 'h0'))[0] as CredentialView;
    // A rotation arrives right after the move has read the record. Unless the move holds the account's lock
    // (then the rotation waits for it), the rotation lands before the move writes.
    let rotation: Promise<unknown> | undefined;
    const store: FunctionalStore = {
      ...functionalStore,
      get: async (id) => {
        const read = await functionalStore.get(id);
        if (id === account && !rotation) {
          const locked = site.kvs.peek(`lock:fa:${account}`) !== undefined;
          rotation = ok(rotate(account, first.credentialId, 'h1'));
          if (!locked) await rotation;
        }
        return read;
      },
    };
    const job: HandoverJob = {
      jobId: 'handover-race',
      fromId: from,
      toId: to,
      fromName: 'From',
      toName: 'To',
      actor: ADMIN,
      at: new Date().toISOString(),
      accountIds: [account],
    };
    await runInvocation({ moduleKey: 'handover-race', timeoutMs: 30_000 }, () =>
      handOverSlice({ store, audit: auditStore }, job.jobId, 0, { get: async () => job }),
    );
    await rotation;
    const r = stored(account);
    expect(r.ownerAccountId).toBe(to);
    expect(active(r).map((c) => c.label)).toEqual(['h1']);
    expect(r.credentials.find((c) => c.credentialId === first.credentialId)?.status).toBe('expired');
  });

  it('two registrations of one account at once: one registers, the other is told CONFLICT', async () => {
    const account = people()[32]?.accountId as string;
    const answers = await Promise.all([
      call<FunctionalAccountView>('registerFunctional', {
        accountId: account,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: team(),
        purpose: 'First',
        integration: 'Tool',
      }),
      call<FunctionalAccountView>('registerFunctional', {
        accountId: account,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: team(),
        purpose: 'Second',
        integration: 'Tool',
      }),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.error.code))).toEqual(['CONFLICT']);
    const won = answers.find((a) => a.ok) as { ok: true; data: FunctionalAccountView };
    expect(stored(account).purpose).toBe(won.data.purpose);
    expect(audited('functional.register', account)).toHaveLength(1);
  });
});

describe('two creations of a functional account for one email at once', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const group = (name: string) => [...site.sim.state.groups.values()].find((g) => g.name === name)?.groupId;
  beforeAll(async () => {
    site = await startTestSite({ seed: { users: 40, groups: 20 }, kvsLatencyMs: 3, allowForgeUserCreation: true });
  });
  afterAll(() => site.close());

  it('one creates and registers; the other waits for it, asks Jira nothing and audits nothing', async () => {
    const role = await ok(call<RoleView>('saveRole', { name: 'Sync', groupIds: [group('team-data')] }));
    const create = (purpose: string) =>
      call<CreateFunctionalResult>('createFunctional', {
        name: 'Twin',
        roleId: role.roleId,
        email: 'twin.func@example.com',
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: group('team-web'),
        purpose,
        integration: 'Tool',
      });
    site.sim.meter.reset();
    const answers = await Promise.all([create('First'), create('Second')]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.error.code))).toEqual(['CONFLICT']);
    // Jira was asked to create the account once, and one creation is audited (nothing 'failed').
    expect(site.sim.meter.writes().filter((w) => w.endpoint === '/rest/api/3/user')).toHaveLength(1);
    const creations = site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:'))
      .map((k) => site.kvs.peek(k) as AuditEntryView)
      .filter((e) => e.action === 'functional.create');
    expect(creations.map((e) => e.result)).toEqual(['done']);
    // The creation finished: its intent and its lock are gone.
    expect(site.kvs.keys().filter((k) => k.startsWith('fa-create:') || k.startsWith('lock:'))).toEqual([]);
  });
});
