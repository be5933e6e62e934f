/**
 * Stepped hints: the hints of an exercise live in `solutions/NN-name.hints.md`, never in its stub, and are
 * revealed one step per `npm run grade -- --hint NN` (first the idea, then the formula, then the shape of the
 * code), or up to step N at once with `npm run grade -- --hint NN --step N`. The step a learner has reached is
 * remembered per exercise in `<exercise folder>/.progress.json` (git-ignored), so the grade report can say how
 * far they are and which step would help next; when a failing check names a step ("see hint step 3 of 01"),
 * the report's hint line gives the command that shows exactly that step.
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

/** `--step N` names a step the exercise does not have (the learner's typo). */
export class HintStepError extends CourseError {}

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
  const text = `${JSON.stringify({ note: 'Hint steps you have seen, per exercise (npm run grade -- --hint NN, or --hint NN --step N). Delete this file to start over.', hintSteps: progress }, null, 2)}\n`;
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/**
 * How the learner asks for the next hint, or (with `step`) for every step up to that one: from a terminal, or
 * (GRADE_FROM=notebook) a notebook.
 *
 * @example
 * hintCommand('01-cosine-similarity');      // 'npm run grade -- --hint 01'   (a notebook: "await hint('01')")
 * hintCommand('01-cosine-similarity', 3);   // 'npm run grade -- --hint 01 --step 3'   ("await hint('01', 3)")
 */
export function hintCommand(exercise: string, step?: number): string {
  const nn = exercise.slice(0, 2);
  if (process.env[ENV.gradeFrom] === 'notebook')
    return step === undefined ? `await hint('${nn}')` : `await hint('${nn}', ${step})`;
  return `npm run grade -- --hint ${nn}${step === undefined ? '' : ` --step ${step}`}`;
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
  return revealHint(root, dir, exercise);
}

/**
 * Reveals the hint steps of `exercise` up to step `upTo` (`--hint NN --step N`), or without it the next step,
 * remembers how far the learner has got in `<dir>/.progress.json` (never less than before) and returns what to
 * print: every step seen so far, the new ones marked. A step number the exercise lacks throws HintStepError.
 *
 * @example
 * revealHint(root, 'exercises', { name: '01-cosine-similarity', title: '…' }, 3);
 * // { seen: 3, total: 3, text: '01-cosine-similarity · … — hint steps 1–3 of 3\n\nStep 1 · the idea (new)\n …' }
 */
export function revealHint(
  root: string,
  dir: string,
  exercise: { name: string; title: string },
  upTo?: number,
): { seen: number; total: number; text: string } {
  const steps = hintSteps(root, exercise.name);
  if (upTo !== undefined && !(Number.isInteger(upTo) && upTo >= 1 && upTo <= steps.length)) {
    throw new HintStepError(
      `${exercise.name} has hint steps 1 to ${steps.length}; there is no step ${upTo}. E.g. ${hintCommand(exercise.name, steps.length)}`,
    );
  }
  const progress = readProgress(dir);
  const before = Math.min(progress[exercise.name] ?? 0, steps.length);
  const seen = upTo === undefined ? Math.min(before + 1, steps.length) : Math.max(before, upTo);
  if (seen !== (progress[exercise.name] ?? 0) && existsSync(dir))
    writeProgress(dir, { ...progress, [exercise.name]: seen });
  const lines = [
    `${exercise.name} · ${exercise.title} — hint step${seen > 1 ? `s 1–${seen}` : ` ${seen}`} of ${steps.length}`,
    '',
  ];
  for (const step of steps.slice(0, seen)) {
    const mark = step.number > before ? ' (new)' : '';
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
 * general one, each naming the step reached and the next step that covers it, with the command that shows it
 * (`--step N` when that step is more than one call away).
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
      const how = next.number === seen + 1 ? hintCommand(exercise) : hintCommand(exercise, next.number);
      return { topic, text: `${reached}; step ${next.number} (${next.kind}) is about ${topic}: ${how}` };
    }),
  ];
}

/**
 * The step a failing check's message names for this exercise ("… see hint step 3 of 01"), if any.
 *
 * @example
 * namedStep('… Rounding can push a computed cosine just past 1: see hint step 3 of 01.', '01-cosine-similarity');   // 3
 */
export function namedStep(message: string, exercise: string): number | undefined {
  for (const m of message.matchAll(/\bhint step (\d+) of (\d\d)\b/g)) {
    if (m[2] === exercise.slice(0, 2)) return Number(m[1]);
  }
  return undefined;
}

/**
 * The report's hint line for a failing check whose message names hint step `step`: the step reached, and the
 * exact command that shows the named step (undefined when the exercise has no such step).
 *
 * @example
 * namedStepHint(steps, 0, '01-cosine-similarity', 3);
 * // 'hint steps seen: 0 of 3; the check points to step 3 (the shape of the code): npm run grade -- --hint 01 --step 3'
 */
export function namedStepHint(
  steps: readonly HintStep[],
  seen: number,
  exercise: string,
  step: number,
): string | undefined {
  const named = steps[step - 1];
  if (named === undefined) return undefined;
  const reached = Math.min(seen, steps.length);
  const head = `hint steps seen: ${reached} of ${steps.length}; the check points to step ${step} (${named.kind})`;
  return step <= reached
    ? `${head}, which you have seen: ${hintCommand(exercise, step)} shows it again`
    : `${head}: ${hintCommand(exercise, step)}`;
}
