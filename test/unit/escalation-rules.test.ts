import { ForgeKvsAPIError } from '@forge/kvs';
import { backupWarnings } from '../../src/features/functional-accounts/backup-owners';
import { EscalationRetry, retryOf } from '../../src/features/functional-accounts/escalation/escalation';
import { KVS_RETRY_AFTER_SECONDS, KvsRateLimited } from '../../src/store/kvs-retry';
import { validThresholds } from '../../src/features/functional-accounts/escalation/escalation-settings';
import {
  crossedThreshold,
  cycleId,
  issueSummary,
  thresholdMarker,
} from '../../src/features/functional-accounts/escalation/escalation-texts';

const DAY = 86_400_000;

describe('escalation rules', () => {
  it('picks the most urgent threshold crossed, none before the first', () => {
    const t = [30, 7, 1, 0];
    expect(crossedThreshold(t, 31 * DAY)).toBeUndefined();
    expect(crossedThreshold(t, 29 * DAY)).toBe(30);
    expect(crossedThreshold(t, 6 * DAY)).toBe(7);
    expect(crossedThreshold(t, 3_600_000)).toBe(1);
    expect(crossedThreshold(t, -1)).toBe(0);
  });

  it('names a cycle by account, credential and expiry, so a renewal starts a new one', () => {
    const a = cycleId('acc', 'cred', '2026-12-30T00:00:00.000Z');
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(cycleId('acc', 'cred', '2026-12-30T00:00:00.000Z')).toBe(a);
    expect(cycleId('acc', 'cred', '2027-12-30T00:00:00.000Z')).not.toBe(a);
    expect(thresholdMarker(7)).not.toBe(thresholdMarker(1));
  });

  it('keeps summaries to names and dates, within Jira’s 255 characters', () => {
    const s = issueSummary('Deploy_Func_A1B2C3D4', 'x'.repeat(300), '2026-12-30T00:00:00.000Z');
    expect(s.length).toBeLessThanOrEqual(255);
    expect(issueSummary('Deploy_Func_A1B2C3D4', 'ci token', '2026-12-30T00:00:00.000Z')).toBe(
      'Credential "ci token" of Deploy_Func_A1B2C3D4 expires on 2026-12-30',
    );
  });

  it('accepts one to six whole reminder days from 0 to 90, most distant first', () => {
    expect(validThresholds([0, 30, 7, 7])).toEqual([30, 7, 0]);
    for (const bad of [[], [91], [-1], [1.5], ['7'], [1, 2, 3, 4, 5, 6, 7]])
      expect(() => validThresholds(bad)).toThrow();
  });

  it('warns about a backup who is the owner, inactive, functional or not a person', () => {
    const person = { displayName: 'Ana Lima', active: true, accountType: 'atlassian' };
    expect(backupWarnings('b', 'o', person, false)).toEqual([]);
    expect(backupWarnings('o', 'o', person, false).join()).toContain('owner already');
    expect(backupWarnings('b', 'o', { ...person, active: false }, false).join()).toContain('inactive');
    expect(backupWarnings('b', 'o', person, true).join()).toContain('functional account');
    expect(backupWarnings('b', 'o', { ...person, displayName: 'Sync_Func_X' }, false).join()).toContain('functional');
    expect(backupWarnings('b', 'o', { ...person, accountType: 'app' }, false).join()).toContain('not a person');
    expect(backupWarnings('b', 'o', undefined, false).join()).toContain('no longer exists');
  });

  it('waits a KVS window on the queue when KVS rate limits the step (given up on, or a plain 429), not otherwise', () => {
    const kvsError = (status: number, code: string) =>
      new ForgeKvsAPIError({ status, statusText: '' }, { code, message: 'refused' });
    const givenUp = retryOf(new KvsRateLimited('kvs.set'));
    expect(givenUp).toBeInstanceOf(EscalationRetry);
    expect(givenUp?.seconds).toBe(KVS_RETRY_AFTER_SECONDS);
    expect(retryOf(kvsError(429, 'RATE_LIMIT_EXCEEDED'))?.seconds).toBe(KVS_RETRY_AFTER_SECONDS);
    expect(retryOf(kvsError(400, 'KEY_TOO_LONG'))).toBeUndefined();
    expect(retryOf(new Error('other'))).toBeUndefined();
  });
});
