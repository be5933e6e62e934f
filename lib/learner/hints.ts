/**
 * Stepped hints: the hints of an exercise live in `solutions/NN-name.hints.md`, never in its stub, and are
 * revealed one step per `npm run grade -- --hint NN` (first the idea, then the formula, then the shape of the
 * code). The step a learner has reached is remembered per exercise in `<exercise folder>/.progress.json`
 * (git-ignored), so the grade report can say how far they are and which step would help next.
 *
 * The hints file:
 *
 *   # Hints · 05-zero-shot
 *
 *   ## Step 1 · the idea
 *
 *   - zeroShotClassify: three stages — …
 *
 *   ## Step 2 · the formula
 *   …
 *
 * Every "## Step N · kind" heading starts a step (numbered 1, 2, … in order); its text is everything up to the
 * next heading. A step is "about" every exported function of the exercise whose name it mentions.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from '../course/paths';
import { CourseError } from '../course/errors';

/** A hints file that is missing or malformed (a course author's error). */
export class HintFileError extends CourseError {}

/** One step of an exercise's hints. */
export interface HintStep {
  /** 1, 2, 3, … */
  number: number;
  /** "the idea", "the formula", "the shape of the code" */
  kind: string;
  /** The step's text (markdown bullets), trimmed. */
  text: string;
  /** The exercise's functions this step mentions. */
  topics: string[];
}

/** The name of the progress file inside the exercise folder. */
export const PROGRESS_FILE = '.progress.json';

/** The hints file of an exercise, relative to the course root. */
export function hintsPath(root: string, exercise: string): string {
  return join(root, 'solutions', `${exercise}.hints.md`);
}

/** The exported functions of a solution (or stub) source, in order. */
export function exportedFunctions(source: string): string[] {
  return [...source.matchAll(/^export function ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
}

/**
 * The steps of a hints file.
 *
 * @example
 * parseHints('## Step 1 · the idea\n\n- softmax: shift first.\n', ['softmax']);
 * // [{ number: 1, kind: 'the idea', text: '- softmax: shift first.', topics: ['softmax'] }]
 */
export function parseHints(markdown: string, functions: readonly string[], where = 'hints'): HintStep[] {
  const steps: HintStep[] = [];
  const lines = markdown.split('\n');
  let current: { number: number; kind: string; lines: string[] } | undefined;
  const close = () => {
    if (!current) return;
    const text = current.lines.join('\n').trim();
    if (text === '') throw new HintFileError(`${where}: step ${current.number} has no text.`);
    const topics = functions.filter((f) => new RegExp(`\\b${f.replace(/\$/g, '\\$')}\\b`).test(text));
    steps.push({ number: current.number, kind: current.kind, text, topics });
  };
  for (const line of lines) {
    const heading = /^## Step (\d+) · (.+)$/.exec(line.trim());
    if (heading) {
      close();
      const number = Number(heading[1]);
      if (number !== steps.length + 1)
        throw new HintFileError(`${where}: "${line.trim()}" should be step ${steps.length + 1}.`);
      current = { number, kind: heading[2].trim(), lines: [] };
    } else if (current) current.lines.push(line);
  }
  close();
  if (steps.length === 0) throw new HintFileError(`${where}: no "## Step 1 · …" heading.`);
  return steps;
}

/** The hint steps of one exercise, from `<root>/solutions/<exercise>.hints.md`. */
export function hintSteps(root: string, exercise: string): HintStep[] {
  const file = hintsPath(root, exercise);
  if (!existsSync(file))
    throw new HintFileError(`solutions/${exercise}.hints.md is missing; every exercise needs its hint steps.`);
  const solution = join(root, 'solutions', `${exercise}.ts`);
  const functions = existsSync(solution) ? exportedFunctions(readFileSync(solution, 'utf8')) : [];
  return parseHints(readFileSync(file, 'utf8'), functions, `solutions/${exercise}.hints.md`);
}

/** Hint steps seen so far, per exercise, as stored in `<dir>/.progress.json` (missing or unreadable: none). */
export function readProgress(dir: string): Record<string, number> {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, PROGRESS_FILE), 'utf8')) as {
      hintSteps?: Record<string, unknown>;
    };
    const out: Record<string, number> = {};
    for (const [name, value] of Object.entries(parsed.hintSteps ?? {})) {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[name] = value;
    }
    return out;
  } catch {
    return {};
  }
}

