/**
 * The exercise grader (`npm run grade`).
 *
 *   npm run grade                      grade every exercise in exercises/
 *   npm run grade -- cosine            one exercise, by a part of its name or its number (1, 01)
 *   npm run grade -- --hint 02         the next hint step of an exercise (idea, formula, shape of the code)
 *   npm run grade -- --hint 02 --step 3   every hint step up to step 3 at once (remembered like the others)
 *   npm run grade -- --reset 02        back up exercises/02-….ts to exercises/.backup/, then restore the stub
 *   npm run grade -- --reset all       the same for every exercise
 * Options: --dir FOLDER (or GRADE_EXERCISES_DIR) grades another folder of exercise files (the grader's own
 * tests use a temporary one); --timeout MS (or GRADE_TIMEOUT_MS) is the time limit of loading an exercise
 * and of one call into it (default 5000); --deadline MS ends the whole run, and every process it started,
 * after that long (default 180000; a notebook's grade() passes its own).
 *
 * The grader only reads the exercise folder; --reset writes there (it backs up first), and --hint writes only
 * .progress.json (the hint steps seen). Exit status: 0 when the report was printed (whatever it says), 2 for a
 * bad command line, 1 when grading itself broke.
 *
 * Why not jest: jest runs the tests and the code under test in one process (and, across exercises, one
 * realm for typed arrays), so a learner's file could patch what the checks use, hang the run, kill it, or
 * write over the course's files. Here the course's tests run in this process and the learner's code only in
 * its own sandboxed process per exercise, which they reach through stand-ins; plain jest still runs the same
 * test files against the solutions (`npm test`).
 *
 * The route: this file → lib/learner/evaluate.ts (type check, verdicts, report) → lib/learner/harness.ts (the
 * course's tests, in this process) → lib/learner/bridge.ts (a worker thread) → lib/learner/sandbox.ts (one
 * sandboxed process per exercise, running lib/learner/sandbox-child.ts and the learner's file).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ENV, EXERCISE_TIME_LIMIT_MS } from '../lib/course/paths';
import { CourseError } from '../lib/course/errors';
import { ExerciseNameError, listExercises, matchExercise, type Exercise } from '../lib/learner/catalog';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor } from '../lib/learner/stubs';
import { HintStepError, revealHint } from '../lib/learner/hints';
import { GRADE_DEADLINE_MS } from '../lib/learner/grade';
import { RUN_DIR_ENV, killRegistered } from '../lib/learner/sandbox';

/** --reset cannot back the learner's file up (exercises/.backup is not a folder …). */
class ResetError extends CourseError {}

const root = resolve(__dirname, '..');

interface Command {
  action: 'grade' | 'hint' | 'reset' | 'help';
  names: string[];
  dir: string;
  timeoutMs: number;
  deadlineMs: number;
  /** --step N: reveal the hint steps up to N (with --hint). */
  step?: number;
}

function parseArgs(argv: readonly string[]): Command {
  let action: Command['action'] = 'grade';
  const names: string[] = [];
  let dir = process.env[ENV.exercisesDir] || join(root, 'exercises');
  let timeoutMs =
    Number(process.env[ENV.gradeTimeoutMs]) > 0 ? Number(process.env[ENV.gradeTimeoutMs]) : EXERCISE_TIME_LIMIT_MS;
  let deadlineMs = GRADE_DEADLINE_MS;
  let step: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--hint') action = 'hint';
    else if (arg === '--reset') action = 'reset';
    else if (arg === '--help' || arg === '-h') action = 'help';
    else if (arg === '--step') {
      const value = argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1)
        throw new ExerciseNameError(
          `--step ${value ?? ''}`.trimEnd() + ': give a hint step number, e.g. npm run grade -- --hint 01 --step 3.',
        );
      step = Number(value);
    } else if (arg === '--dir' || arg === '--timeout' || arg === '--deadline') {
      const value = argv[++i];
      const example = {
        '--dir': '--dir /tmp/my-exercises',
        '--timeout': '--timeout 5000',
        '--deadline': '--deadline 180000',
      }[arg];
      if (value === undefined) throw new ExerciseNameError(`${arg} needs a value, e.g. ${example}.`);
      if (arg === '--dir') dir = value;
      else {
        const ms = Number(value);
        if (!(ms > 0)) throw new ExerciseNameError(`${arg} ${value}: give a time in milliseconds, e.g. ${example}.`);
        if (arg === '--timeout') timeoutMs = ms;
        else deadlineMs = ms;
      }
    } else if (arg.startsWith('--')) {
      throw new ExerciseNameError(`Unknown option ${arg}. Try: npm run grade -- --help`);
    } else names.push(arg);
  }
  if (step !== undefined && action !== 'hint')
    throw new ExerciseNameError(`--step goes with --hint, e.g. npm run grade -- --hint 01 --step ${step}.`);
  return { action, names, dir: resolve(dir), timeoutMs, deadlineMs, step };
}

