/**
 * Table of contents: exactly the handlers `manifest.yml` names.
 *   function `resolver` → `index.handler` (the admin page's resolver)
 */
export { handler } from './resolvers';
