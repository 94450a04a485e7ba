import { MAX_JOB_ITEMS } from '../../src/features/bulk-changes/bulk-jobs';
import { boundedReason, MAX_REASON_CHARS } from '../../src/features/bulk-changes/bulk-runner';
import { JOB_CHUNK, type JobHeader, type JobItem, type JobOutcome } from '../../src/features/bulk-changes/job-store';

/**
 * No KVS value of a bulk job grows with Jira's error texts or with the job: at the largest job the app
 * allows (MAX_JOB_ITEMS) with every item failed on a 1 KB HTML error page, the header, each items chunk
 * and each outcomes chunk stay under Forge's 240 KiB value limit.
 */
const KVS_VALUE_LIMIT = 240 * 1024;
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

describe('bulk job records stay bounded', () => {
  it('cuts every stored reason to 200 characters', () => {
    const html = `<html><body>${'Service Unavailable '.repeat(60)}</body></html>`;
    expect(boundedReason(html).length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(boundedReason('Already a member.')).toBe('Already a member.');
  });

  it('keeps the header, items and outcome chunks under 240 KiB at MAX_JOB_ITEMS with the longest reasons', () => {
    // Account IDs as long as Jira's (128 chars max); group IDs are UUIDs; 4-byte characters in reasons.
    const accountId = `712020:${'f'.repeat(121)}`;
    const groupId = '00000000-0000-4000-8000-000000000000';
    const items: JobItem[] = Array.from({ length: JOB_CHUNK }, () => ({ a: accountId, g: groupId }));
    const reason = boundedReason('😀'.repeat(1000));
    const outcomes: JobOutcome[] = Array.from({ length: JOB_CHUNK }, () => ({ o: 'failed', m: reason }));
    const chunks = Math.ceil(MAX_JOB_ITEMS / JOB_CHUNK);
    const header: JobHeader = {
      jobId: '00000000-0000-4000-8000-000000000001',
      operation: 'add-user-to-groups',
      createdAt: new Date().toISOString(),
      createdBy: accountId,
      total: MAX_JOB_ITEMS,
      processed: MAX_JOB_ITEMS,
      counts: { done: 0, already: 0, failed: MAX_JOB_ITEMS },
      // One label per group the resolver accepts (200) at Jira's longest group name (255).
      labels: Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [
          `${groupId.slice(0, -3)}${String(i).padStart(3, '0')}`,
          'g'.repeat(255),
        ]),
      ),
      slices: Object.fromEntries(
        Array.from({ length: chunks }, (_, c) => [
          c,
          { done: 0, already: 0, failed: JOB_CHUNK, complete: true, gen: 999 },
        ]),
      ),
      stopped: boundedReason('x'.repeat(500)),
    };
    const sizes = { header: bytes(header), items: bytes(items), outcomes: bytes(outcomes) };
    console.info(
      `job record sizes at MAX_JOB_ITEMS (${MAX_JOB_ITEMS}): ${JSON.stringify(sizes)} bytes; limit ${KVS_VALUE_LIMIT}`,
    );
    for (const size of Object.values(sizes)) expect(size).toBeLessThan(KVS_VALUE_LIMIT);
  });
});
