/**
 * Calling a learner's exercise functions from a notebook without letting them stop the notebook.
 *
 * A notebook that `import`s `./exercises/05-zero-shot` breaks at the import as soon as that file has a type error
 * (tslab type-checks every imported file), and a stub throws `NotImplementedError` until the learner writes it.
 * `tryExercise` instead loads the exercise file itself, each call afresh (an edited file is picked up without a
 * kernel restart), and runs the one function in a worker thread with a time limit:
 *
 * - not started (the stub's NotImplementedError) → prints "not started yet — open exercises/05-zero-shot.ts";
 * - a type error → printed, and the code runs anyway (types do not exist at run time);
 * - a syntax error, a thrown error, an endless loop, `process.exit`, running out of memory, a missing file →
 *   one plain-words line;
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
import { Worker } from 'worker_threads';
import type * as TS from 'typescript';
import { courseCompilerOptions, sourceProblems, type SourceProblem } from './type-problems';
import { COURSE_ROOT } from '../course/paths';
import { CourseError } from '../course/errors';

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
    centerCropBox(width: number, height: number, cropWidth?: number, cropHeight?: number): { left: number; top: number; width: number; height: number };
    rescaleAndNormalize(rgb: ArrayLike<number>, width: number, height: number, mean?: Vector, std?: Vector, rescaleFactor?: number): Float32Array;
  };
  '04-contrastive-loss': {
    contrastiveLoss(imageEmbeddings: Rows, textEmbeddings: Rows, logitScale: number): { loss: number; imageToText: number; textToImage: number };
    lossGradient(imageEmbeddings: Rows, textEmbeddings: Rows, logitScale: number, step?: number): number[][];
  };
  '05-zero-shot': {
    zeroShotClassify(imageEmbedding: Vector, labelEmbeddings: Rows, labels: readonly string[], logitScale: number): LabelProbability[];
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
export type ExerciseArgs<N extends ExerciseName, F extends ExerciseFunctionName<N>> = ExerciseApis[N][F] extends (...args: infer A) => unknown ? A : never;
/** The return type of one exercise function. */
export type ExerciseReturn<N extends ExerciseName, F extends ExerciseFunctionName<N>> = ExerciseApis[N][F] extends (...args: never[]) => infer R ? R : never;

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
// Loading: transpile (no type check, so a type error cannot stop the run), then type-check separately to report.


/** The TypeScript compiler, loaded the first time it is needed (half a second). */
let typescriptModule: typeof TS | undefined;
function typescript(): typeof TS {
  if (!typescriptModule) {
    try {
      typescriptModule = require('typescript') as typeof TS;
    } catch {
      typescriptModule = require('@tslab/typescript-for-tslab') as typeof TS;
    }
  }
  return typescriptModule;
}

/** One problem the compiler found in an exercise file (here its path is relative to the course root). */
export type { SourceProblem };

/** "syntax error at exercises/05-zero-shot.ts:69:35: Parameter declaration expected" (no final period). */
function problemText(p: SourceProblem): string {
  return `${p.kind} at ${p.file}:${p.line}:${p.column}: ${p.message.replace(/\.$/, '')}`;
}

