/**
 * Runs the course's exercise tests (tests/exercises/NN-name.test.ts) against a learner's exercise files.
 *
 * The tests and the reference solution run HERE, in the grader's process; the learner's code runs only in its
 * own sandboxed process (lib/learner/sandbox.ts, reached through lib/learner/bridge.ts). A test file imports
 * `../../solutions/NN-name`; while it runs, that module is replaced (through `require.cache`, Node's documented
 * module cache) by a stand-in whose functions call the learner's functions in the learner's process: the
 * arguments are copied there, the value comes back (typed arrays preserved), changes the learner's function
 * made to its arguments are copied back onto the caller's, and an error it threw is rebuilt here as an instance
 * of the solution's class of the same name (so `expectThrows(…, ZeroVectorError, …)` works). The stand-in's
 * classes and constants are the solution's. Anything else that ends a call — too slow, too much memory, an
 * exit, too much output, a forbidden file write or process — is an `ExerciseRunError` in plain words, and the
 * exercise's remaining calls are skipped at once.
 *
 * The test files need only `test`/`it`, `describe`, the before/after hooks and (if installed) jest's `expect`,
 * which this file provides; under plain `jest` the same files test the solutions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CourseError } from '../course/errors';
import { PATHS } from '../course/paths';
import { Bridge, type BridgeResponse } from './bridge';
import {
  describeEnding,
  defaultLimits,
  killRegistered,
  prepareExercise,
  RUN_DIR_ENV,
  STARTUP_LIMIT_MS,
  type Ending,
  type SandboxLimits,
} from './sandbox';
import type { ThrownValue } from './sandbox-child';
import { courseStandIns } from './stand-ins';

/** A learner's call that ended other than by returning or throwing (its message is the verdict). */
export class ExerciseRunError extends CourseError {}

/** One test (one `test(...)`) of an exercise. */
export interface TestOutcome {
  title: string;
  passed: boolean;
  /** The failure in plain words (`NotImplementedError: …` for a stub). */
  failure?: string;
  /** The exercise's function the test called last before it failed (the report's hint names the failing function). */
  lastCalled?: string;
  /**
   * Set when the failure only says that earlier exercises (e.g. ['01']) are unfinished: the course's versions stood
   * in for them (tests/exercises/support/earlier.ts's expectOwnEarlierExercises throws an error carrying them).
   */
  unfinishedEarlier?: string[];
}

/** Which of the exercise's functions a test called last (reset before each test). */
interface CallTracker {
  last?: string;
}

/** What happened to one exercise's test file. */
export interface FileOutcome {
  exercise: string;
  testFile: string;
  tests: TestOutcome[];
  /** Set when the tests could not run at all (the exercise could not be loaded, the deadline). */
  loadError?: string;
  /** What the learner's code printed. */
  output: string;
}

/** Options of `runExerciseTests`. */
export interface HarnessOptions {
  /** The course root (tests/exercises/ and solutions/ live here). */
  root: string;
  /** The folder of the learner's exercise files. */
  dir: string;
  /** Per step (load, call) limit in ms. */
  stepMs: number;
  /** Epoch ms after which nothing more runs; every process is ended by then. */
  deadline: number;
  /** Other limits (memory, output) for tests of the runner itself. */
  limits?: Partial<SandboxLimits>;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** An error class of that name exported by one of the course's solutions the tests have loaded (an earlier exercise's). */
function courseClass(name: string): unknown {
  const solutions = path.join(PATHS.solutions, path.sep);
  for (const [file, mod] of Object.entries(require.cache)) {
    const value = file.startsWith(solutions)
      ? (mod?.exports as Record<string, unknown> | undefined)?.[name]
      : undefined;
    if (typeof value === 'function' && value.prototype instanceof Error) return value;
  }
  return undefined;
}

/** A thrown value from the learner's process, rebuilt here as a real Error of the solution's class when it has one. */
function rebuild(thrown: ThrownValue, classes: Record<string, unknown>): unknown {
  if (!thrown.isError) return thrown.value;
  const error = new Error(thrown.message);
  const own = classes[thrown.name] ?? courseClass(thrown.name);
  const cls =
    typeof own === 'function' && own.prototype instanceof Error
      ? (own as ErrorConstructor)
      : BUILTIN_ERRORS[thrown.name];
  if (cls) Object.setPrototypeOf(error, cls.prototype);
  Object.defineProperty(error, 'name', { value: thrown.name, configurable: true, writable: true });
  Object.defineProperty(error, 'stack', {
    value: thrown.stack || `${thrown.name}: ${thrown.message}`,
    configurable: true,
    writable: true,
  });
  return error;
}

