/**
 * Grades exercises: type-checks the learner's files, runs the course's tests against them (lib/learner/harness.ts:
 * the tests here, the learner's code in its own sandboxed process per exercise), then sorts each exercise into
 * passed / not started / failed / missing and writes the report a learner reads.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { resetCommand } from './compile';
import type { Exercise, Hint } from './catalog';
import { runExerciseTests, type FileOutcome, type TestOutcome } from './harness';
import { namedStep, namedStepHint } from './hints';
import { ENV } from '../course/paths';
import { typeCheck, type TypeProblem } from './typecheck';

/** The verdict on one exercise. */
export interface ExerciseResult {
  exercise: Exercise;
  status: 'passed' | 'not started' | 'failed' | 'missing';
  /** Checks (jest tests) that pass, out of `total`. */
  passedChecks: number;
  totalChecks: number;
  /** Plain-words lines explaining a failure (empty when passed or not started). */
  details: string[];
  /** The hint that fits the first failure. */
  hint?: Hint;
}

/** Where things are. */
export interface GradeOptions {
  /** The course root (tests/exercises/ and solutions/ live here). */
  root: string;
  /** The folder of the learner's exercise files (exercises/ unless overridden). */
  dir: string;
  /** Per-call time limit in ms. */
  timeoutMs: number;
  /** Epoch ms by which grading ends, whatever is left (every learner process is ended by then). */
  deadline: number;
}

const NOT_IMPLEMENTED = /^NotImplementedError\b/;

/** A path as a learner would type it: relative to the working folder when inside it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function location(problem: TypeProblem): string {
  return `${displayPath(problem.file)}:${problem.line}:${problem.column}`;
}

/**
 * The function of the exercise that a failed check is about, for the report's hint line: the one a stub's
 * NotImplementedError names; else the first of the exercise's functions whose call the message writes out
 * ("recallAtK([[1, 0]], …) should be …", though the check's title starts with rankImages); else the one the check
 * called last; else the first word of the check's title.
 *
 * @example
 * failingFunction(['accuracy', 'confusionMatrix'], { title: 'accuracy and confusionMatrix: counted by hand',
 *   passed: false, failure: 'confusionMatrix([1], [1], 3) should be …' });   // 'confusionMatrix'
 */
