#!/usr/bin/env node
// `npm test`: setup, strict type checks, jest, every exercise test against its stub, every notebook headless, then the
// check that every number in the notebooks' prose is printed by a cell (tests/notebooks/claims.test.ts).
// Ends with the line `N passed, N failed` (every jest test, every other check and every notebook count once).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, setup, SetupError } from './setup.mjs';

const results = []; // { name, ok, detail }
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(name, cmd, args, opts = {}) {
  console.log(`\n=== ${name}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  const ok = r.status === 0;
  console.log(
    `=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  return ok;
}

function check(name, ok, detail = '') {
  results.push({ name, ok, detail });
}

try {
  setup();
} catch (err) {
  console.error(`\n[setup] ${err instanceof SetupError ? err.message : err.stack}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}

check(
  'type check (TypeScript 5.9, strict): lib/ solutions/ tests/ bench/ scripts/',
  step('type check (TypeScript 5.9, strict)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']),
);
check(
  "type check of lib/ under tslab's TypeScript 5.0",
  step("type check of lib/ under tslab's TypeScript 5.0", process.execPath, [
    join(root, 'node_modules', '@tslab', 'typescript-for-tslab', 'bin', 'tsc'),
    '-p',
    'tsconfig.tslab.json',
    '--noEmit',
  ]),
);

check(
  'lint (ESLint, typescript-eslint): lib/ scripts/ tests/ bench/ solutions/',
  step('lint (ESLint)', bin('eslint'), ['lib', 'scripts', 'tests', 'bench', 'solutions']),
);
check(
  'format (Prettier, checked, not rewritten; `npm run format` fixes it)',
  step('format check (Prettier)', bin('prettier'), [
    '--check',
    '--log-level',
    'warn',
    'lib',
    'scripts',
    'tests',
    'bench',
    'solutions',
  ]),
);

// jest: every test counts once.
const jestJson = join(root, 'build', 'jest-results.json');
mkdirSync(join(root, 'build'), { recursive: true });
rmSync(jestJson, { force: true });
// The notebook claims check (tests/notebooks/claims.test.ts) reads the executed notebooks: it runs after them, below.
const claimsTest = 'tests/notebooks/claims\\.test\\.ts';
step('jest', bin('jest'), [
  '--json',
  '--outputFile',
  jestJson,
  '--testPathIgnorePatterns',
  '/node_modules/',
  claimsTest,
]);
function checkJestResults(file, what) {
  if (!existsSync(file)) return check(`${what} (no results written)`, false);
  const j = JSON.parse(readFileSync(file, 'utf8'));
  for (const suite of j.testResults) {
    for (const t of suite.assertionResults) {
      if (t.status === 'pending' || t.status === 'todo') continue;
      check(`jest: ${t.fullName}`, t.status === 'passed', t.failureMessages?.join('\n').slice(0, 300));
    }
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      check(`jest: ${suite.name} (suite failed to run)`, false, suite.message?.slice(0, 300));
    }
  }
}
checkJestResults(jestJson, 'jest');

// Extra checks (each script prints its own report and exits non-zero on failure).
for (const [name, script] of [['every exercise test fails on its untouched stub', 'scripts/check-stubs.mjs']]) {
  if (existsSync(join(root, script))) check(name, step(name, process.execPath, [join(root, script)]));
}

// Notebooks, headless.
console.log('\n=== notebooks (headless, tslab kernel)');
const { runNotebooks } = await import('./run-notebooks.mjs');
try {
  for (const r of runNotebooks()) {
    check(`notebook ${r.notebook}`, r.ok, r.ok ? '' : `cell ${r.cell}: ${r.error?.split('\n')[0]}`);
  }
} catch (err) {
  check('notebooks', false, String(err));
}

// Every number in the notebooks' prose is printed by a cell or is an allow-listed fact (on the executed copies).
const claimsJson = join(root, 'build', 'claims-results.json');
rmSync(claimsJson, { force: true });
step(
  'notebook claims (tests/notebooks/claims.test.ts)',
  bin('jest'),
  ['--json', '--outputFile', claimsJson, claimsTest],
  { env: { ...process.env, CLAIMS_CHECK: '1' } },
);
checkJestResults(claimsJson, 'notebook claims');

const failed = results.filter((r) => !r.ok);
if (failed.length) {
  console.log('\nFailed:');
  for (const f of failed) console.log(`  ✗ ${f.name}${f.detail ? `\n      ${f.detail.split('\n')[0]}` : ''}`);
}
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
