import type { CredentialView, Envelope, FunctionalAccountView, RegistryPage } from '../../src/contract';
import type { LocalSite } from '../../local/local-site';
import { FORGE_LIMITS } from '../../local/forge-runtime/limits';
import {
  ARCHIVE_KEEP,
  MAX_CURRENT_CREDENTIALS,
  RECENT_RETIRED,
  type FunctionalRecord,
} from '../../src/features/functional-accounts/functional-store';
import { checkNowToEnd } from '../support/health';
import { NAMED_USERS, invokeAs, ok, startTestSite } from '../support/site';

const ADMIN = NAMED_USERS.siteAdmin.accountId;
const DAY = 86_400_000;
/** A control character takes six bytes once JSON-escaped (`\u0007`): the widest text a field can hold. */
const wide = (n: number) => '\u0007'.repeat(n);

/**
 * Credential history stays bounded: an account's record keeps its current credentials and the newest
 * retired ones, older ones go to one archive entry each (the newest ARCHIVE_KEEP kept), and no stored
 * value comes near KVS's 240 KiB limit at the limits the app allows.
 */
describe('bounded credential history', () => {
  let site: LocalSite;
  const call = <T>(key: string, payload: unknown = {}) => invokeAs<Envelope<T>>(site, ADMIN, key, payload);
  const people = () =>
    [...site.sim.state.users.values()].filter(
      (u) =>
        u.accountType === 'atlassian' &&
        u.active &&
        !Object.values(NAMED_USERS).some((n) => n.accountId === u.accountId),
    );
  const team = () => [...site.sim.state.groups.values()].find((g) => g.name === 'team-data')?.groupId;
  const register = (accountId: string, purpose = 'Sync', integration = 'Tool') =>
    ok(
      call<FunctionalAccountView>('registerFunctional', {
        accountId,
        ownerAccountId: NAMED_USERS.regular.accountId,
        owningGroupId: team(),
        purpose,
        integration,
      }),
    );
  const valueBytes = (key: string) => Buffer.byteLength(JSON.stringify(site.kvs.peek(key)), 'utf8');
  const functionalKeys = () => site.kvs.keys().filter((k) => /^fa(:|-cred:|-check:)/.test(k));

  beforeAll(async () => {
    // 5,000 rotations in seconds: KVS's per-minute budget is for real use, not this.
    site = await startTestSite({ seed: { users: 120, groups: 20 }, kvsRateLimits: false });
  });
  afterAll(() => site.close());

  it('takes an expiry as the date picker sends it and refuses any other spelling, changing nothing', async () => {
    const account = people()[9]?.accountId as string;
    await register(account);
    const day = new Date(Date.now() + 17 * DAY).toISOString().slice(0, 10);
    for (const typed of [day.split('-').reverse().join('/'), '20 Dec 2026', '2026-02-31', '2026-12-20 10:00']) {
      const before = JSON.stringify(site.kvs.peek(`fa:${account}`));
      expect(
        await call('addCredential', { accountId: account, type: 'api-token', label: 'typed', expiresAt: typed }),
      ).toEqual({
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: 'The expiry must be a date written as YYYY-MM-DD (for example 2026-12-20).',
        },
      });
      expect(JSON.stringify(site.kvs.peek(`fa:${account}`))).toBe(before);
    }
    const view = await ok(
      call<FunctionalAccountView>('addCredential', {
        accountId: account,
        type: 'api-token',
        label: 'picked',
        expiresAt: day,
      }),
    );
    expect(view.credentials.find((c) => c.label === 'picked')?.expiresAt).toBe(`${day}T00:00:00.000Z`);
  });

  it('keeps working through 5,000 rotations of one credential, with a bounded record and archive', async () => {
    const account = people()[0]?.accountId as string;
    await register(account);
    let view = await ok(
      call<FunctionalAccountView>('addCredential', {
        accountId: account,
        type: 'api-token',
        label: 'deploy token',
        expiresAt: new Date(Date.now() + 100 * DAY).toISOString(),
      }),
    );
    for (let i = 1; i <= 5000; i += 1) {
      const active = view.credentials.find((c) => c.status === 'active') as CredentialView;
      view = await ok(
        call<FunctionalAccountView>('rotateCredential', {
          accountId: account,
          credentialId: active.credentialId,
          label: `deploy token v${i}`,
        }),
      );
    }
    expect(view.credentials.filter((c) => c.status === 'active').map((c) => c.label)).toEqual(['deploy token v5000']);
    expect(view.credentials.filter((c) => c.status === 'expired').map((c) => c.label)).toEqual(
      Array.from({ length: RECENT_RETIRED }, (_, i) => `deploy token v${5000 - RECENT_RETIRED + i}`),
    );
    expect(view.archivedCredentials).toBe(ARCHIVE_KEEP);
    const archive = site.kvs.keys().filter((k) => k.startsWith(`fa-cred:${account}:`));
    expect(archive).toHaveLength(ARCHIVE_KEEP);
    // The archive holds the newest retired credentials that left the record, oldest first.
    const labels = archive.map((k) => (site.kvs.peek(k) as CredentialView).label);
    expect(labels[0]).toBe(`deploy token v${5000 - RECENT_RETIRED - ARCHIVE_KEEP}`);
    expect(labels[ARCHIVE_KEEP - 1]).toBe(`deploy token v${5000 - RECENT_RETIRED - 1}`);
    expect(valueBytes(`fa:${account}`)).toBeLessThan(4 * 1024);
    // Every rotation is audited.
    const rotations = site.kvs
      .keys()
      .filter((k) => k.startsWith('audit:'))
      .filter((k) => (site.kvs.peek(k) as { action: string }).action === 'functional.credential.rotate');
    expect(rotations).toHaveLength(5000);

    // Unregistering removes the record, its archive and its check.
    await ok(call('unregisterFunctional', { accountId: account }));
    expect(functionalKeys().filter((k) => k.includes(account))).toEqual([]);
  }, 240_000);

  it('keeps every value under 240 KiB at the limits it allows: widest text, most credentials and findings', async () => {
    const account = people()[1]?.accountId as string;
    await register(account, wide(500), wide(200));
    for (let i = 0; i < MAX_CURRENT_CREDENTIALS; i += 1) {
      await ok(
        call('addCredential', {
          accountId: account,
          type: 'oauth-client',
          label: `${wide(76)}${String(i).padStart(4, '0')}`,
          createdAt: new Date(Date.now() - 10 * DAY).toISOString(),
          expiresAt: new Date(Date.now() + (i % 2 === 0 ? -DAY : 5 * DAY)).toISOString(),
        }),
      );
    }
    expect(await call('addCredential', { accountId: account, type: 'other', label: 'one too many' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // Rotate every second one (expired ones included) so the record also carries its recent retired ones.
    let view = await ok(call<RegistryPage>('listFunctional')).then(
      (p) => p.accounts.find((a) => a.accountId === account) as FunctionalAccountView,
    );
    for (const c of view.credentials.filter((_, i) => i % 2 === 0).slice(0, RECENT_RETIRED + 3)) {
      view = await ok(
        call<FunctionalAccountView>('rotateCredential', {
          accountId: account,
          credentialId: c.credentialId,
          label: `${wide(79)}r`,
        }),
      );
    }
    await checkNowToEnd(site, ADMIN);
    const after = (await ok(call<RegistryPage>('listFunctional'))).accounts.find((a) => a.accountId === account);
    expect(after?.findings.length).toBeGreaterThan(MAX_CURRENT_CREDENTIALS / 2);
    const sizes = functionalKeys().map((k) => ({ k, bytes: valueBytes(k) }));
    const record = sizes.find((s) => s.k === `fa:${account}`)?.bytes ?? 0;
    const check = sizes.find((s) => s.k === `fa-check:${account}`)?.bytes ?? 0;
    // Measured at the limits: far under the limit, so nothing the app allows can reach it.
    expect(record).toBeGreaterThan(20 * 1024);
    expect(record).toBeLessThan(FORGE_LIMITS.kvsValueBytes / 3);
    expect(check).toBeLessThan(FORGE_LIMITS.kvsValueBytes / 3);
    expect(Math.max(...sizes.map((s) => s.bytes))).toBeLessThan(FORGE_LIMITS.kvsValueBytes / 3);
  }, 120_000);

  it('reads a record written before the archive, near the limit, and moves its history out on the next rotation', async () => {
    const account = people()[2]?.accountId as string;
    const base = await register(account);
    const now = Date.now();
    const retiredWith = (pad: number): CredentialView[] =>
      Array.from({ length: 737 }, (_, i) => ({
        credentialId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: 'api-token',
        label: `legacy token ${i} ${'x'.repeat(pad)}`,
        createdAt: new Date(now - (800 - i) * DAY).toISOString(),
        expiresAt: new Date(now - (800 - i) * DAY + 300 * DAY).toISOString(),
        lastRotatedAt: new Date(now - (800 - i) * DAY).toISOString(),
        status: 'expired',
        expiredAt: new Date(now - (799 - i) * DAY).toISOString(),
      }));
    // As close under the limit as such a record got before every change to it failed.
    let pad = 80;
    while (Buffer.byteLength(JSON.stringify(retiredWith(pad)), 'utf8') > FORGE_LIMITS.kvsValueBytes - 2048) pad -= 1;
    const retired = retiredWith(pad);
    const active: CredentialView = {
      credentialId: '00000000-0000-4000-8000-999999999999',
      type: 'api-token',
      label: 'legacy token current',
      createdAt: new Date(now - DAY).toISOString(),
      expiresAt: new Date(now + 300 * DAY).toISOString(),
      status: 'active',
    };
    const legacy: FunctionalRecord = {
      ...base,
      credentials: [...retired, active],
      findings: [{ kind: 'naming', detail: 'old', since: new Date(now - 30 * DAY).toISOString() }],
    };
    const res = site.kvs.handle('/api/v1/set', { key: `fa:${account}`, value: legacy });
    expect(res.status).toBe(204);
    expect(valueBytes(`fa:${account}`)).toBeGreaterThan(200 * 1024);

    const listed = (await ok(call<RegistryPage>('listFunctional'))).accounts.find((a) => a.accountId === account);
    expect(listed?.credentials).toHaveLength(738);
    expect(listed?.findings.map((f) => f.kind)).toEqual(['naming']);

    const rotated = await ok(
      call<FunctionalAccountView>('rotateCredential', { accountId: account, credentialId: active.credentialId }),
    );
    expect(rotated.credentials).toHaveLength(1 + RECENT_RETIRED);
    expect(rotated.archivedCredentials).toBe(738 - RECENT_RETIRED);
    expect(site.kvs.keys().filter((k) => k.startsWith(`fa-cred:${account}:`))).toHaveLength(738 - RECENT_RETIRED);
    expect(valueBytes(`fa:${account}`)).toBeLessThan(4 * 1024);
    // The old finding keeps its first-seen date through the next check.
    await checkNowToEnd(site, ADMIN);
    const checked = (await ok(call<RegistryPage>('listFunctional'))).accounts.find((a) => a.accountId === account);
    expect(checked?.findings.find((f) => f.kind === 'naming')?.since).toBe(legacy.findings?.[0]?.since);
  }, 120_000);

  it('checks every other account when one record is unreadable, and counts that one as failed', async () => {
    const registered = (await ok(call<RegistryPage>('listFunctional'))).accounts.length;
    site.kvs.handle('/api/v1/set', { key: 'fa:broken-record', value: { accountId: 42, credentials: 'none' } });
    const run = await checkNowToEnd(site, ADMIN);
    expect(run).toMatchObject({ accounts: registered + 1, failed: 1 });
    const page = await ok(call<RegistryPage>('listFunctional'));
    expect(page.lastCheck).toMatchObject({ accounts: registered + 1, failed: 1 });
    expect(page.accounts.filter((a) => a.accountId !== undefined && a.checkedAt === run.at)).toHaveLength(registered);
    site.kvs.handle('/api/v1/delete', { key: 'fa:broken-record' });
  }, 60_000);
});
