/**
 * Grade the exercises from a notebook: `await grade('cosine')` prints the same report as
 * `npm run grade -- cosine` (it runs that grader, scripts/grade.ts, in a child process) and returns the score;
 * `await hint('cosine')` prints the exercise's hints (`npm run grade -- --hint cosine`), and `await hint('01', 3)`
 * every step up to step 3 (`npm run grade -- --hint 01 --step 3`).
 * Neither ever throws: if the grader cannot run, the report says why and the score is 0.
 *
 * One deadline covers the whole run: the grader gets it (`--deadline`) and stops itself in time, ending every
 * learner process it started; should it not, this side kills the grader's process group and every learner
 * process group registered in the run's folder (lib/learner/sandbox.ts), so nothing outlives a call.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COURSE_ROOT, ENV } from '../course/paths';
import { RUN_DIR_ENV, killRegistered } from './sandbox';

/** How long a whole grading run may take by default, in ms (the grader's --deadline). */
export const GRADE_DEADLINE_MS = 180_000;
/** How long after its deadline the grader is given to report before it is killed. */
const GRACE_MS = 5000;

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
  /** End the grading run, and every process it started, after this many milliseconds (default 180000). */
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
 * Prints the hints of one exercise (a part of its name or its number) and returns them as text: the next step,
 * or with `step` every step up to that one (the step a grade report's hint line names).
 *
 * @example
 * await hint('02');
 * // prints "02-softmax-topk · Softmax with a logit scale, and top-k — hint step 1 of 3 … Step 1 · the idea (new) …"
 * await hint('01', 3);
 * // prints "01-cosine-similarity · … — hint steps 1–3 of 3 … Step 3 · the shape of the code (new) …"
 */
export async function hint(name: string, step?: number): Promise<string> {
  return (await runGrader(['--hint', name, ...(step === undefined ? [] : ['--step', String(step)])], {})).report;
}

function runGrader(graderArgs: string[], options: GradeOptions): Promise<GradeSummary> {
  const print = options.print ?? true;
  const root = COURSE_ROOT;
  const deadlineMs = options.deadlineMs ?? GRADE_DEADLINE_MS;
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const args = [tsx, path.join(root, 'scripts', 'grade.ts'), ...graderArgs, '--deadline', String(deadlineMs)];
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
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grade-run-'));
    let output = '';
    let stopped = false;
    let child: ReturnType<typeof spawn>;
    const endAll = () => {
      if (child?.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // the grader and everything in its group
        } catch {
          // already gone
        }
      }
      killRegistered(runDir); // the learner processes, each in its own group
    };
    try {
      child = spawn(process.execPath, args, {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group, so that a kill reaches everything it started
        env: { ...process.env, FORCE_COLOR: '0', [ENV.gradeFrom]: 'notebook', [RUN_DIR_ENV]: runDir },
      });
    } catch (error) {
      fs.rmSync(runDir, { recursive: true, force: true });
      finish(`grade: cannot start the grader: ${error instanceof Error ? error.message : String(error)}`, resolve);
      return;
    }
    const timer = setTimeout(() => {
      stopped = true;
      endAll();
    }, deadlineMs + GRACE_MS);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = (extra: string) => {
      clearTimeout(timer);
      endAll();
      fs.rmSync(runDir, { recursive: true, force: true });
      if (stopped) {
        // Only what it printed before: no score, the run did not finish.
        finish(
          `${output.replace(/^\d+\/\d+ passed\s*$/m, '')}\ngrade: the grader did not finish within ${deadlineMs / 1000} s and was stopped, with every process it started; no score.`,
          resolve,
        );
      } else finish(`${output}${extra}`, resolve);
    };
    child.on('error', (error) => done(`\ngrade: the grader could not run: ${error.message}`));
    child.on('close', () => done(''));
  });
}
