/**
 * Calling a learner's exercise functions from a notebook without letting them stop the notebook.
 *
 * A notebook that `import`s `./exercises/05-zero-shot` breaks at the import as soon as that file has a type error
 * (tslab type-checks every imported file), and a stub throws `NotImplementedError` until the learner writes it.
 * `tryExercise` instead loads the exercise file itself, each call afresh (an edited file is picked up without a
 * kernel restart), and runs the one function through the course's one runner for learner code
 * (lib/learner/sandbox.ts): its own process, its own process group, time, memory and output limits, no file
 * writes, no processes. Nothing the learner's code does can stop or kill the kernel; the comparison with the
 * course's answer happens here, in the kernel.
 *
 * - not started (the stub's NotImplementedError) → prints "not started yet — open exercises/05-zero-shot.ts";
 * - a type error → printed, and the code runs anyway (types do not exist at run time);
 * - a syntax error, a thrown error, an endless loop, `process.exit`, running out of memory, printing too much, a
 *   forbidden file write or process, a missing file → one plain-words line;
 * - an answer that differs from the course's → both are printed;
 *
 * and in each of those cases the notebook goes on with the course's own version (the `fallback`), so the cells
 * after it still show results. When the learner's function runs and agrees, its answer is used.
 *
 * @example
 *   import { tryExercise } from './lib/learner/index';
 *   const probabilities = await tryExercise('02-softmax-topk', 'softmax', [[0.31, 0.22], 18],
 *     () => Array.from(softmax([0.31, 0.22], 18)));
 *   // stub:   · 02-softmax-topk › softmax: not started yet — open exercises/02-softmax-topk.ts … Using the course's softmax.
 *   // solved: ✓ 02-softmax-topk › softmax: your function ran and agrees with the course's.
 *   // → [0.8348, 0.1652]
 */
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { typeProblems, type SourceProblem } from './type-problems';
import { COURSE_ROOT, ENV, EXERCISE_TIME_LIMIT_MS, PATHS } from '../course/paths';
import { CourseError } from '../course/errors';
import { relativeToRoot, resetCommand } from './compile';
import {
  LearnerProcess,
  MEMORY_LIMIT_MIB,
  STARTUP_LIMIT_MS,
  defaultLimits,
  describeEnding,
  prepareExercise,
  type Ending,
} from './sandbox';
export { approximatelyEqual } from './values';

// ---------------------------------------------------------------------------------------------------------------
// The exercises' functions, as their stubs declare them (tests/challenge.test.ts checks these against solutions/).

/** { label, probability } as exercise 05 returns it. */
export interface LabelProbability {
  label: string;
  probability: number;
}

/** { index, score } as exercise 02's topK returns it (and exercise 09's classifyImages, per image). */
export interface RankedScore {
  index: number;
  score: number;
}

/** One bin of exercise 08's reliabilityBins. */
export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanConfidence: number | null;
  accuracy: number | null;
}

/** What exercise 08's analyzePrediction returns. */
export interface PredictionAnalysis {
  label: string;
  probability: number;
  runnerUp: string;
  margin: number;
  entropy: number;
  normalizedEntropy: number;
  confident: boolean;
}

type Vector = readonly number[];
type Rows = readonly (readonly number[])[];

