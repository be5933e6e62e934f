// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules for the course's code.
// `npm run lint` runs it; `npm test` fails on any error. Formatting is Prettier's job (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'build/', '.cache/', '.jupyter/', 'exercises/', 'assets/', 'notebooks/', 'tests/fixtures/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,mjs,js,cjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.jest, WebSocket: 'readonly' } },
    rules: {
      // The course often names an unused parameter to document a signature; prefix it with _ to say so.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // lib/ loads optional native packages (tfjs-node) and TypeScript lazily, with require() inside functions.
      '@typescript-eslint/no-require-imports': 'off',
      // Some tests build deliberately wrong inputs.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