function relativeToRoot(file: string, root: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** JavaScript for every .ts file of the exercise folder (with inline source maps), and syntax errors of `entry`. */
function transpileFolder(dir: string, entry: string, root: string): { modules: Record<string, string>; syntaxProblems: SourceProblem[] } {
  const ts = typescript();
  const modules: Record<string, string> = {};
  let syntaxProblems: SourceProblem[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
    const file = path.join(dir, name);
    const source = fs.readFileSync(file, 'utf8');
    const out = ts.transpileModule(source, {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true, inlineSources: true },
    });
    modules[file] = out.outputText;
    if (file === entry) {
      const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
      syntaxProblems = (out.diagnostics ?? []).map((d) => {
        const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        return { kind: 'syntax error' as const, file: relativeToRoot(file, root), line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
      });
    }
  }
  return { modules, syntaxProblems };
}

/** Parsed library and @types files, kept between type checks (they never change during a session). */
const sharedSourceFiles = new Map<string, TS.SourceFile>();
const typeCheckCache = new Map<string, SourceProblem[]>();

/**
 * Type errors of one exercise file under the course's compiler options (tsconfig.json, Node's types), as the
 * grader reports them; cached by file content, so a second call on an unchanged file is free.
 *
 * @example
 *   typeProblems('/course/exercises/05-zero-shot.ts');
 *   // [{ kind: 'type error', file: 'exercises/05-zero-shot.ts', line: 70, column: 9,
 *   //    message: "Type 'string' is not assignable to type 'number'." }]
 */
export function typeProblems(file: string, root = COURSE_ROOT): SourceProblem[] {
  const ts = typescript();
  const dir = path.dirname(file);
  const contents = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => `${n}\n${fs.readFileSync(path.join(dir, n), 'utf8')}`)
    .join('\n\u0000');
  const key = `${file}\u0000${contents}`;
  const cached = typeCheckCache.get(key);
  if (cached) return cached;
  const options: TS.CompilerOptions = { ...courseCompilerOptions(ts, root), skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const shared = fileName.includes(`${path.sep}node_modules${path.sep}`);
    const hit = shared ? sharedSourceFiles.get(fileName) : undefined;
    if (hit) return hit;
    const sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (shared && sf) sharedSourceFiles.set(fileName, sf);
    return sf;
  };
  const program = ts.createProgram({ rootNames: [file], options, host });
  const sf = program.getSourceFile(file);
  const problems = sf ? sourceProblems(ts, program, sf, relativeToRoot(file, root)) : [];
  typeCheckCache.set(key, problems);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Running one function in a worker thread.

/** How a call into a learner's exercise ended. */
export type ExerciseStatus =
  | 'ok' // it returned a value
  | 'not-started' // the stub's NotImplementedError
  | 'missing' // the exercise file is not there
  | 'syntax-error' // the file does not parse
  | 'not-a-function' // the file does not export that function
  | 'threw' // it (or the file, while loading) threw an error
  | 'timeout' // it did not finish in time (an endless loop?)
  | 'crashed' // the worker stopped: process.exit, out of memory
  | 'bad-return'; // it returned something that cannot leave the worker (a function, a promise that rejects …)

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
}

/** Options of `runExercise`. */
export interface RunExerciseOptions {
  /** The folder of exercise files (default: $GRADE_EXERCISES_DIR, as for the grader, else the course's exercises/). */
  dir?: string;
  /** The longest one call may take, in ms (default 5000, like the grader). */
  timeoutMs?: number;
  /** Look for type errors first (default true; about a second the first time, then cached per file content). */
  typeCheck?: boolean;
  /** Memory limit of the worker's heap, in MiB (default 1024). */
  memoryMiB?: number;
}

/** Exercise code (file, function, contents) that ran out of time, with the limit it had. */
const timedOut = new Map<string, number>();

/** Runs inside the worker: registers .ts files (already transpiled), requires the exercise, calls one function. */
const WORKER_SOURCE = `(function () {
  const { parentPort, workerData } = require('worker_threads');
  const Module = require('module');
  const { modules, entry, functionName, args } = workerData;
  if (process.setSourceMapsEnabled) process.setSourceMapsEnabled(true);
  Module._extensions['.ts'] = function (module, filename) {
    const code = modules[filename];
    if (code === undefined) throw new Error('cannot load ' + filename + ' from an exercise: only .ts files of the exercise folder can be imported (import the course library as a package path is not supported here).');
    module._compile(code, filename);
  };
  const describe = (error) => {
    if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
      return { name: String(error.name || (error.constructor && error.constructor.name) || 'Error'), message: String(error.message), stack: String(error.stack || '') };
    }
    return { name: 'a non-Error value', message: typeof error === 'string' ? JSON.stringify(error) : String(error), stack: '' };
  };
  const send = (message) => {
    try {
      parentPort.postMessage(message);
    } catch (error) {
      parentPort.postMessage({ kind: 'bad-return', error: describe(error) });
    }
  };
  let exercise;
  try {
    exercise = require(entry);
  } catch (error) {
    send({ kind: 'threw', during: 'load', error: describe(error) });
    return;
  }
  const fn = exercise && exercise[functionName];
  if (typeof fn !== 'function') {
    send({ kind: 'not-a-function', exported: Object.keys(exercise || {}).filter((k) => typeof exercise[k] === 'function' && !/^class\\b/.test(Function.prototype.toString.call(exercise[k]))) });
    return;
  }
  let result;
  try {
    result = fn(...args);
  } catch (error) {
    send({ kind: 'threw', during: 'call', error: describe(error) });
    return;
  }
  Promise.resolve(result).then(
    (value) => send({ kind: 'returned', value }),
    (error) => send({ kind: 'threw', during: 'call', error: describe(error) }),
  );
})();`;

