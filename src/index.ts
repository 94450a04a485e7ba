/**
 * Table of contents: exactly the handlers `manifest.yml` names.
 *   function `resolver`     → `index.handler`     (the admin page's resolver)
 *   function `health-check` → `index.healthCheck` (scheduledTrigger daily-functional-health)
 *   function `directory-crawl` → `index.directoryCrawl` (consumer directory-crawl-consumer)
 *   function `directory-refresh` → `index.directoryRefresh` (scheduledTrigger daily-directory-crawl)
 *   function `bulk-consumer` → `index.bulkConsumer` (consumer bulk-job-consumer, queue bulk-jobs)
 *   function `health-run` → `index.healthRunEvent` (consumer functional-health-consumer, queue functional-health)
 * Background functions run only with a valid installation context (invocation-guard.ts).
 */
import { bulkConsumer as bulk } from './consumers/bulk-consumer';
import { directoryCrawl as crawl } from './consumers/directory-crawl';
import { forInstallation } from './invocation-guard';
import { directoryRefresh as refresh } from './triggers/directory-refresh';
import { healthCheck as health } from './triggers/health-check';
import { healthRunEvent as healthRun } from './triggers/health-consumer';

export { handler } from './resolvers';
export const healthCheck = forInstallation(health, { statusCode: 400 });
export const directoryCrawl = forInstallation(crawl, undefined);
export const directoryRefresh = forInstallation(refresh, { statusCode: 400 });
export const bulkConsumer = forInstallation(bulk, undefined);
export const healthRunEvent = forInstallation(healthRun, undefined);
