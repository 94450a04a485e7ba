/**
 * Jest for mutation testing (stryker.config.mjs): the project's jest config, restricted to the security
 * suites in targets.cjs (not the slow queue, fuzz and browser suites), run in the order listed there.
 */
const base = require('../../jest.config.js');
const { SUITES } = require('./targets.cjs');

module.exports = {
  ...base,
  rootDir: '../..',
  // src too: --findRelatedTests follows imports only through files Jest's haste map holds, so a mutant in a
  // feature's resolvers.ts finds the suites that reach it through src/resolver.ts.
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: SUITES.map((s) => `<rootDir>/${s}`),
  testSequencer: '<rootDir>/local/mutation/sequencer.js',
};