interface WorkerError {
  name: string;
  message: string;
  stack: string;
}

type WorkerMessage =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; during: 'load' | 'call'; error: WorkerError }
  | { kind: 'not-a-function'; exported: string[] }
  | { kind: 'bad-return'; error: WorkerError };

/** "exercises/05-zero-shot.ts:52:10", the first place in the stack that is in the exercise folder. */
function whereInExercises(stack: string, dir: string, root: string): string | undefined {
  for (const line of stack.split('\n')) {
    const m = /\(?((?:[A-Za-z]:)?[^\s()]+\.ts):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m && path.resolve(m[1]).startsWith(path.resolve(dir) + path.sep)) return `${relativeToRoot(path.resolve(m[1]), root)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function checkCall(name: string, functionName: string, options: RunExerciseOptions): void {
  const known = EXERCISE_FUNCTIONS as Record<string, readonly string[]>;
  if (!Object.prototype.hasOwnProperty.call(known, name)) {
    throw new ChallengeInputError(`tryExercise: there is no exercise ${JSON.stringify(name)}. Use one of ${Object.keys(known).join(', ')}.`);
  }
  if (!known[name].includes(functionName)) {
    throw new ChallengeInputError(`tryExercise: exercise ${name} has no function ${JSON.stringify(functionName)}. Its functions are ${known[name].join(', ')}.`);
  }
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new ChallengeInputError(`tryExercise: timeoutMs = ${options.timeoutMs} is not a number of milliseconds > 0. Pass e.g. 5000, or leave it out.`);
  }
  if (options.memoryMiB !== undefined && !(Number.isInteger(options.memoryMiB) && options.memoryMiB >= 16)) {
    throw new ChallengeInputError(`tryExercise: memoryMiB = ${options.memoryMiB} is not a whole number ≥ 16. Pass e.g. 1024, or leave it out.`);
  }
}

/**
 * Calls `functionName` of the learner's exercise `name` with `args` in a worker thread and reports how it went.
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
  const dir = path.resolve(options.dir ?? (process.env.GRADE_EXERCISES_DIR || path.join(root, 'exercises')));
  const file = path.join(dir, `${name}.ts`);
  const base = { exercise: name, functionName, typeProblems: [] as SourceProblem[], output: '' };
  const fail = (status: ExerciseStatus, problem: string, extra: Partial<ExerciseRun<ExerciseReturn<N, F>>> = {}): ExerciseRun<ExerciseReturn<N, F>> => ({ ...base, status, problem, ...extra });

  if (!fs.existsSync(file)) {
    return fail('missing', `${relativeToRoot(file, root)} does not exist. Bring the stub back with: npm run grade -- --reset ${name}`);
  }
  const { modules, syntaxProblems } = transpileFolder(dir, file, root);
  if (syntaxProblems.length > 0) {
    return fail('syntax-error', `${relativeToRoot(file, root)} cannot run: ${problemText(syntaxProblems[0])}${syntaxProblems.length > 1 ? ` (and ${syntaxProblems.length - 1} more)` : ''}.`);
  }
  const types = options.typeCheck === false ? [] : typeProblems(file, root);
  base.typeProblems = types;

  const timeoutMs = options.timeoutMs ?? 5000;
  // A function that ran out of time is not run again on the same code (a loop over labels would wait each time).
  const codeKey = `${file}\u0000${functionName}\u0000${Object.values(modules).join('\u0000')}`;
  const timedOutBefore = timedOut.get(codeKey);
  if (timedOutBefore !== undefined && timeoutMs <= timedOutBefore) {
    return fail('timeout', `${functionName} did not finish within ${timedOutBefore / 1000} s on an earlier call, and ${relativeToRoot(file, root)} has not changed since, so it was not run again (an endless loop?).`);
  }
  const outcome = await new Promise<{ message?: WorkerMessage; stopped?: string; output: string }>((resolve) => {
    let output = '';
    let settled = false;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { modules, entry: file, functionName, args },
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: options.memoryMiB ?? 1024 },
      });
    } catch (error) {
      // The arguments could not be copied into the worker (e.g. a function among them): the notebook's mistake.
      throw new ChallengeInputError(`tryExercise: the arguments of ${name} › ${functionName} cannot be passed to the exercise (${(error as Error).message}). Pass numbers, strings, arrays and plain objects.`);
    }
    const finish = (result: { message?: WorkerMessage; stopped?: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Report once the worker has stopped, so that its last console output has arrived.
      const report = () => setImmediate(() => resolve({ ...result, output }));
      worker.terminate().then(report, report);
    };
    const timer = setTimeout(() => finish({ stopped: 'timeout' }), timeoutMs);
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.on('message', (message: WorkerMessage) => finish({ message }));
    worker.on('error', (error: Error & { code?: string }) =>
      finish({ stopped: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out of memory' : `${error.name}: ${error.message}` }),
    );
    // A message posted just before the worker ends arrives first; wait a turn to be sure before calling it an exit.
    worker.on('exit', (code) => setImmediate(() => finish({ stopped: `exit ${code}` })));
  });

  const shown = relativeToRoot(file, root);
  const withOutput = { output: outcome.output.trimEnd() };
  if (outcome.stopped === 'timeout') {
    timedOut.set(codeKey, timeoutMs);
    return fail('timeout', `${functionName} did not finish within ${timeoutMs / 1000} s and was stopped (an endless loop? check the loop conditions in ${shown}).`, withOutput);
  }
  if (outcome.stopped === 'out of memory') {
    return fail('crashed', `${functionName} used more than ${options.memoryMiB ?? 1024} MiB of memory and was stopped (an array that keeps growing in a loop?).`, withOutput);
  }
  if (outcome.stopped !== undefined) {
    const exit = /^exit (-?\d+)$/.exec(outcome.stopped);
    return fail('crashed', exit ? `${shown} called process.exit(${exit[1]}); an exercise must return its answer instead.` : `${functionName} stopped its worker (${outcome.stopped}).`, withOutput);
  }
  const message = outcome.message!;
  if (message.kind === 'returned') return { ...base, ...withOutput, status: 'ok', value: message.value as ExerciseReturn<N, F>, problem: '' };
  if (message.kind === 'not-a-function') {
    return fail('not-a-function', `${shown} does not export a function ${functionName} (it exports ${message.exported.length ? message.exported.join(', ') : 'no functions'}). Keep the stub's name and \`export function\`.`, withOutput);
  }
  if (message.kind === 'bad-return') {
    return fail('bad-return', `${functionName} returned something that cannot be passed back (${message.error.message.split('\n')[0]}); return plain numbers, strings, arrays or objects.`, withOutput);
  }
  const { error, during } = message;
  if (error.name === 'NotImplementedError') {
    return fail('not-started', `not started yet — open ${shown} and replace the throw in ${functionName}.`, withOutput);
  }
  const where = whereInExercises(error.stack, dir, root);
  const firstLine = error.message.split('\n')[0];
  const what = during === 'load' ? `${shown} threw while loading` : `${functionName} threw`;
  return fail('threw', `${what} ${error.name === 'a non-Error value' ? `a non-Error value (${firstLine})` : `${error.name}: ${firstLine}`}${where ? ` (at ${where})` : ''}.`, withOutput);
}

