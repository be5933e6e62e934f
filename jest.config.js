/** jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the strict type check). */
const path = require('node:path');

module.exports = {
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: '<rootDir>/tests/support/host-realm-environment.js',
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
};

// Exercises. tests/exercises/NN-name.test.ts imports the reference, `../../solutions/NN-name`, so plain
// `jest` (and `npm test`) grades the solutions. When EXERCISES_DIR is set — the grader (`npm run grade`)
// sets it to exercises/, scripts/check-stubs.mjs to a folder of freshly generated stubs — that import is
// mapped to EXERCISES_DIR/NN-name.ts instead. Nothing else is mapped, and nothing changes without it.
if (process.env.EXERCISES_DIR) {
  module.exports.moduleNameMapper = {
    '^\\.\\./\\.\\./solutions/(\\d\\d-[a-z0-9-]+)$': path.join(path.resolve(process.env.EXERCISES_DIR), '$1'),
  };
}