function writeProgress(dir: string, progress: Record<string, number>): void {
  const file = join(dir, PROGRESS_FILE);
  const text = `${JSON.stringify({ note: 'Hint steps you have seen, per exercise (npm run grade -- --hint NN). Delete this file to start over.', hintSteps: progress }, null, 2)}\n`;
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** How the learner asks for the next hint: from a terminal, or (GRADE_FROM=notebook) a notebook. */
export function hintCommand(exercise: string): string {
  const nn = exercise.slice(0, 2);
  return process.env[ENV.gradeFrom] === 'notebook' ? `await hint('${nn}')` : `npm run grade -- --hint ${nn}`;
}

function gradeCommand(exercise: string): string {
  const nn = exercise.slice(0, 2);
  return process.env[ENV.gradeFrom] === 'notebook' ? `await grade('${nn}')` : `npm run grade -- ${nn}`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `  ${line}`))
    .join('\n');

/**
 * Reveals the next hint step of `exercise` (remembered in `<dir>/.progress.json`) and returns what to print:
 * every step seen so far, the new one last. Once all are seen, it shows them all again and advances no further.
 *
 * @example
 * revealNextHint(root, 'exercises', { name: '02-softmax-topk', title: 'Softmax with a logit scale, and top-k' });
 * // { seen: 1, total: 3, text: '02-softmax-topk · Softmax … — hint step 1 of 3\n\nStep 1 · the idea (new)\n  - softmax: …' }
 */
export function revealNextHint(
  root: string,
  dir: string,
  exercise: { name: string; title: string },
): { seen: number; total: number; text: string } {
  const steps = hintSteps(root, exercise.name);
  const progress = readProgress(dir);
  const before = Math.min(progress[exercise.name] ?? 0, steps.length);
  const seen = Math.min(before + 1, steps.length);
  if (seen !== (progress[exercise.name] ?? 0) && existsSync(dir))
    writeProgress(dir, { ...progress, [exercise.name]: seen });
  const lines = [
    `${exercise.name} · ${exercise.title} — hint step${seen > 1 ? `s 1–${seen}` : ` ${seen}`} of ${steps.length}`,
    '',
  ];
  for (const step of steps.slice(0, seen)) {
    const mark = step.number === seen && seen > before ? ' (new)' : '';
    lines.push(`Step ${step.number} · ${step.kind}${mark}`, indent(step.text), '');
  }
  if (seen < steps.length) {
    lines.push(
      `Next step (${steps[seen].kind}): ${hintCommand(exercise.name)}. Try this one first: ${gradeCommand(exercise.name)}`,
    );
  } else if (before === steps.length) {
    lines.push(`You have seen all ${steps.length} steps (above). Grade it: ${gradeCommand(exercise.name)}`);
  } else {
    lines.push(`That was the last step. Grade it: ${gradeCommand(exercise.name)}`);
  }
  return { seen, total: steps.length, text: lines.join('\n') };
}

/**
 * What the grade report says about hints for a failing exercise: one line per function (its topic) and a
 * general one, each naming the step reached and the next step that covers it.
 *
 * @example
 * reportHints(steps, 1, '02-softmax-topk', ['softmax', 'topK']);
 * // [{ text: 'hint steps seen: 1 of 3; the next, step 2 (the formula): npm run grade -- --hint 02' },
 * //  { topic: 'softmax', text: 'hint steps seen: 1 of 3; step 2 (the formula) is about softmax: npm run grade -- --hint 02' }, …]
 */
export function reportHints(
  steps: readonly HintStep[],
  seen: number,
  exercise: string,
  functions: readonly string[],
): { topic?: string; text: string }[] {
  const total = steps.length;
  const reached = `hint steps seen: ${Math.min(seen, total)} of ${total}`;
  if (seen >= total) {
    const text = `${reached}; ${hintCommand(exercise)} shows them all again`;
    return [{ text }, ...functions.map((topic) => ({ topic, text }))];
  }
  const general = { text: `${reached}; the next, step ${seen + 1} (${steps[seen].kind}): ${hintCommand(exercise)}` };
  return [
    general,
    ...functions.map((topic) => {
      const next = steps.slice(seen).find((s) => s.topics.includes(topic)) ?? steps[seen];
      const calls = next.number - seen;
      const how = calls === 1 ? hintCommand(exercise) : `${hintCommand(exercise)} (${calls} times)`;
      return { topic, text: `${reached}; step ${next.number} (${next.kind}) is about ${topic}: ${how}` };
    }),
  ];
}