// ---------------------------------------------------------------------------------------------------------------
// tryExercise: run, report in one line, fall back to the course's version.

/**
 * True when `a` and `b` hold the same numbers (within `tolerance`, absolute or relative), strings and booleans, in
 * the same nesting of arrays, typed arrays and plain objects.
 *
 * @example
 *   approximatelyEqual([0.5, { p: 0.25 }], [0.50000001, { p: 0.25 }]);   // true
 *   approximatelyEqual(new Float32Array([1, 2]), [1, 2.1]);              // false
 */
export function approximatelyEqual(a: unknown, b: unknown, tolerance = 1e-4): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    const diff = Math.abs(a - b);
    return diff <= tolerance || diff <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  const listA = ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a;
  const listB = ArrayBuffer.isView(b) ? Array.from(b as unknown as ArrayLike<number>) : b;
  if (Array.isArray(listA) || Array.isArray(listB)) {
    return Array.isArray(listA) && Array.isArray(listB) && listA.length === listB.length && listA.every((x, i) => approximatelyEqual(x, listB[i], tolerance));
  }
  if (listA !== null && listB !== null && typeof listA === 'object' && typeof listB === 'object') {
    const keysA = Object.keys(listA).sort();
    const keysB = Object.keys(listB).sort();
    return keysA.length === keysB.length && keysA.every((k, i) => k === keysB[i] && approximatelyEqual((listA as Record<string, unknown>)[k], (listB as Record<string, unknown>)[k], tolerance));
  }
  return Object.is(listA, listB);
}

