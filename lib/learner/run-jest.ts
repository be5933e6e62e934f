/**
 * Runs exercise test files with jest in a child process, pointed at a folder of exercise files
 * (EXERCISES_DIR, see jest.config.js), and returns what happened in each file.
 *
 * Isolation: jest gives every test file its own module registry and sandbox, so a syntax error or a
 * throw while one exercise loads fails only that file ("could not be loaded"). Inside a file, the
 * helpers of tests/exercises/support/plain.ts stop endless loops (per call, GRADE_TIMEOUT_MS), report a
 * thrown non-Error, and turn process.exit into an error. As a last resort — an endless loop in code that
 * runs while the exercise file loads, which no in-process timer can interrupt — a run that outlives its
 * deadline is killed, and its files are rerun one per jest process so that only the culprit fails.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One test (one `test(...)`) of an exercise. */
export interface TestOutcome {
  title: string;
  passed: boolean;
  /** The first failure message, stack trace removed. */
  failure?: string;
}

/** What happened to one exercise test file. */
export interface FileOutcome {
  /** Absolute path of the test file. */
  testFile: string;
  tests: TestOutcome[];
  /** Set when the file could not run at all (the exercise failed to load, or the run was killed). */
  loadError?: string;
}

interface JestAssertion {
  title: string;
  status: string;
  failureMessages?: string[];
}
interface JestSuite {
  name: string;
  status: string;
  message?: string;
  assertionResults: JestAssertion[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The message of a jest failure without its stack trace or code frame. */
export function plainFailure(text: string): string {
  const lines = text.replace(ANSI, '').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s+at /.test(line) || /^\s*>?\s*\d+ \|/.test(line)) break;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/^\s*●\s*Test suite failed to run\s*/, '')
    .replace(/^ExpectationError: /, '')
    .trim();
}

function runOnce(
  root: string,
  dir: string,
  testFiles: readonly string[],
  timeoutMs: number,
  deadlineMs: number,
): Promise<{ suites?: JestSuite[]; killed: boolean; output: string }> {
  const outDir = mkdtempSync(join(tmpdir(), 'grade-'));
  const outFile = join(outDir, 'results.json');
  const args = [
    join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    '--json', '--outputFile', outFile,
    '--silent', '--ci', '--colors=false',
    `--testTimeout=${timeoutMs + 5000}`,
    '--runTestsByPath', ...testFiles,
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, EXERCISES_DIR: dir, GRADE_TIMEOUT_MS: String(timeoutMs), FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32', // its own process group, so a kill also ends jest's workers
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, deadlineMs);
    child.on('close', () => {
      clearTimeout(timer);
      let suites: JestSuite[] | undefined;
      try {
        suites = (JSON.parse(readFileSync(outFile, 'utf8')) as { testResults: JestSuite[] }).testResults;
      } catch {
        suites = undefined;
      }
      rmSync(outDir, { recursive: true, force: true });
      resolve({ suites: killed ? undefined : suites, killed, output });
    });
  });
}

function outcomeOf(testFile: string, suite: JestSuite | undefined, output: string): FileOutcome {
  if (!suite) {
    return { testFile, tests: [], loadError: `jest gave no result for this exercise. Its output ended with:\n${output.slice(-600)}` };
  }
  const tests = suite.assertionResults.map((a) => ({
    title: a.title,
    passed: a.status === 'passed',
    failure: a.status === 'passed' ? undefined : plainFailure(a.failureMessages?.[0] ?? 'failed'),
  }));
  if (suite.status === 'failed' && tests.length === 0) {
    return { testFile, tests, loadError: plainFailure(suite.message ?? 'the test file failed to run') };
  }
  return { testFile, tests };
}

function stopped(testFile: string, afterMs: number): FileOutcome {
  return {
    testFile,
    tests: [],
    loadError:
      `its tests did not finish and were stopped after ${Math.round(afterMs / 1000)} s. Look for a loop that never ends, ` +
      'especially in code outside any function (it runs as soon as the file loads).',
  };
}

/**
 * Runs `testFiles` against the exercise files in `dir`; one outcome per test file, in the same order.
 *
 * @example
 * await runExerciseTests(root, '/course/exercises', ['/course/tests/exercises/01-cosine-similarity.test.ts'], 5000);
 * // [{ testFile: '…/01-cosine-similarity.test.ts', tests: [{ title: 'l2Normalize: …', passed: true }, …] }]
 */
export async function runExerciseTests(
  root: string,
  dir: string,
  testFiles: readonly string[],
  timeoutMs: number,
): Promise<FileOutcome[]> {
  if (testFiles.length === 0) return [];
  // GRADE_RUN_DEADLINE_MS shortens the last-resort deadlines (the grader's own tests use it).
  const override = Number(process.env.GRADE_RUN_DEADLINE_MS) > 0 ? Number(process.env.GRADE_RUN_DEADLINE_MS) : undefined;
  const deadline = override ?? 60_000 + testFiles.length * (timeoutMs + 2000);
  const perFileDeadline = override ?? 30_000 + 2 * timeoutMs;
  const all = await runOnce(root, dir, testFiles, timeoutMs, deadline);
  if (all.suites) {
    const byName = new Map(all.suites.map((s) => [s.name, s]));
    return testFiles.map((file) => outcomeOf(file, byName.get(file), all.output));
  }
  if (testFiles.length === 1 && !all.killed) return [outcomeOf(testFiles[0], undefined, all.output)];
  if (testFiles.length === 1) return [stopped(testFiles[0], deadline)];
  // The run was killed (or broke): one jest per file, so that only the culprit fails.
  const outcomes: FileOutcome[] = [];
  for (const file of testFiles) {
    const one = await runOnce(root, dir, [file], timeoutMs, perFileDeadline);
    if (one.killed) {
      outcomes.push(stopped(file, perFileDeadline));
    } else {
      outcomes.push(outcomeOf(file, one.suites?.find((s) => s.name === file), one.output));
    }
  }
  return outcomes;
}
