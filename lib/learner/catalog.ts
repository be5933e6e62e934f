/**
 * The list of exercises (one per reference solution, solutions/NN-name.ts), their titles (read from the header
 * comment) and the hints the grade report shows, and matching what a learner types ("cosine", "1", "01") to a
 * name. The hints themselves are stepped and live outside the stubs (lib/learner/hints.ts); the report's hints
 * say which step the learner has reached and which step covers the failing function.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CourseError } from '../course/errors';
import { exportedFunctions, hintsPath, hintSteps, readProgress, reportHints, type HintStep } from './hints';

/** An exercise name, the learner's word for it, or a flag that the grader cannot use. */
export class ExerciseNameError extends CourseError {}

/** One hint; `topic` is the function it is about when the hint starts with "name:". */
export interface Hint {
  topic?: string;
  text: string;
}

/** An exercise as the grader knows it. */
export interface Exercise {
  /** e.g. '01-cosine-similarity' */
  name: string;
  /** e.g. 'L2 normalisation and cosine similarity' */
  title: string;
  /** What the grade report says about hints: the step reached and the next step, overall and per function. */
  hints: Hint[];
  /** The exercise's hint steps and how many the learner has seen (for a check that names a step). */
  hintProgress?: { steps: readonly HintStep[]; seen: number };
}

const EXERCISE_FILE = /^(\d\d-[a-z0-9-]+)\.ts$/;

/** Title and hints from a solution's (or stub's) header comment. */
export function parseHeader(source: string): { title: string; hints: Hint[] } {
  const header = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  const lines = header.split('\n').map((line) => line.replace(/^\s*\*\s?/, ''));
  const titleLine = lines.find((line) => /^Exercise \d+/.test(line.trim())) ?? '';
  const title = titleLine.replace(/^Exercise \d+\s*[·:-]\s*/, '').trim();
  const hints: Hint[] = [];
  const start = lines.findIndex((line) => line.trim() === 'Hints:');
  if (start >= 0) {
    for (const line of lines.slice(start + 1)) {
      if (line.trim() === '') break;
      if (line.startsWith('- ')) {
        const text = line.slice(2).trim();
        const topic = /^([A-Za-z_$][\w$]*):\s/.exec(text);
        hints.push(topic ? { topic: topic[1], text: text.slice(topic[0].length) } : { text });
      } else if (hints.length > 0) {
        hints[hints.length - 1].text += ` ${line.trim()}`;
      }
    }
  }
  return { title, hints };
}

/**
 * Every exercise of the course, in order (from `<root>/solutions/`). `dir` is the learner's exercise folder,
 * whose `.progress.json` says how many hint steps they have seen (default `<root>/exercises`).
 */
export function listExercises(root: string, dir: string = join(root, 'exercises')): Exercise[] {
  const progress = readProgress(dir);
  return readdirSync(join(root, 'solutions'))
    .map((file) => EXERCISE_FILE.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort()
    .map((name) => {
      const source = readFileSync(join(root, 'solutions', `${name}.ts`), 'utf8');
      const header = parseHeader(source);
      if (!existsSync(hintsPath(root, name))) return { name, ...header };
      const steps = hintSteps(root, name);
      const seen = progress[name] ?? 0;
      return {
        name,
        title: header.title,
        hints: reportHints(steps, seen, name, exportedFunctions(source)),
        hintProgress: { steps, seen },
      };
    });
}

/**
 * The exercise a learner means: its full name, its number ("1", "01") or a unique part of its name ("cosine").
 *
 * @example
 * matchExercise(listExercises(root), 'cosine').name;   // '01-cosine-similarity'
 */
export function matchExercise(exercises: readonly Exercise[], query: string): Exercise {
  const q = query.trim().toLowerCase().replace(/\.ts$/, '').replace(/^.*\//, '');
  const all = exercises.map((e) => e.name).join(', ');
  if (/^\d+$/.test(q)) {
    const found = exercises.find((e) => Number(e.name.slice(0, 2)) === Number(q));
    if (found) return found;
    throw new ExerciseNameError(`There is no exercise number ${query}. The exercises are: ${all}.`);
  }
  const exact = exercises.find((e) => e.name === q);
  if (exact) return exact;
  const matches = exercises.filter((e) => e.name.includes(q));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new ExerciseNameError(`No exercise matches "${query}". The exercises are: ${all}.`);
  }
  throw new ExerciseNameError(
    `"${query}" matches ${matches.map((e) => e.name).join(' and ')}; type more of the name, or its number.`,
  );
}
