/**
 * Jest for mutation testing (stryker.config.mjs): the project's jest config, restricted to the security
 * suites in targets.cjs (not the slow queue, fuzz and browser suites), run in the order listed there.
 */
const base = require('../../jest.config.js');
const { SUITES } = require('./targets.cjs');

module.exports = {
  ...base,
  rootDir: '../..',
  testMatch: SUITES.map((s) => `<rootDir>/${s}`),
  testSequencer: '<rootDir>/local/mutation/sequencer.js',
};
