/**
 * The exercise grader (`npm run grade`).
 *
 *   npm run grade                      grade every exercise in exercises/
 *   npm run grade -- cosine            one exercise, by a part of its name or its number (1, 01)
 *   npm run grade -- --hint 02         the hints of an exercise
 *   npm run grade -- --reset 02        back up exercises/02-….ts to exercises/.backup/, then restore the stub
 *   npm run grade -- --reset all       the same for every exercise
 * Options: --dir FOLDER (or GRADE_EXERCISES_DIR) grades another folder of exercise files (the grader's own
 * tests use a temporary one); --timeout MS (or GRADE_TIMEOUT_MS) is the time limit of one call into an
 * exercise (default 5000).
 *
 * The grader only reads the exercise folder; --reset is the one command that writes there, and it backs up
 * first. Exit status: 0 when the report was printed (whatever it says), 2 for a bad command line, 1 when
 * grading itself broke.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ExerciseNameError, listExercises, matchExercise, type Exercise } from '../lib/learner/catalog';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor } from '../lib/learner/stubs';

const root = resolve(__dirname, '..');

interface Command {
  action: 'grade' | 'hint' | 'reset' | 'help';
  names: string[];
  dir: string;
  timeoutMs: number;
}

function parseArgs(argv: readonly string[]): Command {
  let action: Command['action'] = 'grade';
  const names: string[] = [];
  let dir = process.env.GRADE_EXERCISES_DIR || join(root, 'exercises');
  let timeoutMs = Number(process.env.GRADE_TIMEOUT_MS) > 0 ? Number(process.env.GRADE_TIMEOUT_MS) : 5000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--hint') action = 'hint';
    else if (arg === '--reset') action = 'reset';
    else if (arg === '--help' || arg === '-h') action = 'help';
    else if (arg === '--dir' || arg === '--timeout') {
      const value = argv[++i];
      if (value === undefined) throw new ExerciseNameError(`${arg} needs a value, e.g. ${arg === '--dir' ? '--dir /tmp/my-exercises' : '--timeout 5000'}.`);
      if (arg === '--dir') dir = value;
      else {
        timeoutMs = Number(value);
        if (!(timeoutMs > 0)) throw new ExerciseNameError(`--timeout ${value}: give the time limit of one call in milliseconds, e.g. --timeout 5000.`);
      }
    } else if (arg.startsWith('--')) {
      throw new ExerciseNameError(`Unknown option ${arg}. Try: npm run grade -- --help`);
    } else names.push(arg);
  }
  return { action, names, dir: resolve(dir), timeoutMs };
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
  if (!existsSync(helper) || readFileSync(helper, 'utf8') !== NOT_IMPLEMENTED_SOURCE) writeFileSync(helper, NOT_IMPLEMENTED_SOURCE);
  if (!existsSync(target)) {
    writeFileSync(target, stub);
    return `${label(dir)}${exercise.name}.ts was missing; the stub is back.`;
  }
  if (readFileSync(target, 'utf8') === stub) {
    return `${label(dir)}${exercise.name}.ts is already the untouched stub; nothing to do.`;
  }
  const backupDir = join(dir, '.backup');
  mkdirSync(backupDir, { recursive: true });
  const backup = join(backupDir, `${exercise.name}.${timestamp()}.ts`);
  copyFileSync(target, backup);
  writeFileSync(target, stub);
  return `Your ${exercise.name}.ts was copied to ${relative(process.cwd(), backup)}; ${label(dir)}${exercise.name}.ts is the untouched stub again.`;
}

function hints(exercise: Exercise): string {
  const lines = [`${exercise.name}: ${exercise.title}`, ''];
  exercise.hints.forEach((h, i) => lines.push(`  ${i + 1}. ${h.topic ? `${h.topic}: ` : ''}${h.text}`));
  const again = process.env.GRADE_FROM === 'notebook' ? `await grade('${exercise.name.slice(0, 2)}')` : `npm run grade -- ${exercise.name.slice(0, 2)}`;
  lines.push('', `Grade it: ${again}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  let command: Command;
  let exercises: Exercise[];
  try {
    command = parseArgs(process.argv.slice(2));
    exercises = listExercises(root);
    if (command.action === 'help') {
      console.log(readFileSync(__filename, 'utf8').split('*/')[0].replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
      return 0;
    }
    if (command.action !== 'grade' && command.names.length === 0) {
      throw new ExerciseNameError(`--${command.action} needs an exercise, e.g. npm run grade -- --${command.action} 01. The exercises are: ${exercises.map((e) => e.name).join(', ')}.`);
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
    console.log(exercises.map(hints).join('\n\n'));
    return 0;
  }
  if (command.action === 'reset') {
    for (const exercise of exercises) console.log(reset(exercise, command.dir));
    return 0;
  }
  const { formatReport, gradeExercises } = await import('../lib/learner/evaluate'); // loads TypeScript: only when grading
  const t0 = Date.now();
  const results = await gradeExercises(exercises, { root, dir: command.dir, timeoutMs: command.timeoutMs });
  console.log(formatReport(results, label(command.dir), (Date.now() - t0) / 1000));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The grader itself failed (this is not about your code): ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
