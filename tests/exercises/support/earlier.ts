/**
 * Later exercises build on earlier ones: 04–07 and 09 import the learner's own exercise 01 (l2Normalize,
 * cosineSimilarity) and 02 (softmax, topK). An exercise's test file mocks those imports with
 * `withCourseFallback`, so that while an earlier exercise is unfinished (its function still throws the stub's
 * NotImplementedError) the course's reference version (solutions/) runs in its place — the later exercise can be
 * written and checked meanwhile. The errors the course's version throws are re-thrown as the learner's own error
 * classes (same name, same message), so `instanceof` checks keep working. The test file's last check,
 * `expectOwnEarlierExercises`, fails while a course version was used, and says which, so the report says so.
 *
 * @example
 *   jest.mock('../../solutions/01-cosine-similarity', () =>
 *     require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
 *   );
 */
import { join } from 'node:path';
import { types } from 'node:util';
import { ExpectationError } from './plain';
import { courseStandIns } from '../../../lib/learner/stand-ins';

type Module = Record<string, unknown>;
type AnyFunction = (...args: unknown[]) => unknown;

/** "cosineSimilarity (exercise 01)" for every earlier function the course had to stand in for. */
const stoodIn = new Set<string>();

const isClass = (value: unknown): boolean =>
  typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));

/** The learner's module `exercise` (yours), with each function falling back to the course's while unfinished. */
export function withCourseFallback(exercise: string, yours: Module): Module {
  const course = jest.requireActual(join(__dirname, '..', '..', '..', 'solutions', `${exercise}.ts`)) as Module;
  const wrapped: Module = { ...yours };
  for (const [key, value] of Object.entries(yours)) {
    if (typeof value !== 'function' || isClass(value)) continue;
    wrapped[key] = (...args: unknown[]) => {
      try {
        return (value as AnyFunction)(...args);
      } catch (error) {
        const unfinished =
          types.isNativeError(error) &&
          error.name === 'NotImplementedError' &&
          (error as Error & { exercise?: string }).exercise === exercise;
        if (!unfinished || typeof course[key] !== 'function') throw error;
        stoodIn.add(`${key} (exercise ${exercise.slice(0, 2)})`);
        try {
          return (course[key] as AnyFunction)(...args);
        } catch (courseError) {
          const own = types.isNativeError(courseError) ? yours[courseError.name] : undefined;
          if (types.isNativeError(courseError) && isClass(own)) {
            throw new (own as new (message: string) => Error)(courseError.message);
          }
          throw courseError;
        }
      }
    };
  }
  return wrapped;
}

/** Fails, naming them, when the course's versions stood in for earlier exercises during this file's checks. */
export function expectOwnEarlierExercises(exercise: string): void {
  // Under npm run grade the learner's process does the standing in and reports it (lib/learner/stand-ins.ts).
  const all = new Set([...stoodIn, ...courseStandIns]);
  if (all.size === 0) return;
  const list = [...all].sort();
  const numbers = [...new Set(list.map((entry) => /exercise (\d\d)/.exec(entry)?.[1] ?? '?'))];
  const error = new ExpectationError(
    `The other checks of ${exercise} ran with the course's ${list.join(', ')}, because yours still ${list.length === 1 ? 'throws' : 'throw'} NotImplementedError. ` +
      `Your ${exercise} was judged on its own in those checks; finish exercise${numbers.length > 1 ? 's' : ''} ${numbers.join(' and ')} ` +
      `(npm run grade -- ${numbers.join(' ')}) and this check passes too.`,
  );
  // The grade report reads this (lib/learner/harness.ts) and points its hint line at the earlier exercises.
  throw Object.assign(error, { unfinishedEarlier: numbers });
}
