/**
 * Plain-words checks for the exercise tests. Every failure says what was expected, why, and what came
 * back, because the grader shows a learner exactly that message.
 *
 * Learner code is only ever called through `run` (directly or via the expect* helpers), which
 *  - turns a thrown non-Error ("throw 'oops'") into a failure that explains what to throw instead;
 *  - says so when the exercise file has no function of that name;
 *  - lets NotImplementedError through unchanged: it marks an exercise the learner has not started;
 *  - lets the grader's own verdicts (ExerciseRunError: too slow, too much memory, an exit, too much output, a
 *    forbidden file write or process) through unchanged: they are already in plain words.
 * Under `npm run grade` the functions these tests call are stand-ins that run the learner's code in its own
 * sandboxed process (lib/learner/harness.ts), which enforces the time, memory and output limits; under plain
 * `jest` they are the reference solutions.
 */
import { isDeepStrictEqual, types } from 'node:util';
import { showValue } from '../../../lib/learner/values';

/** The grader's verdict on a call that did not return or throw (lib/learner/harness.ts's ExerciseRunError). */
function isRunVerdict(error: unknown): boolean {
  return types.isNativeError(error) && error.name === 'ExerciseRunError';
}

/** A failed expectation, in plain words. */
export class ExpectationError extends Error {
  override name = 'ExpectationError';
}

/** "cosineSimilarity (exercises/01-cosine-similarity.ts:42)": where in an exercise file an error came from. */
function origin(error: Error): string {
  const frame = /((?:exercises|solutions|[\w.-]+)\/\d\d-[\w-]+\.ts):(\d+)/.exec(error.stack ?? '');
  return frame ? ` (at ${frame[1]}:${frame[2]})` : '';
}

/** A short, readable rendering of a value for messages (the course's one value printer, 7 digits). */
export function show(value: unknown): string {
  return showValue(value, { digits: 7, maxLength: 2000, undefinedText: 'undefined (did you forget to return?)' });
}

function isNotImplemented(error: unknown): boolean {
  return types.isNativeError(error) && error.name === 'NotImplementedError';
}

/**
 * Calls learner code with a time limit; see the module comment.
 *
 * @example
 * run('cosineSimilarity([1, 0], [0, 1])', () => cosineSimilarity([1, 0], [0, 1]));   // 0
 */
export function run<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isRunVerdict(error)) throw error;
    const missing = types.isNativeError(error) && error.name === 'TypeError' ? /\.(\w+)\)? is not a function/.exec(error.message) : null;
    if (missing) {
      throw new ExpectationError(
        `${what} failed: the exercise file has no exported function named ${missing[1]}. ` +
          'Keep the names and signatures of the stub (npm run grade -- --reset NAME brings the stub back, after a backup).',
      );
    }
    if (!types.isNativeError(error)) {
      throw new ExpectationError(
        `${what} threw ${show(error)}, which is not an Error. Throw an Error object instead, ` +
          "e.g. throw new Error('what went wrong'), or the error class the exercise names.",
      );
    }
    throw error;
  }
}

/** Runs `fn`; an unexpected Error becomes a plain failure saying what `what` should have done instead. */
function value<T>(what: string, fn: () => T, expected: string): T {
  try {
    return run(what, fn);
  } catch (error) {
    if (error instanceof ExpectationError || isNotImplemented(error) || isRunVerdict(error) || !types.isNativeError(error)) throw error;
    throw new ExpectationError(`${what} should return ${expected}, but it threw ${error.name}: ${error.message}${origin(error)}`);
  }
}

/** `fn()` must return a number within `tolerance` of `expected`. */
export function expectClose(what: string, fn: () => unknown, expected: number, why: string, tolerance = 1e-6): void {
  const actual = value(what, fn, show(expected));
  if (typeof actual !== 'number' || !(Math.abs(actual - expected) <= tolerance)) {
    throw new ExpectationError(`${what} should be ${show(expected)} (±${tolerance}), because ${why}. It returned ${show(actual)}.`);
  }
}

/** `fn()` must return an array (or typed array) of numbers, each within `tolerance` of `expected`. */
export function expectCloseArray(
  what: string,
  fn: () => unknown,
  expected: readonly number[],
  why: string,
  tolerance = 1e-6,
): void {
  const actual = value(what, fn, show(expected));
  if (!Array.isArray(actual) && !ArrayBuffer.isView(actual)) {
    throw new ExpectationError(`${what} should be the array ${show(expected)}, because ${why}. It returned ${show(actual)}.`);
  }
  const numbers = Array.from(actual as ArrayLike<unknown>);
  if (numbers.length !== expected.length) {
    throw new ExpectationError(
      `${what} should have ${expected.length} entries, ${show(expected)}, because ${why}. It returned ${numbers.length}: ${show(actual)}.`,
    );
  }
  const bad = numbers.findIndex((x, i) => typeof x !== 'number' || !(Math.abs(x - expected[i]) <= tolerance));
  if (bad >= 0) {
    throw new ExpectationError(
      `${what} should be ${show(expected)} (±${tolerance}), because ${why}. It returned ${show(actual)}: ` +
        `entry ${bad} is ${show(numbers[bad])} instead of ${show(expected[bad])}.`,
    );
  }
}

/** `fn()` must return a value deeply equal to `expected` (same keys, same values). */
export function expectEqual(what: string, fn: () => unknown, expected: unknown, why: string): void {
  const actual = value(what, fn, show(expected));
  if (!isDeepStrictEqual(actual, expected)) {
    throw new ExpectationError(`${what} should be ${show(expected)}, because ${why}. It returned ${show(actual)}.`);
  }
}

/** `fn()` must return an object; returns it for further checks. */
export function expectObject<T extends object>(what: string, fn: () => T, description: string): T {
  const actual = value(what, fn, description);
  if (typeof actual !== 'object' || actual === null) {
    throw new ExpectationError(`${what} should return ${description}. It returned ${show(actual)}.`);
  }
  return actual;
}

/** A condition about an already-computed result; `message` says what was expected and why. */
export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new ExpectationError(message);
}

/** `fn()` must throw an instance of `errorClass`. */
export function expectThrows(
  what: string,
  fn: () => unknown,
  errorClass: abstract new (...args: never[]) => Error,
  why: string,
): void {
  let returned: unknown;
  try {
    returned = run(what, fn);
  } catch (error) {
    if (error instanceof errorClass) return;
    if (error instanceof ExpectationError || isNotImplemented(error) || isRunVerdict(error) || !types.isNativeError(error)) throw error;
    throw new ExpectationError(
      `${what} should throw ${errorClass.name}, because ${why}. It threw ${error.name}: ${error.message}${origin(error)} instead.`,
    );
  }
  throw new ExpectationError(`${what} should throw ${errorClass.name}, because ${why}. It returned ${show(returned)} instead.`);
}
