/**
 * Exercise stubs are generated from the reference solutions, so there is one source of truth:
 *
 *   solutions/NN-name.ts                              exercises/NN-name.ts (the stub)
 *   ─────────────────────────────────────             ─────────────────────────────────────────────
 *   //! a solution-only note                          (dropped)
 *   /** header: task, hints … *\/                      the same header, then
 *                                                     import { NotImplementedError } from './not-implemented';
 *   //! BEGIN SOLUTION ONLY … //! END SOLUTION ONLY   (dropped: private helpers of the reference)
 *   export function f(…): T {                         export function f(…): T {
 *     // BEGIN SOLUTION … // END SOLUTION               throw new NotImplementedError('NN-name', 'f');
 *   }                                                 }
 *   everything else (error classes, types, docs)      verbatim
 *
 * The header states the task and the contract only: hints live in solutions/NN-name.hints.md (revealed one step
 * at a time by `npm run grade -- --hint NN`, lib/learner/hints.ts), and a header with a "Hints:" section is
 * refused, so that no hint reaches a stub (tests/learner/hints.test.ts checks the stubs' text as well).
 *
 * `npm run grade -- --reset NAME` writes this stub back (after a backup), and scripts/check-stubs.mjs
 * runs every exercise test against freshly generated stubs, so neither depends on what a learner has
 * done to exercises/ (or committed there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CourseError } from '../course/errors';

/** Thrown by the generator when a solution file's markers are malformed (a course author's error). */
export class StubMarkerError extends CourseError {}

/** The file name of the shared error class, next to the stubs. */
export const NOT_IMPLEMENTED_FILE = 'not-implemented.ts';

/** exercises/not-implemented.ts, verbatim (check-stubs also writes it next to generated stubs). */
export const NOT_IMPLEMENTED_SOURCE = `/**
 * Thrown by every exercise stub until you replace the \`throw\` with your code.
 * The grader reports an exercise whose tests all end in this error as "not started".
 */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';

  constructor(
    readonly exercise: string,
    readonly functionName: string,
  ) {
    super(\`\${functionName} (exercise \${exercise}) is not implemented yet: replace the throw in exercises/\${exercise}.ts with your code.\`);
  }
}
`;

const IMPORT_LINE = "import { NotImplementedError } from './not-implemented';";

/**
 * The stub of an exercise, from its reference solution's source.
 *
 * @example
 * stubFromSolution(readFileSync('solutions/01-cosine-similarity.ts', 'utf8'), '01-cosine-similarity');
 * // '/**\n * Exercise 01 · …' with every solution body replaced by a NotImplementedError throw
 */
export function stubFromSolution(source: string, exercise: string): string {
  const lines = source.split('\n');
  const out: string[] = [];
  let headerClosed = false;
  let mode: 'copy' | 'drop' | 'body' = 'copy';
  let currentFunction: string | undefined;
  let skipBlank = false; // after a dropped block, so that it leaves one blank line, not two
  lines.forEach((line, index) => {
    const where = `solutions/${exercise}.ts:${index + 1}`;
    const trimmed = line.trim();
    const fn = /\bfunction\s+([A-Za-z_$][\w$]*)/.exec(line);
    if (fn && mode === 'copy') currentFunction = fn[1];
    if (trimmed === '//! BEGIN SOLUTION ONLY') {
      if (mode !== 'copy')
        throw new StubMarkerError(`${where}: BEGIN SOLUTION ONLY inside another block; close it first.`);
      mode = 'drop';
      return;
    }
    if (trimmed === '//! END SOLUTION ONLY') {
      if (mode !== 'drop') throw new StubMarkerError(`${where}: END SOLUTION ONLY without its BEGIN.`);
      mode = 'copy';
      skipBlank = out.length > 0 && out[out.length - 1].trim() === '';
      return;
    }
    if (skipBlank) {
      skipBlank = false;
      if (trimmed === '') return;
    }
    if (trimmed === '// BEGIN SOLUTION') {
      if (mode !== 'copy') throw new StubMarkerError(`${where}: BEGIN SOLUTION inside another block; close it first.`);
      if (!currentFunction) throw new StubMarkerError(`${where}: BEGIN SOLUTION outside a function.`);
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      out.push(`${indent}throw new NotImplementedError('${exercise}', '${currentFunction}');`);
      mode = 'body';
      return;
    }
    if (trimmed === '// END SOLUTION') {
      if (mode !== 'body') throw new StubMarkerError(`${where}: END SOLUTION without its BEGIN.`);
      mode = 'copy';
      return;
    }
    if (mode !== 'copy' || trimmed.startsWith('//!')) return;
    out.push(line);
    if (!headerClosed && trimmed.endsWith('*/')) {
      headerClosed = true;
      out.push(IMPORT_LINE);
    }
  });
  if (mode !== 'copy') throw new StubMarkerError(`solutions/${exercise}.ts: a BEGIN marker is never closed.`);
  if (!headerClosed)
    throw new StubMarkerError(`solutions/${exercise}.ts: no header comment (/** … */) describing the task.`);
  if (out.some((line) => /^\s*\*\s*Hints:\s*$/.test(line))) {
    throw new StubMarkerError(
      `solutions/${exercise}.ts: the header has a "Hints:" section; hints belong in solutions/${exercise}.hints.md (one step per --hint).`,
    );
  }
  if (!out.some((line) => line.includes('new NotImplementedError('))) {
    throw new StubMarkerError(
      `solutions/${exercise}.ts: no // BEGIN SOLUTION block, so the stub would already be solved.`,
    );
  }
  return out.join('\n');
}

/** The stub of exercise `exercise`, generated from `<root>/solutions/<exercise>.ts`. */
export function stubFor(root: string, exercise: string): string {
  return stubFromSolution(readFileSync(join(root, 'solutions', `${exercise}.ts`), 'utf8'), exercise);
}
