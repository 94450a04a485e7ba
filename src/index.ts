/**
 * Table of contents: exactly the handlers `manifest.yml` names.
 *   function `resolver`     → `index.handler`     (the admin page's resolver)
 *   function `health-check` → `index.healthCheck` (scheduledTrigger daily-functional-health)
 *   function `directory-crawl` → `index.directoryCrawl` (consumer directory-crawl-consumer)
 *   function `directory-refresh` → `index.directoryRefresh` (scheduledTrigger daily-directory-crawl)
 */
export { handler } from './resolvers';
export { healthCheck } from './triggers/health-check';
export { directoryCrawl } from './consumers/directory-crawl';
export { directoryRefresh } from './triggers/directory-refresh';
