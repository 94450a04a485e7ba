/*
 * Stand-in for Forge's Node runtime wrapper (`__forge_wrapper__.cjs` in a deployed app); see loader.js.
 * On Forge the wrapper defines `__forge_runtime__` / `__forge_fetch__` and calls the handler the manifest
 * names; locally local/forge-runtime defines those hooks and local/host invokes the handler.
 */
'use strict';
throw new Error('Stand-in for the Forge runtime wrapper: deploy with `forge deploy` to get the real one.');
