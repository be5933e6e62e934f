/**
 * tryExercise: call a learner's exercise function from a notebook (through runExercise, lib/learner/challenge.ts,
 * and so the course's one runner for learner code), print one line about how it went, and go on with the
 * learner's answer when it agrees with the course's, else with the course's. Also the course's own version of
 * exercise 08's analysis (analyzeProbabilities), which notebook 04 falls back to.
 */
import { problemText } from './compile';
import {
  ChallengeInputError,
  runExercise,
  type PredictionAnalysis,
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
      `  (it ran with the course's ${run.standIns.join(', ')}, because yours still ${run.standIns.length === 1 ? 'throws' : 'throw'} NotImplementedError)`,
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

// ---------------------------------------------------------------------------------------------------------------
// The course's own version of exercise 08 (the fallback the notebook uses when the learner's is not ready).

/**
 * Top label, runner-up, top-2 margin, entropy (nats) and normalized entropy of a probability distribution over
 * labels; `confident` is margin ≥ marginThreshold. The same contract as exercise 08's `analyzePrediction`.
 *
 * @example
 *   analyzeProbabilities([0.7, 0.2, 0.1], ['cat', 'dog', 'car']);
 *   // { label: 'cat', probability: 0.7, runnerUp: 'dog', margin: 0.5, entropy: 0.8018, normalizedEntropy: 0.7298, confident: true }
 */
export function analyzeProbabilities(
  probabilities: ArrayLike<number>,
  labels: readonly string[],
  marginThreshold = 0.2,
): PredictionAnalysis {
  const p = Array.from(probabilities);
  if (p.length < 2)
    throw new ChallengeInputError(
      `analyzeProbabilities: got ${p.length} probabilities; a margin needs at least 2. Pass one probability per candidate label.`,
    );
  if (labels.length !== p.length)
    throw new ChallengeInputError(
      `analyzeProbabilities: ${labels.length} labels for ${p.length} probabilities. Pass one label per probability.`,
    );
  const bad = p.findIndex((x) => !(Number.isFinite(x) && x >= 0 && x <= 1));
  if (bad >= 0)
    throw new ChallengeInputError(
      `analyzeProbabilities: probability ${bad} is ${p[bad]}, not a number in [0, 1]. Pass a softmax output.`,
    );
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-4)
    throw new ChallengeInputError(
      `analyzeProbabilities: the probabilities sum to ${sum}, not 1. Pass a softmax output.`,
    );
  if (!(marginThreshold >= 0 && marginThreshold <= 1))
    throw new ChallengeInputError(
      `analyzeProbabilities: marginThreshold = ${marginThreshold} is not in [0, 1]. Pass e.g. 0.2.`,
    );
  const order = p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
  const [best, second] = order;
  const margin = p[best] - p[second];
  const entropy = p.reduce((h, x) => (x > 0 ? h - x * Math.log(x) : h), 0);
  return {
    label: labels[best],
    probability: p[best],
    runnerUp: labels[second],
    margin,
    entropy,
    normalizedEntropy: entropy / Math.log(p.length),
    confident: margin >= marginThreshold - 1e-9, // exercise 08: rounding (0.3 − 0.1 = 0.19999999999999998) must not decide
  };
}