/** Every exercise and the signatures of its functions. */
export interface ExerciseApis {
  '01-cosine-similarity': {
    l2Normalize(vector: Vector): number[];
    cosineSimilarity(a: Vector, b: Vector): number;
  };
  '02-softmax-topk': {
    softmax(logits: Vector, logitScale: number): number[];
    topK(scores: Vector, k: number): RankedScore[];
  };
  '03-preprocess-arithmetic': {
    shortestEdgeResize(width: number, height: number, shortestEdge?: number): { width: number; height: number };
    centerCropBox(
      width: number,
      height: number,
      cropWidth?: number,
      cropHeight?: number,
    ): { left: number; top: number; width: number; height: number };
    rescaleAndNormalize(
      rgb: ArrayLike<number>,
      width: number,
      height: number,
      mean?: Vector,
      std?: Vector,
      rescaleFactor?: number,
    ): Float32Array;
  };
  '04-contrastive-loss': {
    contrastiveLoss(
      imageEmbeddings: Rows,
      textEmbeddings: Rows,
      logitScale: number,
    ): { loss: number; imageToText: number; textToImage: number };
    lossGradient(imageEmbeddings: Rows, textEmbeddings: Rows, logitScale: number, step?: number): number[][];
  };
  '05-zero-shot': {
    zeroShotClassify(
      imageEmbedding: Vector,
      labelEmbeddings: Rows,
      labels: readonly string[],
      logitScale: number,
    ): LabelProbability[];
  };
  '06-prompt-ensembling': {
    fillTemplates(label: string, templates: readonly string[]): string[];
    ensembleEmbedding(promptEmbeddings: Rows): number[];
  };
  '07-retrieval-recall': {
    rankImages(queryEmbedding: Vector, imageEmbeddings: Rows): number[];
    recallAtK(queryEmbeddings: Rows, imageEmbeddings: Rows, relevantImage: Vector, k: number): number;
  };
  '08-confidence-analysis': {
    analyzePrediction(probabilities: Vector, labels: readonly string[], marginThreshold?: number): PredictionAnalysis;
    reliabilityBins(confidences: Vector, correct: readonly boolean[], binCount?: number): ReliabilityBin[];
    expectedCalibrationError(confidences: Vector, correct: readonly boolean[], binCount?: number): number;
  };
  '09-shapes-zero-shot': {
    classifyImages(imageEmbeddings: Rows, classEmbeddings: Rows, logitScale: number): RankedScore[];
    accuracy(predicted: Vector, truth: Vector): number;
    confusionMatrix(predicted: Vector, truth: Vector, classCount: number): number[][];
  };
}

export type ExerciseName = keyof ExerciseApis;
export type ExerciseFunctionName<N extends ExerciseName> = keyof ExerciseApis[N] & string;
/** The argument list of one exercise function. */
export type ExerciseArgs<N extends ExerciseName, F extends ExerciseFunctionName<N>> = ExerciseApis[N][F] extends (
  ...args: infer A
) => unknown
  ? A
  : never;
/** The return type of one exercise function. */
export type ExerciseReturn<N extends ExerciseName, F extends ExerciseFunctionName<N>> = ExerciseApis[N][F] extends (
  ...args: never[]
) => infer R
  ? R
  : never;

/** The exercises in order. */
export const EXERCISE_FUNCTIONS: { readonly [N in ExerciseName]: readonly ExerciseFunctionName<N>[] } = {
  '01-cosine-similarity': ['l2Normalize', 'cosineSimilarity'],
  '02-softmax-topk': ['softmax', 'topK'],
  '03-preprocess-arithmetic': ['shortestEdgeResize', 'centerCropBox', 'rescaleAndNormalize'],
  '04-contrastive-loss': ['contrastiveLoss', 'lossGradient'],
  '05-zero-shot': ['zeroShotClassify'],
  '06-prompt-ensembling': ['fillTemplates', 'ensembleEmbedding'],
  '07-retrieval-recall': ['rankImages', 'recallAtK'],
  '08-confidence-analysis': ['analyzePrediction', 'reliabilityBins', 'expectedCalibrationError'],
  '09-shapes-zero-shot': ['classifyImages', 'accuracy', 'confusionMatrix'],
};

/** A call `tryExercise` / `runExercise` cannot make as asked (a notebook's mistake, not the learner's exercise). */
export class ChallengeInputError extends CourseError {}

// ---------------------------------------------------------------------------------------------------------------
// Type problems (the code runs anyway: types do not exist at run time).

/** One problem the compiler found in an exercise file (here its path is relative to the course root). */
export type { SourceProblem };
// tryExercise (run, report in one line, fall back to the course's version) is in lib/learner/try-exercise.ts.
export { typeProblems };

// ---------------------------------------------------------------------------------------------------------------
// Running one function in the learner's own process (lib/learner/sandbox.ts).

/** How a call into a learner's exercise ended. */
export type ExerciseStatus =
  | 'ok' // it returned a value
  | 'not-started' // the stub's NotImplementedError
  | 'missing' // the exercise file is not there
  | 'syntax-error' // the file does not parse
  | 'not-a-function' // the file does not export that function
  | 'threw' // it (or the file, while loading) threw an error
  | 'timeout' // it (or loading the file) did not finish in time (an endless loop?)
  | 'crashed' // its process ended: process.exit, a signal to itself, too much memory, too much output
  | 'forbidden' // it tried to write a file, start a process or a worker, or signal another process
  | 'bad-return'; // it returned something that cannot leave its process (a function …)