export function failingFunction(functions: readonly string[], test: TestOutcome): string | undefined {
  const failure = test.failure ?? '';
  const notImplemented = /^NotImplementedError: (\w+)/.exec(failure)?.[1];
  if (notImplemented) return notImplemented;
  let first: { name: string; at: number } | undefined;
  for (const name of functions) {
    const at = failure.search(new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}\\(`));
    if (at >= 0 && (first === undefined || at < first.at)) first = { name, at };
  }
  if (first) return first.name;
  if (test.lastCalled !== undefined && functions.includes(test.lastCalled)) return test.lastCalled;
  return /^(\w+)[:\s]/.exec(test.title)?.[1];
}

function hintFor(exercise: Exercise, test: TestOutcome): Hint | undefined {
  if (test.unfinishedEarlier && test.unfinishedEarlier.length > 0) {
    // The only thing wrong is an unfinished earlier exercise: the next step is there, not in this one's hints.
    const numbers = test.unfinishedEarlier;
    const several = numbers.length > 1;
    return {
      text:
        `finish exercise${several ? 's' : ''} ${numbers.join(' and ')} first: ${numbers.map((nn) => command('grade', nn)).join(', ')} ` +
        `(${several ? 'their' : 'its'} hints: ${numbers.map((nn) => command('hint', nn)).join(', ')})`,
    };
  }
  const functions = exercise.hints.flatMap((h) => (h.topic ? [h.topic] : []));
  const topic = failingFunction(functions, test);
  const hint = exercise.hints.find((h) => h.topic === topic) ?? exercise.hints[0];
  // A check that names a step ("see hint step 3 of 01"): the hint line gives the command that shows that step.
  const step = namedStep(test.failure ?? '', exercise.name);
  const progress = exercise.hintProgress;
  const named =
    step !== undefined && progress ? namedStepHint(progress.steps, progress.seen, exercise.name, step) : undefined;
  return named === undefined ? hint : { ...(hint?.topic ? { topic: hint.topic } : {}), text: named };
}

function judge(
  exercise: Exercise,
  file: string,
  outcome: FileOutcome | undefined,
  problems: TypeProblem[],
): ExerciseResult {
  const base = { exercise, passedChecks: 0, totalChecks: 0, details: [] as string[] };
  if (!existsSync(file)) {
    return {
      ...base,
      status: 'missing',
      details: [`${displayPath(file)} does not exist. Bring back the stub with: ${resetCommand(exercise.name, file)}`],
    };
  }
  const tests = outcome?.tests ?? [];
  const passedChecks = tests.filter((t) => t.passed).length;
  const counts = { ...base, passedChecks, totalChecks: tests.length };
  const typeLines = problems
    .slice(0, 3)
    .map((p) => `${p.kind === 'syntax error' ? 'Syntax error' : 'Type error'} at ${location(p)}: ${p.message}`);
  if (problems.length > 3) typeLines.push(`… and ${problems.length - 3} more TypeScript problem(s) in this file.`);
  const syntax = problems.some((p) => p.kind === 'syntax error');

  if (syntax) {
    const ran =
      tests.length > 0
        ? [`(The checks ran on what TypeScript could make of the file anyway: ${passedChecks}/${tests.length} pass.)`]
        : [];
    return { ...counts, status: 'failed', details: ['Fix this syntax error first:', ...typeLines, ...ran] };
  }
  const printed = printedLines(outcome?.output ?? '');
  if (outcome?.loadError !== undefined || tests.length === 0) {
    const why = outcome?.loadError ?? 'no tests ran';
    return {
      ...counts,
      status: 'failed',
      details: [`The exercise could not be loaded: ${why}`, ...typeLines, ...printed],
      hint: exercise.hints[0],
    };
  }
  if (tests.every((t) => !t.passed && NOT_IMPLEMENTED.test(t.failure ?? '')) && problems.length === 0) {
    return { ...counts, status: 'not started' };
  }
  if (passedChecks === tests.length && problems.length === 0) {
    return { ...counts, status: 'passed' };
  }
  if (passedChecks === tests.length) {
    return {
      ...counts,
      status: 'failed',
      details: [
        'Every check passes, but TypeScript reports a problem; fix it so that the file compiles:',
        ...typeLines,
      ],
    };
  }
  const first = tests.find((t) => !t.passed) ?? { title: '', passed: false };
  const failure = first.failure ?? 'failed';
  const details = [`First failure (${first.title}):`, ...failure.split('\n').map((line) => `  ${line}`)];
  if (problems.length > 0) details.push(...typeLines);
  details.push(...printed);
  return { ...counts, status: 'failed', details, hint: hintFor(exercise, first) };
}

/** The first lines the learner's code printed, for a failed exercise's report. */
function printedLines(output: string): string[] {
  const lines = output
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '');
  if (lines.length === 0) return [];
  return [
    'Your code printed:',
    ...lines.slice(0, 5).map((line) => `  ${line.slice(0, 200)}`),
    ...(lines.length > 5 ? [`  … (${lines.length - 5} more lines)`] : []),
  ];
}

/** Grades `exercises`: the type check (while the learner processes start), then each exercise's tests. */
export async function gradeExercises(exercises: readonly Exercise[], options: GradeOptions): Promise<ExerciseResult[]> {
  const files = exercises.map((e) => join(options.dir, `${e.name}.ts`));
  const present = exercises.filter((_, i) => existsSync(files[i]));
  let problems: TypeProblem[] = [];
  const outcomes = await runExerciseTests(
    present.map((e) => e.name),
    { root: options.root, dir: options.dir, stepMs: options.timeoutMs, deadline: options.deadline },
    () =>
      (problems = typeCheck(
        options.root,
        files.filter((f) => existsSync(f)),
      )), // while the learner processes start
  );
  return exercises.map((exercise, i) => {
    const k = present.indexOf(exercise);
    const mine = problems.filter((p) => p.file === files[i]);
    return judge(exercise, files[i], k >= 0 ? outcomes[k] : undefined, mine);
  });
}

/** How the learner runs the grader again: from a terminal, or (GRADE_FROM=notebook, set by lib/learner/grade.ts) a notebook. */
function command(action: 'grade' | 'hint', exercise: string): string {
  if (process.env[ENV.gradeFrom] === 'notebook') return `await ${action}('${exercise}')`;
  return action === 'grade' ? `npm run grade -- ${exercise}` : `npm run grade -- --hint ${exercise}`;
}

const MARK = { passed: '✓', 'not started': '·', failed: '✗', missing: '?' } as const;

/** The report a learner reads; its last line is `P/N passed`. */
export function formatReport(results: readonly ExerciseResult[], dirLabel: string, seconds: number): string {
  const width = Math.max(...results.map((r) => r.exercise.name.length));
  const lines = [`Grading ${results.length} exercise${results.length === 1 ? '' : 's'} in ${dirLabel}`, ''];
  for (const r of results) {
    const name = r.exercise.name.padEnd(width);
    const summary =
      r.status === 'passed'
        ? `passed (${r.passedChecks}/${r.totalChecks} checks)`
        : r.status === 'not started'
          ? `not started: ${r.exercise.title}`
          : r.status === 'missing'
            ? 'missing'
            : r.totalChecks > 0 && r.passedChecks === r.totalChecks
              ? `failed (all ${r.totalChecks} checks pass, but the file does not compile)`
              : r.totalChecks > 0
                ? `failed (${r.passedChecks}/${r.totalChecks} checks pass)`
                : 'failed';
    lines.push(`  ${MARK[r.status]} ${name}  ${summary}`);
    for (const detail of r.details) lines.push(`      ${detail}`);
    // One line about hints: the hint (which names its command), or, when there is none, the command alone.
    if (r.hint) lines.push(`      Hint: ${r.hint.topic ? `${r.hint.topic}: ` : ''}${r.hint.text}`);
    else if (r.status === 'failed') lines.push(`      More hints: ${command('hint', r.exercise.name.slice(0, 2))}`);
  }
  const passed = results.filter((r) => r.status === 'passed').length;
  const next = results.find((r) => r.status !== 'passed');
  lines.push('');
  if (next)
    lines.push(
      `Next: ${next.exercise.name} (edit ${dirLabel}${next.exercise.name}.ts, then ${command('grade', next.exercise.name.slice(0, 2))})`,
    );
  lines.push(`Graded in ${seconds.toFixed(1)} s.`);
  lines.push(`${passed}/${results.length} passed`);
  return lines.join('\n');
}
