/**
 * The directory crawl on Forge's queue (`consumer` directory-crawl-consumer → function `crawl-directory` in manifest.yml): each event
 * runs one slice of the crawl asApp and pushes the next. It runs as background work (src/index.ts): while the
 * points pool is at its reserve for people (src/jira/transport/governor.ts) it sends nothing and waits on the
 * queue until the reset.
 * Events carry the crawl's step number; a repeated or stale delivery (at-least-once) finds another step
 * checkpointed and does nothing, and the concurrency key keeps slices one at a time.
 * KVS refusing requests for its rate limits past what the app's client waits (store/kvs-retry.ts): the crawl
 * waits on the queue a KVS window from its last checkpoint, as for Jira.
 */
import { getAppContext } from '@forge/api';
import type { AsyncEvent } from '@forge/events';
import * as applicationRoles from '../jira/application-roles';
import { JiraWaitRequired } from '../jira/errors';
import * as groups from '../jira/groups';
import { collect } from '../jira/transport/pagination';
import * as servicedesk from '../jira/servicedesk';
import * as users from '../jira/users';
import { crawlSlice, type CrawlJira } from '../features/directory-index/directory-index';
import { admitBackground, asDeferrable } from '../jira/transport/background';
import { pushCrawlStep } from '../features/directory-index/crawl-queue';
import { crawlPriority } from '../features/directory-index/reconcile-cadence';
import { directoryStore } from '../features/directory-index/directory-store';
import { functionalStore } from '../features/functional-accounts/functional-store';
import { auditStore } from '../features/audit/audit-store';
import { INDEX_ACTOR } from '../features/audit/audit-names';
import type { IndexManifest } from '../features/directory-index/directory-store';
import { kvsWaitSeconds } from '../store/kvs-retry';

/** One audit entry per reconciliation (a stable id per generation, so a repeated finalize writes it once). */
async function reportReconciled(r: NonNullable<IndexManifest['reconciled']>, manifest: IndexManifest): Promise<void> {
  await auditStore.record(
    {
      actor: INDEX_ACTOR,
      action: 'directory.reconcile',
      targetType: 'directory',
      targetId: `generation-${manifest.gen}`,
      targetLabel: 'Directory index',
      result: r.corrected > 0 ? 'done' : 'already',
      detail: `Reconciled with Jira: ${r.corrected} ${r.corrected === 1 ? 'entry' : 'entries'} corrected (${r.added} added, ${r.removed} removed, ${r.changed} changed).`,
    },
    { at: new Date(), id: `dir-reconcile-${manifest.gen}` },
  );
}

const crawlJira: CrawlJira = {
  listUsersPage: (o, n) => users.listUsersPage(o, n, 'app'),
  getEmailsBulk: users.getEmailsBulk,
  listApplicationRoles: () => applicationRoles.listApplicationRoles('app'),
  listGroupMembersPage: (g, o, n) => groups.listGroupMembersPage(g, o, n, true, 'app'),
  countGroups: async () => (await groups.listGroupsPage(0, 1, 'app')).total ?? 0,
  countServiceDesks: async () =>
    (await collect((s, l) => servicedesk.listServiceDesksPage(s, l, 'app'), servicedesk.JSM_PAGE_MAX)).items.length,
};

export async function crawlDirectory(event: AsyncEvent<{ step?: number }>): Promise<void> {
  try {
    await crawlStep(event);
  } catch (err) {
    const seconds = kvsWaitSeconds(err);
    if (seconds === undefined) throw err;
    await waitForJira(event.body.step, seconds);
  }
}

async function crawlStep(event: AsyncEvent<{ step?: number }>): Promise<void> {
  const state = await directoryStore.crawl();
  if (!state || state.phase === 'done' || event.body.step !== state.step) return;
  // A reconciliation is routine (deferrable): it yields the pool to people and to other sites' first builds.
  const deferrable = crawlPriority(state.reason) === 'deferrable';
  const admission = await admitBackground(deferrable ? 'deferrable' : 'normal');
  if (!admission.admitted) {
    await waitForJira(event.body.step, admission.delaySeconds);
    return;
  }
  let result;
  try {
    const slice = () =>
      crawlSlice(
        {
          jira: crawlJira,
          store: directoryStore,
          registeredFunctional: () => functionalStore.allIds(),
          reportReconciled,
        },
        () => getAppContext().invocationRemainingTimeInMillis(),
      );
    result = await (deferrable ? asDeferrable(slice) : slice());
  } catch (err) {
    if (!(err instanceof JiraWaitRequired)) throw err;
    await waitForJira(event.body.step, err.retryAfterSeconds);
    return;
  }
  if (!result.done) await pushCrawlStep(result.state.step, result.delaySeconds);
}

/** The longest `delayInSeconds` Forge's queue accepts. */
const MAX_QUEUE_DELAY_SECONDS = 900;

/**
 * Jira asked for a longer wait than this invocation may sleep (e.g. a Retry-After once the hourly points
 * pool is spent), or the governor holds background work at the pool's reserve until its reset. The last checkpoint holds, so the crawl goes on in a later event from there, as the
 * points budget does: redeliveries would spend the queue's few retries and leave the crawl stuck until it
 * counts as dead. The step moves on (and `updatedAt` with it) so the crawl stays alive and a repeat of
 * this event is ignored.
 */
async function waitForJira(step: number | undefined, seconds: number): Promise<void> {
  const state = await directoryStore.crawl();
  if (!state || state.phase === 'done' || state.step !== step) return;
  state.step += 1;
  await directoryStore.saveCrawl(state);
  await pushCrawlStep(state.step, Math.min(Math.max(seconds, 1), MAX_QUEUE_DELAY_SECONDS));
}