/** What `runExercise` found. */
export interface ExerciseRun<T> {
  exercise: ExerciseName;
  functionName: string;
  status: ExerciseStatus;
  /** The returned value when status is 'ok'. */
  value?: T;
  /** One plain-words sentence about what happened (empty when status is 'ok'). */
  problem: string;
  /** Type errors in the exercise file (they do not stop the run). */
  typeProblems: SourceProblem[];
  /** What the learner's code printed (console.log) during the call. */
  output: string;
  /** Earlier exercises' functions the course's version stood in for (the learner's still throw NotImplementedError). */
  standIns: string[];
}

/** Options of `runExercise`. */
export interface RunExerciseOptions {
  /** The folder of exercise files (default: $GRADE_EXERCISES_DIR, as for the grader, else the course's exercises/). */
  dir?: string;
  /** The longest loading the file, and then the call, may each take, in ms (default EXERCISE_TIME_LIMIT_MS). */
  timeoutMs?: number;
  /** Look for type errors first (default true; about a second the first time, then cached per file content). */
  typeCheck?: boolean;
  /** Memory budget of the learner's process in MiB: Buffers, typed arrays and heap together (default 1024). */
  memoryMiB?: number;
}

/** Exercise code (file, function, contents) that ran out of time, with the limit it had. */
const timedOut = new Map<string, number>();

function checkCall(name: string, functionName: string, options: RunExerciseOptions): void {
  const known = exerciseFunctions();
  if (!Object.prototype.hasOwnProperty.call(known, name)) {
    throw new ChallengeInputError(
      `tryExercise: there is no exercise ${JSON.stringify(name)}. Use one of ${Object.keys(known).join(', ')}.`,
    );
  }
  if (!known[name].includes(functionName)) {
    throw new ChallengeInputError(
      `tryExercise: exercise ${name} has no function ${JSON.stringify(functionName)}. Its functions are ${known[name].join(', ')}.`,
    );
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new ChallengeInputError(
      `tryExercise: timeoutMs = ${options.timeoutMs} is not a number of milliseconds > 0. Pass e.g. 5000, or leave it out.`,
    );
  }
  if (options.memoryMiB !== undefined && !(Number.isInteger(options.memoryMiB) && options.memoryMiB >= 16)) {
    throw new ChallengeInputError(
      `tryExercise: memoryMiB = ${options.memoryMiB} is not a whole number ≥ 16. Pass e.g. 1024, or leave it out.`,
    );
  }
}

/** Every exercise of the course (solutions/NN-name.ts) and the functions its solution exports. */
function exerciseFunctions(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const file of fs.readdirSync(PATHS.solutions)) {
    const m = /^(\d\d-[a-z0-9-]+)\.ts$/.exec(file);
    if (m)
      out[m[1]] = [
        ...fs.readFileSync(path.join(PATHS.solutions, file), 'utf8').matchAll(/^export (?:async )?function (\w+)/gm),
      ].map((f) => f[1]);
  }
  return out;
}

/** The status a notebook sees for an ending of the runner. */
function statusOf(ending: Ending): ExerciseStatus {
  switch (ending.kind) {
    case 'missing':
      return 'missing';
    case 'syntax':
      return 'syntax-error';
    case 'not-a-function':
      return 'not-a-function';
    case 'bad-return':
      return 'bad-return';
    case 'threw':
      return ending.thrown.isError && ending.thrown.name === 'NotImplementedError' ? 'not-started' : 'threw';
    case 'too-slow':
    case 'deadline':
      return 'timeout';
    case 'forbidden':
      return 'forbidden';
    default:
      return 'crashed';
  }
}

