/** Jest: TypeScript through ts-jest (type-checking is `npm run typecheck`'s job). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }],
  },
  // Packaging with Forge's bundlers (the browser and bundle suites) can take minutes on a busy 2-core machine.
  testTimeout: 300000,
  // Two workers on CI's two cores: many suites wait on simulated latency and queue delays, not on the CPU.
  maxWorkers: 2,
  // A suite that leaves a handle open (a server, a timer) must not keep CI waiting after the last test.
  forceExit: true,
};
