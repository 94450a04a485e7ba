/**
 * Table of contents: exactly the handlers `manifest.yml` names, one file each in src/background for the
 * background functions (named by the function's key).
 *   function `resolver`              → `index.handler`            admin page user-admin-page (src/resolver.ts)
 *   function `start-health-check`    → `index.startHealthCheck`    scheduledTrigger daily-functional-health
 *   function `run-health-check-step` → `index.runHealthCheckStep`  consumer functional-health-consumer (queue functional-health)
 *   function `start-directory-crawl` → `index.startDirectoryCrawl` scheduledTrigger daily-directory-crawl
 *   function `crawl-directory`       → `index.crawlDirectory`      consumer directory-crawl-consumer (queue directory-crawl)
 *   function `run-bulk-slice`        → `index.runBulkSlice`        consumer bulk-job-consumer (queue bulk-jobs)
 *   function `apply-user-event`      → `index.applyUserEvent`      trigger user-events (Jira's user events)
 *   function `apply-user-event-later`→ `index.applyUserEventLater` consumer user-event-retry-consumer (queue user-event-retry)
 *   function `watch-background-work` → `index.watchBackgroundWork` scheduledTrigger background-watchdog (every 5 min)
 *   function `run-escalation-step`   → `index.runEscalationStep`   consumer functional-escalation-consumer (queue functional-escalation)
 * Background functions run only with a valid installation context (src/invocation/installation-guard.ts).
 * Queue consumers run as background work (`inBackground`): their Jira requests spend points only while the
 * pool is above the reserve kept for people (src/jira/transport/governor.ts). Scheduled triggers only
 * enqueue; the resolver is interactive and never held by the governor.
 */
import { applyUserEvent as userEvent } from './background/apply-user-event';
import { applyUserEventLater as userEventLater } from './background/apply-user-event-later';
import { crawlDirectory as crawl } from './background/crawl-directory';
import { runBulkSlice as bulkSlice } from './background/run-bulk-slice';
import { runEscalationStep as escalationStep } from './background/run-escalation-step';
import { runHealthCheckStep as healthStep } from './background/run-health-check-step';
import { startDirectoryCrawl as startCrawl } from './background/start-directory-crawl';
import { startHealthCheckDaily as startHealth } from './background/start-health-check';
import { watchBackgroundWork as watchWork } from './background/watch-background-work';
import { forInstallation } from './invocation/installation-guard';
import { inBackground } from './jira/transport/background';

export { handler } from './resolver';
export const startHealthCheck = forInstallation(startHealth, { statusCode: 400 });
export const runHealthCheckStep = forInstallation(inBackground(healthStep), undefined);
export const startDirectoryCrawl = forInstallation(startCrawl, { statusCode: 400 });
export const crawlDirectory = forInstallation(inBackground(crawl), undefined);
export const runBulkSlice = forInstallation(inBackground(bulkSlice), undefined);
export const applyUserEvent = forInstallation(userEvent, undefined);
export const applyUserEventLater = forInstallation(inBackground(userEventLater), undefined);
export const watchBackgroundWork = forInstallation(watchWork, { statusCode: 400 });
export const runEscalationStep = forInstallation(inBackground(escalationStep), undefined);