/**
 * A short, readable rendering of a value for one printed line: numbers to 4 significant digits, long lists cut.
 *
 * @example
 *   preview([0.123456, 2, 'cat']);   // '[0.1235, 2, "cat"]'
 */
export function preview(value: unknown, maxLength = 160): string {
  const render = (v: unknown, depth: number): string => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
    if (typeof v === 'string') return JSON.stringify(v);
    if (v === undefined) return 'undefined';
    if (v === null || typeof v !== 'object') return String(v);
    if (depth > 3) return '…';
    if (ArrayBuffer.isView(v)) v = Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) {
      const shown = v.slice(0, 8).map((x) => render(x, depth + 1));
      return `[${shown.join(', ')}${v.length > 8 ? `, … (${v.length} in all)` : ''}]`;
    }
    return `{ ${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${render(x, depth + 1)}`).join(', ')} }`;
  };
  const text = render(value, 0);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
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
  for (const p of run.typeProblems.slice(0, 3)) lines.push(`  ! ${problemText(p)} (types are not checked at run time, so your code runs anyway)`);
  if (run.output) {
    const outputLines = run.output.split('\n');
    lines.push(`  your code printed:`, ...outputLines.slice(0, 20).map((l) => `    ${l}`), ...(outputLines.length > 20 ? [`    … (${outputLines.length - 20} more lines)`] : []));
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
      log(`✗ ${head}: your function returned ${preview(run.value)}, the course's returns ${preview(course)}. The cells below use the course's; await grade('${name.slice(0, 2)}') says which check fails.`);
    }
  } else if (run.status === 'not-started') {
    log(`· ${head}: ${run.problem} Using the course's ${functionName} for now.`);
  } else {
    log(`✗ ${head}: ${run.problem} Using the course's ${functionName} for now; await grade('${name.slice(0, 2)}') says more.`);
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
export function analyzeProbabilities(probabilities: ArrayLike<number>, labels: readonly string[], marginThreshold = 0.2): PredictionAnalysis {
  const p = Array.from(probabilities);
  if (p.length < 2) throw new ChallengeInputError(`analyzeProbabilities: got ${p.length} probabilities; a margin needs at least 2. Pass one probability per candidate label.`);
  if (labels.length !== p.length) throw new ChallengeInputError(`analyzeProbabilities: ${labels.length} labels for ${p.length} probabilities. Pass one label per probability.`);
  const bad = p.findIndex((x) => !(Number.isFinite(x) && x >= 0 && x <= 1));
  if (bad >= 0) throw new ChallengeInputError(`analyzeProbabilities: probability ${bad} is ${p[bad]}, not a number in [0, 1]. Pass a softmax output.`);
  const sum = p.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-4) throw new ChallengeInputError(`analyzeProbabilities: the probabilities sum to ${sum}, not 1. Pass a softmax output.`);
  if (!(marginThreshold >= 0 && marginThreshold <= 1)) throw new ChallengeInputError(`analyzeProbabilities: marginThreshold = ${marginThreshold} is not in [0, 1]. Pass e.g. 0.2.`);
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
