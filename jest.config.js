/** jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the strict type check). */

module.exports = {
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: '<rootDir>/tests/support/host-realm-environment.js',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
};

// Exercises. tests/exercises/NN-name.test.ts imports the reference, `../../solutions/NN-name`, so plain
// `jest` (and `npm test`) tests the solutions. Learner code is never run by jest: `npm run grade` and
// scripts/check-stubs.mjs run the same test files in their own process against stand-ins that call the
// learner's code in its sandboxed process (lib/learner/harness.ts, lib/learner/sandbox.ts).
