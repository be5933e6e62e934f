/** jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the strict type check). */
module.exports = {
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: '<rootDir>/tests/support/host-realm-environment.js',
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 60000,
};
