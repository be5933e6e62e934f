/**
 * Every way a learner's load or call can end (an `Ending` of lib/learner/sandbox.ts), in plain words: the one
 * place the grader's and the notebooks' verdicts are written.
 *
 * @example
 *   describeEnding({ kind: 'too-slow', during: 'call', limitMs: 5000 }, { exercise: '01-cosine-similarity', dir, what: 'l2Normalize([3, 4])' });
 *   // 'l2Normalize([3, 4]) did not finish within 5 s and was stopped (an endless loop? …)'
 */
import * as path from 'path';
import { relativeToRoot } from './compile';
import type { Ending } from './sandbox';
import type { ThrownValue } from './sandbox-child';

/** "exercises/05-zero-shot.ts:52:10": the first place in a stack trace that is in the exercise folder. */
export function whereInExercise(stack: string, dir: string): string | undefined {
  for (const line of stack.split('\n')) {
    const m = /\(?((?:[A-Za-z]:)?[^\s()]+\.ts):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (m && path.resolve(m[1]).startsWith(path.resolve(dir) + path.sep))
      return `${relativeToRoot(path.resolve(m[1]))}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** A thrown value in one phrase: `RangeError: bad size (at exercises/03-….ts:40:11)` or `the string "oops"`. */
export function describeThrownValue(thrown: ThrownValue, dir: string): string {
  if (!thrown.isError)
    return `${thrown.name === 'string' ? 'the string' : `a non-Error ${thrown.name}`} ${JSON.stringify(thrown.value) ?? String(thrown.value)}`;
  const where = whereInExercise(thrown.stack, dir);
  return `${thrown.name}: ${thrown.message.split('\n')[0]}${where ? ` (at ${where})` : ''}`;
}

const PERMISSION_WORDS: Record<string, (resource: string) => string> = {
  FileSystemWrite: (r) =>
    `tried to write ${r ? `the file ${r}` : 'a file'}; writing files is not allowed in exercises (an exercise computes and returns its answer)`,
  FileSystemRead: (r) =>
    `tried to read ${r ? `the file ${r}` : 'a file'}; reading files outside the exercise folder is not allowed in exercises`,
  ChildProcess: () => 'tried to start a process (child_process); starting processes is not allowed in exercises',
  WorkerThreads: () => 'tried to start a worker thread; worker threads are not allowed in exercises',
  Signal: (r) => `tried to send a signal to process ${r}; signalling other processes is not allowed in exercises`,
};

/**
 * An ending in plain words, one sentence without the final period.
 * `what` names the step: "cosineSimilarity" for a call, or the file for a load.
 *
 * @example
 *   describeEnding({ kind: 'too-slow', during: 'call', limitMs: 5000 }, { exercise: '01-…', dir, what: 'l2Normalize([3, 4])' });
 *   // 'l2Normalize([3, 4]) did not finish within 5 s and was stopped (an endless loop? …)'
 */
export function describeEnding(ending: Ending, context: { exercise: string; dir: string; what: string }): string {
  const file = relativeToRoot(path.join(context.dir, `${context.exercise}.ts`));
  const what = context.what;
  switch (ending.kind) {
    case 'missing':
      return `${relativeToRoot(ending.file)} does not exist`;
    case 'syntax': {
      const p = ending.problems[0];
      return `${file} cannot run: syntax error at ${p.file}:${p.line}:${p.column}: ${p.message.replace(/\.$/, '')}${ending.problems.length > 1 ? ` (and ${ending.problems.length - 1} more)` : ''}`;
    }
    case 'threw':
      return `${ending.during === 'load' ? `${file} threw while loading` : `${what} threw`} ${describeThrownValue(ending.thrown, context.dir)}`;
    case 'not-a-function':
      return `${file} does not export a function ${what.replace(/\(.*$/, '')} (it exports ${ending.exported.length ? ending.exported.join(', ') : 'no functions'}); keep the stub's names and \`export function\``;
    case 'bad-return':
      return `${what} returned something that cannot be passed back (${ending.message}); return numbers, strings, arrays, typed arrays or plain objects`;
    case 'too-slow':
      return ending.during === 'load'
        ? `${file} did not finish loading within ${ending.limitMs / 1000} s and was stopped: code outside any function runs as soon as the file loads; look for a loop there that never ends`
        : `${what} did not finish within ${ending.limitMs / 1000} s and was stopped (an endless loop? a condition that stays true, a counter that is never increased)`;
    case 'memory':
      return `${what} used more than ${ending.limitMiB} MiB of memory and was stopped (an array or Buffer that keeps growing in a loop?)`;
    case 'exited':
      return ending.signal
        ? `${file} killed its own process (${ending.signal}) while ${ending.during === 'load' ? 'loading' : `running ${what}`}; an exercise must return its answer instead`
        : `${file} called process.exit(${ending.code ?? ''}) (or otherwise ended its own process) while ${ending.during === 'load' ? 'loading' : `running ${what}`}; an exercise must return its answer instead`;
    case 'output':
      return `${what} printed more than ${ending.limitBytes / (1024 * 1024)} MB and was stopped (a console.log inside a long loop?)`;
    case 'forbidden':
      return `${what} ${(PERMISSION_WORDS[ending.permission] ?? ((r: string) => `tried to use ${ending.permission}${r ? ` on ${r}` : ''}, which is not allowed in exercises`))(ending.resource)}`;
    case 'deadline':
      return `${what} was not run: the grading run's deadline passed`;
    case 'no-start':
      return `the exercise could not be run: ${ending.message}`;
  }
}
