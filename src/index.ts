/**
 * Table of contents: exactly the handlers `manifest.yml` names.
 *   function `resolver`     → `index.handler`     (the admin page's resolver)
 *   function `health-check` → `index.healthCheck` (scheduledTrigger daily-functional-health)
 */
export { handler } from './resolvers';
export { healthCheck } from './triggers/health-check';