/**
 * Calls `functionName` of the learner's exercise `name` with `args` in the learner's own sandboxed process
 * (lib/learner/sandbox.ts; a fresh one per call, ended before this returns) and reports how it went.
 * Never throws for anything the exercise does (only `ChallengeInputError` for a call that names no real function).
 *
 * @example
 *   const run = await runExercise('01-cosine-similarity', 'cosineSimilarity', [[1, 0], [0, 1]]);
 *   // stub:   { status: 'not-started', problem: 'not started yet — open exercises/01-cosine-similarity.ts …', … }
 *   // solved: { status: 'ok', value: 0, problem: '', … }
 */
export async function runExercise<N extends ExerciseName, F extends ExerciseFunctionName<N>>(
  name: N,
  functionName: F,
  args: ExerciseArgs<N, F>,
  options: RunExerciseOptions = {},
): Promise<ExerciseRun<ExerciseReturn<N, F>>> {
  checkCall(name, functionName, options);
  const root = COURSE_ROOT;
  const dir = path.resolve(options.dir ?? (process.env[ENV.exercisesDir] || PATHS.exercises));
  const file = path.join(dir, `${name}.ts`);
  const shown = relativeToRoot(file, root);
  const base = {
    exercise: name,
    functionName,
    typeProblems: [] as SourceProblem[],
    output: '',
    standIns: [] as string[],
  };
  type Run = ExerciseRun<ExerciseReturn<N, F>>;
  const fail = (status: ExerciseStatus, problem: string, extra: Partial<Run> = {}): Run => ({
    ...base,
    status,
    problem,
    ...extra,
  });

  try {
    v8.serialize(args);
  } catch (error) {
    // The arguments cannot be copied into the learner's process (e.g. a function among them): the notebook's mistake.
    throw new ChallengeInputError(
      `tryExercise: the arguments of ${name} › ${functionName} cannot be passed to the exercise (${(error as Error).message}). Pass numbers, strings, arrays, typed arrays and plain objects.`,
    );
  }
  if (!fs.existsSync(file))
    return fail('missing', `${shown} does not exist. Bring the stub back with: ${resetCommand(name, file)}`);
  const timeoutMs = options.timeoutMs ?? EXERCISE_TIME_LIMIT_MS;
  // A function that ran out of time is not run again on the same code (a loop over labels would wait each time).
  const sources = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => `${n}\u0000${fs.readFileSync(path.join(dir, n), 'utf8')}`);
  const codeKey = `${file}\u0000${functionName}\u0000${sources.join('\u0000')}`;
  const timedOutBefore = timedOut.get(codeKey);
  if (timedOutBefore !== undefined && timeoutMs <= timedOutBefore) {
    return fail(
      'timeout',
      `${functionName} did not finish within ${timedOutBefore / 1000} s on an earlier call, and ${shown} has not changed since, so it was not run again (an endless loop?).`,
    );
  }
  const prepared = prepareExercise(name, dir);
  if ('kind' in prepared)
    return fail(statusOf(prepared), `${describeEnding(prepared, { exercise: name, dir, what: functionName })}.`);
  base.typeProblems = options.typeCheck === false ? [] : typeProblems(file, root);

  const limits = defaultLimits({
    stepMs: timeoutMs,
    memoryMiB: options.memoryMiB ?? MEMORY_LIMIT_MIB,
    lifetimeMs: STARTUP_LIMIT_MS + 2 * timeoutMs + 5000,
  });
  const started = await LearnerProcess.start(name, dir, limits, prepared);
  let ending: Ending | undefined;
  let value: unknown;
  if (started instanceof LearnerProcess) {
    try {
      const load = await started.load();
      if ('ending' in load) ending = load.ending;
      else {
        const call = await started.call(functionName, [...(args as unknown as unknown[])]);
        if ('ending' in call) ending = call.ending;
        else {
          value = call.value;
          base.standIns = call.standIns;
        }
      }
    } finally {
      await started.close();
    }
    base.output = started.output.trimEnd();
  } else ending = started;

  if (ending === undefined) return { ...base, status: 'ok', value: value as ExerciseReturn<N, F>, problem: '' };
  const status = statusOf(ending);
  if (status === 'not-started')
    return fail(status, `not started yet — open ${shown} and replace the throw in ${functionName}.`);
  if (ending.kind === 'too-slow' && ending.during === 'call') timedOut.set(codeKey, timeoutMs);
  return fail(status, `${describeEnding(ending, { exercise: name, dir, what: functionName })}.`);
}
