/**
 * tryExercise: call a learner's exercise function from a notebook (through runExercise, lib/learner/challenge.ts,
 * and so the course's one runner for learner code), print one line about how it went, and go on with the
 * learner's answer when it agrees with the course's, else with the course's.
 */
import { problemText } from './compile';
import {
  runExercise,
  type ExerciseArgs,
  type ExerciseFunctionName,
  type ExerciseName,
  type ExerciseReturn,
  type RunExerciseOptions,
} from './challenge';
import { approximatelyEqual, showValue } from './values';

/**
 * A short, readable rendering of a value for one printed line (lib/learner/values.ts's showValue, 4 digits).
 *
 * @example
 *   preview([0.123456, 2, 'cat']);   // '[0.1235, 2, "cat"]'
 */
export function preview(value: unknown, maxLength = 160): string {
  return showValue(value, { maxLength });
}

/** Options of `tryExercise`. */
export interface TryExerciseOptions<T> extends RunExerciseOptions {
  /** Whether the learner's answer counts as the course's (default: `approximatelyEqual` within 1e-4). */
  agrees?: (yours: T, course: T) => boolean;
  /** Where the one-line report goes (default console.log). */
  log?: (line: string) => void;
}

/**
 * Calls the learner's `functionName` of exercise `name` with `args`, prints one line about how it went, and returns
 * its answer when it ran and agrees with `fallback()` (the course's own version); otherwise — not started, an error,
 * a timeout, a different answer — the course's answer, so that the notebook goes on. Never throws for anything the
 * exercise does.
 *
 * @example
 *   const cos = await tryExercise('01-cosine-similarity', 'cosineSimilarity', [a, b], () => cosineSimilarity(a, b));
 *   // · 01-cosine-similarity › cosineSimilarity: not started yet — open exercises/01-cosine-similarity.ts and replace
 *   //   the throw in cosineSimilarity. Using the course's cosineSimilarity for now.
 */
export async function tryExercise<N extends ExerciseName, F extends ExerciseFunctionName<N>>(
  name: N,
  functionName: F,
  args: ExerciseArgs<N, F>,
  fallback: () => ExerciseReturn<N, F> | Promise<ExerciseReturn<N, F>>,
  options: TryExerciseOptions<ExerciseReturn<N, F>> = {},
): Promise<ExerciseReturn<N, F>> {
  const log = options.log ?? ((line: string) => console.log(line));
  const run = await runExercise(name, functionName, args, options);
  const course = await fallback();
  const head = `${name} › ${functionName}`;
  const lines: string[] = [];
  for (const p of run.typeProblems.slice(0, 3))
    lines.push(`  ! ${problemText(p)} (types are not checked at run time, so your code runs anyway)`);
  if (run.standIns.length > 0)
    lines.push(
      `  (it ran with the course's ${run.standIns.join(', ')}, because yours still throw NotImplementedError)`,
    );
  if (run.output) {
    const outputLines = run.output.split('\n');
    lines.push(
      `  your code printed:`,
      ...outputLines.slice(0, 20).map((l) => `    ${l}`),
      ...(outputLines.length > 20 ? [`    … (${outputLines.length - 20} more lines)`] : []),
    );
  }
  let value: ExerciseReturn<N, F> = course;
  if (run.status === 'ok') {
    const agrees = options.agrees ?? ((a: ExerciseReturn<N, F>, b: ExerciseReturn<N, F>) => approximatelyEqual(a, b));
    let same: boolean;
    try {
      same = agrees(run.value as ExerciseReturn<N, F>, course);
    } catch {
      same = false;
    }
    if (same) {
      value = run.value as ExerciseReturn<N, F>;
      log(`✓ ${head}: your function ran and agrees with the course's.`);
    } else {
      log(
        `✗ ${head}: your function returned ${preview(run.value)}, the course's returns ${preview(course)}. The cells below use the course's; await grade('${name.slice(0, 2)}') says which check fails.`,
      );
    }
  } else if (run.status === 'not-started') {
    log(`· ${head}: ${run.problem} Using the course's ${functionName} for now.`);
  } else {
    log(
      `✗ ${head}: ${run.problem} Using the course's ${functionName} for now; await grade('${name.slice(0, 2)}') says more.`,
    );
  }
  for (const line of lines) log(line);
  return value;
}
