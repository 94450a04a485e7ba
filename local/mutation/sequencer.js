/**
 * Runs the mutation suites in the order targets.cjs lists them (fast pure suites first), instead of
 * Jest's default (slowest first), so a mutant killed by a pure suite costs a fraction of a second.
 */
const Sequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');
const { ROOT, SUITES } = require('./targets.cjs');

class MutationSequencer extends Sequencer {
  sort(tests) {
    const rank = (t) => SUITES.indexOf(relative(ROOT, t.path));
    return [...tests].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = MutationSequencer;
