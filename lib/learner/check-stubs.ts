/**
 * `node scripts/check-stubs.mjs` (part of `npm test`): proves that every exercise's tests CAN fail.
 *
 * For every exercise it
 *  1. generates the pristine stub from solutions/NN-name.ts (lib/learner/stubs.ts) into a temporary
 *     folder — never reading exercises/, so a learner's work there can neither fail nor pass this check;
 *  2. type-checks that stub (its signatures must compile, so that its tests fail for the right reason);
 *  3. runs tests/exercises/NN-name.test.ts against it, through the grader's own runner (lib/learner/harness.ts:
 *     the stub in its sandboxed process, the tests here), and requires EVERY test to fail, each with
 *     NotImplementedError;
 *  4. checks that the committed exercises/NN-name.ts is that generated stub, as of the last commit that
 *     changed solutions/NN-name.ts or the generator (`git show`; a learner's later commits to exercises/
 *     do not count). Outside a git checkout this step is skipped, with a note.
 * Prints one line per exercise and exits 1 unless every exercise passes every step.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listExercises } from './catalog';
import { runExerciseTests } from './harness';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor, stubFromSolution } from './stubs';
import { typeCheck } from './typecheck';
import { EXERCISE_TIME_LIMIT_MS } from '../course/paths';

const root = resolve(__dirname, '..', '..');
const GENERATOR = 'lib/learner/stubs.ts';

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 16 << 20,
    });
  } catch {
    return undefined;
  }
}

/** Why the committed stub differs from the generated one, or undefined when they agree (or git is absent). */
function committedStubProblem(name: string): string | undefined {
  const commit = git(['log', '-1', '--format=%H', '--', `solutions/${name}.ts`, GENERATOR])?.trim();
  if (!commit) return undefined;
  const solution = git(['show', `${commit}:solutions/${name}.ts`]);
  const committed = git(['show', `${commit}:exercises/${name}.ts`]);
  const short = commit.slice(0, 8);
  if (solution === undefined) return undefined; // the solution is not committed yet
  if (committed === undefined)
    return `commit ${short} has solutions/${name}.ts but no exercises/${name}.ts; run npm run grade -- --reset ${name} and commit the stub with the solution.`;
  if (stubFromSolution(solution, name) !== committed) {
    return `exercises/${name}.ts as committed in ${short} is not the stub generated from solutions/${name}.ts; run npm run grade -- --reset ${name} and commit it together with the solution.`;
  }
  return undefined;
}

async function main(): Promise<number> {
  const exercises = listExercises(root);
  const dir = mkdtempSync(join(tmpdir(), 'pristine-stubs-'));
  let failures = 0;
  try {
    writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
    const stubs = exercises.map((e) => join(dir, `${e.name}.ts`));
    const generationErrors = new Map<string, string>();
    exercises.forEach((e, i) => {
      try {
        writeFileSync(stubs[i], stubFor(root, e.name));
      } catch (error) {
        generationErrors.set(e.name, error instanceof Error ? error.message : String(error));
      }
    });
    const generated = exercises.filter((e) => !generationErrors.has(e.name)).map((e) => e.name);
    const ran = await runExerciseTests(generated, {
      root,
      dir,
      stepMs: EXERCISE_TIME_LIMIT_MS,
      deadline: Date.now() + 600_000,
    });
    const outcomes = exercises.map(
      (e) =>
        ran.find((o) => o.exercise === e.name) ?? {
          exercise: e.name,
          testFile: '',
          tests: [],
          output: '',
          loadError: 'the stub could not be generated',
        },
    );
    const problems = typeCheck(
      root,
      stubs.filter((_, i) => !generationErrors.has(exercises[i].name)),
    );
    const generatorCommit = git(['log', '-1', '--format=%H', '--', GENERATOR])?.trim();
    const committedHelper = generatorCommit
      ? git(['show', `${generatorCommit}:exercises/${NOT_IMPLEMENTED_FILE}`])
      : undefined;
    const helperProblem =
      generatorCommit !== undefined && generatorCommit !== '' && committedHelper !== NOT_IMPLEMENTED_SOURCE;

    const width = Math.max(...exercises.map((e) => e.name.length));
    console.log(`Every exercise's tests against its pristine stub (generated from solutions/ into ${dir}):`);
    exercises.forEach((e, i) => {
      const why: string[] = [];
      const generationError = generationErrors.get(e.name);
      if (generationError) why.push(`the stub could not be generated: ${generationError}`);
      for (const p of problems.filter((q) => q.file === stubs[i]))
        why.push(`the stub does not compile: line ${p.line}: ${p.message}`);
      const outcome = outcomes[i];
      const tests = outcome.tests;
      if (outcome.loadError) why.push(`the test file did not run: ${outcome.loadError.split('\n')[0]}`);
      else if (tests.length === 0) why.push('the test file has no tests');
      const passing = tests.filter((t) => t.passed);
      if (passing.length > 0)
        why.push(
          `${passing.length} test(s) pass on the stub, so they cannot fail: ${passing.map((t) => `"${t.title}"`).join(', ')}`,
        );
      const otherwise = tests.filter((t) => !t.passed && !/^NotImplementedError\b/.test(t.failure ?? ''));
      if (otherwise.length > 0)
        why.push(
          `${otherwise.length} test(s) fail for another reason than NotImplementedError, e.g. "${otherwise[0].title}": ${otherwise[0].failure?.split('\n')[0]}`,
        );
      const committed = committedStubProblem(e.name);
      if (committed) why.push(committed);
      if (why.length === 0) {
        console.log(
          `  ✓ ${e.name.padEnd(width)}  all ${tests.length} tests fail on the stub, each with NotImplementedError`,
        );
      } else {
        failures++;
        console.log(`  ✗ ${e.name.padEnd(width)}  ${why.join('\n      ')}`);
      }
    });
    if (helperProblem) {
      failures++;
      console.log(
        `  ✗ exercises/${NOT_IMPLEMENTED_FILE} as committed in ${generatorCommit?.slice(0, 8)} is not NOT_IMPLEMENTED_SOURCE of ${GENERATOR}; run npm run grade -- --reset all and commit it with the generator.`,
      );
    }
    if (git(['rev-parse', '--is-inside-work-tree'])?.trim() !== 'true') {
      console.log('  (not a git checkout: the committed stubs were not compared with the generated ones)');
    }
    console.log(
      failures === 0
        ? `${exercises.length}/${exercises.length} exercises: every test fails on its stub.`
        : `${failures} problem(s).`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