function label(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel === '' ? './' : rel.startsWith('..') ? `${dir}/` : `${rel}/`;
}

function selected(exercises: Exercise[], names: string[], allowAll: boolean): Exercise[] {
  if (names.length === 0 || (allowAll && names.length === 1 && names[0] === 'all')) return exercises;
  return names.map((n) => matchExercise(exercises, n));
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-'); // 2025-01-31T14-05-09-123Z: sortable, no colons
}

function reset(exercise: Exercise, dir: string): string {
  const target = join(dir, `${exercise.name}.ts`);
  const stub = stubFor(root, exercise.name);
  mkdirSync(dir, { recursive: true });
  const helper = join(dir, NOT_IMPLEMENTED_FILE);
  if (!existsSync(helper) || readFileSync(helper, 'utf8') !== NOT_IMPLEMENTED_SOURCE)
    writeFileSync(helper, NOT_IMPLEMENTED_SOURCE);
  if (!existsSync(target)) {
    writeFileSync(target, stub);
    return `${label(dir)}${exercise.name}.ts was missing; the stub is back.`;
  }
  if (readFileSync(target, 'utf8') === stub) {
    return `${label(dir)}${exercise.name}.ts is already the untouched stub; nothing to do.`;
  }
  const backupDir = join(dir, '.backup');
  if (existsSync(backupDir) && !statSync(backupDir).isDirectory()) {
    throw new ResetError(
      `${label(dir)}.backup is a file, not a folder, so your ${exercise.name}.ts cannot be backed up there and was left as it is.`,
      {
        fix: `Rename or move that file (e.g. mv ${label(dir)}.backup ${label(dir)}backup-file.txt), then run the reset again.`,
      },
    );
  }
  mkdirSync(backupDir, { recursive: true });
  const backup = join(backupDir, `${exercise.name}.${timestamp()}.ts`);
  copyFileSync(target, backup);
  writeFileSync(target, stub);
  return `Your ${exercise.name}.ts was copied to ${relative(process.cwd(), backup)}; ${label(dir)}${exercise.name}.ts is the untouched stub again.`;
}

// --hint (issue 18): one more hint step per call, or with --step N every step up to N, remembered in
// <dir>/.progress.json; see lib/learner/hints.ts.
function hints(exercise: Exercise, dir: string, step: number | undefined): string {
  return revealHint(root, dir, exercise, step).text;
}

async function main(): Promise<number> {
  let command: Command;
  let exercises: Exercise[];
  try {
    command = parseArgs(process.argv.slice(2));
    exercises = listExercises(root, command.dir);
    if (command.action === 'help') {
      console.log(
        readFileSync(__filename, 'utf8')
          .split('*/')[0]
          .replace(/^\/\*\*\n/, '')
          .replace(/^ \* ?/gm, ''),
      );
      return 0;
    }
    if (command.action !== 'grade' && command.names.length === 0) {
      throw new ExerciseNameError(
        `--${command.action} needs an exercise, e.g. npm run grade -- --${command.action} 01. The exercises are: ${exercises.map((e) => e.name).join(', ')}.`,
      );
    }
    exercises = selected(exercises, command.names, command.action === 'reset');
  } catch (error) {
    if (error instanceof ExerciseNameError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (command.action === 'hint') {
    try {
      console.log(exercises.map((exercise) => hints(exercise, command.dir, command.step)).join('\n\n'));
    } catch (error) {
      if (!(error instanceof HintStepError)) throw error;
      console.error(error.message);
      return 2;
    }
    return 0;
  }
  if (command.action === 'reset') {
    try {
      for (const exercise of exercises) console.log(reset(exercise, command.dir));
    } catch (error) {
      if (!(error instanceof ResetError)) throw error;
      console.error(error.message);
      return 2;
    }
    return 0;
  }
  const t0 = Date.now();
  // Every learner process of this run registers its process group under the run folder; whatever way this run
  // ends (done, Ctrl-C, the deadline), they are ended. grade() in a notebook passes its own run folder.
  const ownRunDir = process.env[RUN_DIR_ENV] ? undefined : mkdtempSync(join(tmpdir(), 'grade-run-'));
  if (ownRunDir) process.env[RUN_DIR_ENV] = ownRunDir;
  const cleanUp = () => {
    killRegistered(process.env[RUN_DIR_ENV]!);
    if (ownRunDir) rmSync(ownRunDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => process.exit(130));
  const { formatReport, gradeExercises } = await import('../lib/learner/evaluate'); // loads TypeScript: only when grading
  const results = await gradeExercises(exercises, {
    root,
    dir: command.dir,
    timeoutMs: command.timeoutMs,
    deadline: t0 + command.deadlineMs,
  });
  console.log(formatReport(results, label(command.dir), (Date.now() - t0) / 1000));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `The grader itself failed (this is not about your code): ${error instanceof Error ? error.stack : String(error)}`,
    );
    process.exit(1);
  },
);