/** Makes `target` (the caller's argument) hold what `copy` (the same argument after the learner's call) holds. */
function copyBack(target: unknown, copy: unknown, depth = 0): void {
  if (depth > 8 || target === null || copy === null || typeof target !== 'object' || typeof copy !== 'object') return;
  if (ArrayBuffer.isView(target) && ArrayBuffer.isView(copy)) {
    const t = target as unknown as { length?: number; set?: (a: ArrayLike<number>) => void };
    const c = copy as unknown as ArrayLike<number>;
    if (typeof t.set === 'function' && t.length === c.length) t.set(c);
    return;
  }
  if (Array.isArray(target) && Array.isArray(copy)) {
    for (let i = 0; i < copy.length; i++) {
      if (typeof target[i] === 'object' && target[i] !== null && typeof copy[i] === 'object')
        copyBack(target[i], copy[i], depth + 1);
      else if (!Object.is(target[i], copy[i])) target[i] = copy[i];
    }
    if (target.length !== copy.length) target.length = copy.length;
    return;
  }
  if (Object.getPrototypeOf(target) === Object.prototype) {
    for (const key of Object.keys(copy)) {
      const t = (target as Record<string, unknown>)[key];
      const c = (copy as Record<string, unknown>)[key];
      if (typeof t === 'object' && t !== null && typeof c === 'object') copyBack(t, c, depth + 1);
      else if (!Object.is(t, c)) (target as Record<string, unknown>)[key] = c;
    }
  }
}

/** "l2Normalize([3, 4])" for a verdict. */
function callText(fn: string, args: unknown[]): string {
  const text = args
    .map((a) => {
      try {
        return JSON.stringify(ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a) ?? String(a);
      } catch {
        return String(a);
      }
    })
    .join(', ');
  return `${fn}(${text.length > 60 ? `${text.slice(0, 59)}…` : text})`;
}

interface Registered {
  title: string;
  fn: () => unknown;
}

/** Collects the tests of one file through the jest-like globals, then runs them one after the other. */
async function runTestFile(testFile: string, calls: CallTracker = {}): Promise<TestOutcome[]> {
  const tests: Registered[] = [];
  const hooks = {
    beforeAll: [] as (() => unknown)[],
    afterAll: [] as (() => unknown)[],
    beforeEach: [] as (() => unknown)[],
    afterEach: [] as (() => unknown)[],
  };
  const prefix: string[] = [];
  const g = globalThis as Record<string, unknown>;
  const saved: Record<string, unknown> = {};
  const add = (title: string, fn: () => unknown) => tests.push({ title: [...prefix, title].join(' › '), fn });
  const globals: Record<string, unknown> = {
    test: add,
    it: add,
    describe: (title: string, body: () => void) => {
      prefix.push(title);
      try {
        body();
      } finally {
        prefix.pop();
      }
    },
    beforeAll: (fn: () => unknown) => hooks.beforeAll.push(fn),
    afterAll: (fn: () => unknown) => hooks.afterAll.push(fn),
    beforeEach: (fn: () => unknown) => hooks.beforeEach.push(fn),
    afterEach: (fn: () => unknown) => hooks.afterEach.push(fn),
  };
  // jest.mock: the test files mock earlier exercises' modules for plain jest; here the learner's process
  // does that (lib/learner/sandbox-child.ts's installEarlier), so a mock is not needed on this side.
  const resolveFrom = (id: string) => (path.isAbsolute(id) ? id : path.resolve(path.dirname(testFile), id));
  globals.jest = { mock: () => undefined, requireActual: (id: string) => require(resolveFrom(id)) as unknown };
  try {
    globals.expect = (require('expect') as { expect: unknown }).expect;
  } catch {
    // jest's expect is not installed: the course's tests use tests/exercises/support/plain.ts anyway
  }
  for (const [name, value] of Object.entries(globals)) {
    saved[name] = g[name];
    g[name] = value;
  }
  const outcomes: TestOutcome[] = [];
  try {
    delete require.cache[testFile];
    require(testFile);
    for (const hook of hooks.beforeAll) await hook();
    for (const t of tests) {
      calls.last = undefined;
      try {
        for (const hook of hooks.beforeEach) await hook();
        await t.fn();
        for (const hook of hooks.afterEach) await hook();
        outcomes.push({ title: t.title, passed: true });
      } catch (error) {
        const earlier = (error as { unfinishedEarlier?: unknown } | null)?.unfinishedEarlier;
        outcomes.push({
          title: t.title,
          passed: false,
          failure: failureText(error),
          ...(calls.last !== undefined ? { lastCalled: calls.last } : {}),
          ...(Array.isArray(earlier) && earlier.length > 0 ? { unfinishedEarlier: earlier.map(String) } : {}),
        });
      }
    }
    for (const hook of hooks.afterAll) await hook();
  } finally {
    // Like jest, every test file gets fresh test modules (their module-level state starts empty).
    const testsDir = path.join(path.dirname(testFile), path.sep);
    for (const key of Object.keys(require.cache)) if (key.startsWith(testsDir)) delete require.cache[key];
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete g[name];
      else g[name] = value;
    }
  }
  return outcomes;
}

