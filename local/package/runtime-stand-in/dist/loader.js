/*
 * Stand-in for Forge's Node runtime loader (`__forge__.cjs` in a deployed app). `forge deploy` downloads
 * the real loader and wrapper from Atlassian's runtime CDN; `npm run package` works offline, so
 * @forge/bundler's LocalWrapperProvider reads these stand-ins instead. They are never run: the local
 * Forge site requires `index.cjs` itself after installing its own runtime hooks (local/forge-runtime).
 */
'use strict';
throw new Error('Stand-in for the Forge runtime loader: deploy with `forge deploy` to get the real one.');
