/**
 * Test helpers that read the app's audit records straight from the local site's KVS. Kept apart from
 * `site.ts`, which loads no app source (the bundler suite checks every function comes from the bundle).
 */
import type { AuditEntryView } from '../../src/contract';
import { entriesOf } from '../../src/features/audit/audit-store';
import type { LocalSite } from '../../local/local-site';

/**
 * A bulk job's audit entries as stored in KVS (a job's entries are stored in packs, several to a value:
 * audit-store.ts), unpacked: one per item recorded.
 */
export function jobAuditEntries<T = AuditEntryView>(site: LocalSite, jobId: string): T[] {
  return site.kvs
    .keys()
    .filter((k) => k.startsWith('audit:') && k.includes(`:${jobId}-`))
    .flatMap((k) => entriesOf(site.kvs.peek(k)))
    .filter((e) => e.jobId === jobId) as T[];
}
