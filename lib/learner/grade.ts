/**
 * Grade the exercises from a notebook: `await grade('cosine')` prints the same report as
 * `npm run grade -- cosine` (it runs that grader, scripts/grade.ts, in a child process) and returns the score;
 * `await hint('cosine')` prints the exercise's hints (`npm run grade -- --hint cosine`).
 * Neither ever throws: if the grader cannot run, the report says why and the score is 0.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { COURSE_ROOT } from '../course/paths';
import * as path from 'path';

/** The score of a grading run, and the report that was printed. */
export interface GradeSummary {
  /** Exercises that pass. */
  passed: number;
  /** Exercises graded. */
  total: number;
  /** The report, as printed. */
  report: string;
}

/** Options of `grade`. */
export interface GradeOptions {
  /** Print the report (default true). */
  print?: boolean;
  /** A folder of exercise files other than exercises/ (the grader's --dir). */
  dir?: string;
  /** Stop the grader after this many milliseconds (default 180000). */
  deadlineMs?: number;
}


/**
 * Runs the grader on one exercise (a part of its name or its number) or, without a name, on all of them.
 *
 * @example
 * await grade('cosine');
 * // prints "Grading 1 exercise in exercises/ … ✓ 01-cosine-similarity  passed (8/8 checks) … 1/1 passed"
 * // and returns { passed: 1, total: 1, report: '…' }
 */
export function grade(name?: string, options: GradeOptions = {}): Promise<GradeSummary> {
  const args: string[] = [];
  if (name !== undefined && name !== '') args.push(name);
  if (options.dir !== undefined) args.push('--dir', options.dir);
  return runGrader(args, options);
}

/**
 * Prints the hints of one exercise (a part of its name or its number) and returns them as text.
 *
 * @example
 * await hint('02');
 * // prints "02-softmax-topk: A numerically stable softmax … 1. softmax: multiply every logit by logitScale first, …"
 */
export async function hint(name: string): Promise<string> {
  return (await runGrader(['--hint', name], {})).report;
}

function runGrader(graderArgs: string[], options: GradeOptions): Promise<GradeSummary> {
  const print = options.print ?? true;
  const root = COURSE_ROOT;
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const args = [tsx, path.join(root, 'scripts', 'grade.ts'), ...graderArgs];
  const finish = (report: string, resolve: (s: GradeSummary) => void) => {
    const score = /^(\d+)\/(\d+) passed\s*$/m.exec(report);
    if (print) console.log(report.trimEnd());
    resolve({ passed: score ? Number(score[1]) : 0, total: score ? Number(score[2]) : 0, report });
  };
  return new Promise((resolve) => {
    if (!fs.existsSync(tsx)) {
      finish(`grade: cannot run the grader: ${tsx} is missing. Run npm run setup in ${root}, then try again.`, resolve);
      return;
    }
    let output = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', GRADE_FROM: 'notebook' } });
    } catch (error) {
      finish(`grade: cannot start the grader: ${error instanceof Error ? error.message : String(error)}`, resolve);
      return;
    }
    const timer = setTimeout(() => {
      output += `\ngrade: the grader did not finish within ${(options.deadlineMs ?? 180000) / 1000} s and was stopped.`;
      child.kill('SIGKILL');
    }, options.deadlineMs ?? 180000);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      finish(`${output}\ngrade: the grader could not run: ${error.message}`, resolve);
    });
    child.on('close', () => {
      clearTimeout(timer);
      finish(output, resolve);
    });
  });
}