/** A test failure in plain words: the message, without "ExpectationError:" or a stack trace. */
export function failureText(error: unknown): string {
  if (!(error instanceof Error)) return `the test threw ${String(error)}`;
  if (error.name === 'ExpectationError' || error instanceof ExerciseRunError) return error.message;
  return `${error.name}: ${error.message}`;
}

/**
 * Runs the test files of `exercises` against the learner's files in `options.dir`, each exercise in its own
 * learner process (all started side by side, then tested one after the other); one outcome per exercise.
 *
 * @example
 *   await runExerciseTests(['01-cosine-similarity'], { root, dir: '/course/exercises', stepMs: 5000, deadline: Date.now() + 180_000 });
 *   // [{ exercise: '01-cosine-similarity', tests: [{ title: 'l2Normalize: …', passed: true }, …], output: '' }]
 */
export async function runExerciseTests(
  exercises: readonly string[],
  options: HarnessOptions,
  meanwhile?: () => void,
): Promise<FileOutcome[]> {
  if (exercises.length === 0) return [];
  // The OS ends every learner process shortly after the deadline even if this process is killed first.
  const limits = defaultLimits({
    stepMs: options.stepMs,
    lifetimeMs: Math.max(10_000, options.deadline - Date.now() + 5000),
    ...options.limits,
  });
  // The learner processes register under a run folder (lib/learner/sandbox.ts); one of our own when none is set.
  const ownRunDir = process.env[RUN_DIR_ENV] ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'grade-run-'));
  if (ownRunDir) process.env[RUN_DIR_ENV] = ownRunDir; // the bridge's worker thread reads it when it starts
  const bridge = new Bridge();
  const left = () => options.deadline - Date.now();
  const starts = exercises.map((exercise) =>
    bridge.post({
      op: 'start',
      key: exercise,
      exercise,
      dir: options.dir,
      limits,
      prepared: prepareExercise(exercise, options.dir),
    }),
  );
  meanwhile?.(); // e.g. the type check, while the learner processes start
  const outcomes: FileOutcome[] = [];
  try {
    for (const [i, exercise] of exercises.entries()) {
      const testFile = path.join(options.root, 'tests', 'exercises', `${exercise}.test.ts`);
      const base: FileOutcome = { exercise, testFile, tests: [], output: '' };
      const started = bridge.wait(starts[i], Math.min(left(), STARTUP_LIMIT_MS + 2 * options.stepMs + 10_000));
      const context = { exercise, dir: options.dir, what: path.join(options.dir, `${exercise}.ts`) };
      if (started.timedOut || started.error || !started.load) {
        outcomes.push({
          ...base,
          loadError: started.timedOut
            ? `not graded: the grading run's deadline passed`
            : `the grader could not start it: ${started.error}`,
        });
        continue;
      }
      if ('ending' in started.load) {
        outcomes.push({
          ...base,
          loadError: describeEnding(started.load.ending, { ...context, what: context.what.replace(/^.*\//, '') }),
          output: started.output ?? '',
        });
        continue;
      }
      if (!fs.existsSync(testFile)) {
        outcomes.push({ ...base, loadError: `the course has no tests for it (${testFile} is missing)` });
        continue;
      }
      courseStandIns.clear();
      for (const entry of started.load.standIns) courseStandIns.add(entry);
      const calls: CallTracker = {};
      const tests = await withStandIn(
        options.root,
        exercise,
        started.load.exports.values,
        (solution) => makeStandIn(bridge, exercise, solution, context, left, options.stepMs, calls),
        testFile,
        calls,
      );
      const closed = bridge.request({ op: 'close', key: exercise }, Math.max(1000, Math.min(left(), 10_000)));
      outcomes.push({ ...base, tests, output: closed.output ?? '' });
    }
  } finally {
    bridge.close();
    if (ownRunDir) {
      killRegistered(ownRunDir);
      fs.rmSync(ownRunDir, { recursive: true, force: true });
      delete process.env[RUN_DIR_ENV];
    }
  }
  return outcomes;
}

/** Runs `testFile` with `../../solutions/<exercise>` replaced by the stand-in `make` builds from the solution. */
async function withStandIn(
  root: string,
  exercise: string,
  learnerValues: Record<string, unknown>,
  make: (solution: Record<string, unknown>) => Record<string, unknown>,
  testFile: string,
  calls: CallTracker,
): Promise<TestOutcome[]> {
  const solutionFile = require.resolve(path.join(root, 'solutions', exercise));
  const solution = require(solutionFile) as Record<string, unknown>; // the course's own module: classes, constants
  const standIn = make(solution);
  for (const [key, value] of Object.entries(learnerValues))
    if (key in standIn && typeof standIn[key] !== 'function') standIn[key] = value;
  const original = require.cache[solutionFile];
  require.cache[solutionFile] = {
    id: solutionFile,
    filename: solutionFile,
    loaded: true,
    exports: standIn,
    children: [],
    paths: [],
  } as unknown as NodeJS.Module;
  try {
    return await runTestFile(testFile, calls);
  } catch (error) {
    return [{ title: 'loading the tests', passed: false, failure: failureText(error) }];
  } finally {
    if (original) require.cache[solutionFile] = original;
    else delete require.cache[solutionFile];
  }
}

/** The solution's exports with every function replaced by a call into the learner's process. */
function makeStandIn(
  bridge: Bridge,
  exercise: string,
  solution: Record<string, unknown>,
  context: { exercise: string; dir: string },
  left: () => number,
  stepMs: number,
  calls: CallTracker,
): Record<string, unknown> {
  let stopped: string | undefined;
  const standIn: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(solution)) {
    const isClass = typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
    if (typeof value !== 'function' || isClass) {
      standIn[key] = value;
      continue;
    }
    standIn[key] = (...args: unknown[]) => {
      calls.last = key;
      const what = callText(key, args);
      if (stopped !== undefined) throw new ExerciseRunError(`Skipped: ${stopped}, so this check was not run.`);
      const wait = Math.min(left(), stepMs + 5000);
      const response: BridgeResponse =
        wait > 0 ? bridge.request({ op: 'call', key: exercise, fn: key, args }, wait) : { id: 0, timedOut: true };
      if (response.timedOut || response.error || !response.call) {
        const ending: Ending = response.timedOut
          ? { kind: 'deadline' }
          : { kind: 'no-start', message: response.error ?? 'no answer' };
        stopped = describeEnding(ending, { ...context, what });
        throw new ExerciseRunError(`${stopped}.`);
      }
      const call = response.call;
      if (!('ending' in call)) {
        for (const entry of call.standIns) courseStandIns.add(entry);
        call.args.forEach((copy, i) => copyBack(args[i], copy));
        return call.value;
      }
      const ending = call.ending;
      if (ending.kind === 'threw') throw rebuild(ending.thrown, solution);
      const verdict = describeEnding(ending, { ...context, what });
      if (ending.kind !== 'not-a-function' && ending.kind !== 'bad-return') stopped = verdict;
      throw new ExerciseRunError(`${verdict}.`);
    };
  }
  return standIn;
}
