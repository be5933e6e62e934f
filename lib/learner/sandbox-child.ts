/**
 * The program that runs a learner's exercise, inside the sandboxed child process that lib/learner/sandbox.ts
 * starts (one per exercise, Node's permission model, memory and CPU limits, its own process group).
 *
 * It is compiled to JavaScript by the parent (plain `typescript.transpileModule`, no loader: the child may
 * read only its own run folder) and talks to the parent over Node's IPC channel with the structured-clone
 * serialisation, so typed arrays, Maps and nested objects cross unchanged:
 *
 *   child → parent   { type: 'ready' }                               bootstrapped, nothing of the learner's loaded
 *   parent → child   { type: 'load', entry }                         require the learner's (compiled) file
 *   child → parent   { type: 'loaded', exports } | { type: 'failed', failure }
 *   parent → child   { type: 'call', id, fn, args }                  call one exported function
 *   child → parent   { type: 'result', id, value, args } | { type: 'failed', id, failure }
 *
 * Only the learner's code and this file run here; the course's tests, solutions and comparisons stay in the
 * parent. Nothing in this file is trusted by the parent beyond the shape of its messages: a learner who
 * rewrites it from inside can only spoil their own exercise's grade. Keep it free of imports other than
 * Node's own modules.
 */

/** What a learner's thrown value looks like once it has crossed to the parent. */
export interface ThrownValue {
  /** true when it was an Error object (then name, message and stack are its own). */
  isError: boolean;
  name: string;
  message: string;
  stack: string;
  /** Node's error code (e.g. ERR_ACCESS_DENIED), when it has one. */
  code?: string;
  /** For ERR_ACCESS_DENIED: which permission (FileSystemWrite, ChildProcess, WorkerThreads, Signal …). */
  permission?: string;
  /** For ERR_ACCESS_DENIED: the path or target concerned. */
  resource?: string;
  /** A thrown non-Error value, serialised when possible (a string, a number …). */
  value?: unknown;
}

/** Why the child could not do what it was asked, short of dying. */
export type ChildFailure =
  | { kind: 'threw'; during: 'load' | 'call'; thrown: ThrownValue }
  | { kind: 'not-a-function'; exported: string[] }
  | { kind: 'bad-return'; message: string };

/** What a learner's module exports, as the parent needs to know it. */
export interface ExportSummary {
  /** Exported functions (not classes). */
  functions: string[];
  /** Exported classes. */
  classes: string[];
  /** Other exported values that could be copied (constants, arrays …). */
  values: Record<string, unknown>;
}

/**
 * An earlier exercise the loaded one imports (`import { cosineSimilarity } from './01-cosine-similarity'`): while
 * the learner's function still throws the stub's NotImplementedError, the course's version answers instead — run
 * by the parent, never here (askCourse) — its errors re-thrown as the learner's own classes, and the parent is told
 * (`standIns`), so that the report can say the exercise ran on the course's version of that earlier one.
 */
export interface EarlierExercise {
  exercise: string;
  /** The learner's compiled file. */
  learner: string;
  /** The functions the course's version has (it runs in the parent, asked through COURSE_FD). */
  functions: string[];
}

export type ParentMessage =
  | { type: 'load'; entry: string; earlier: EarlierExercise[] }
  | { type: 'call'; id: number; fn: string; args: unknown[] };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'loaded'; exports: ExportSummary; standIns: string[] }
  | { type: 'result'; id: number; value: unknown; args: unknown[]; standIns: string[] }
  | { type: 'failed'; id?: number; failure: ChildFailure; standIns?: string[] };

/** A thrown value, described with only this realm's untouched primitives. */
export function describeThrown(error: unknown): ThrownValue {
  const isObject = typeof error === 'object' && error !== null;
  const isError =
    error instanceof Error ||
    (isObject &&
      typeof (error as { message?: unknown }).message === 'string' &&
      typeof (error as { stack?: unknown }).stack === 'string');
  if (!isError) {
    let value: unknown = error;
    if (typeof error === 'function' || typeof error === 'symbol') value = String(error);
    return {
      isError: false,
      name: typeof error,
      message: typeof error === 'string' ? error : String(error),
      stack: '',
      value,
    };
  }
  const e = error as Error & { code?: unknown; permission?: unknown; resource?: unknown };
  const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
  let name = 'Error';
  try {
    name = String(e.name || (e.constructor && e.constructor.name) || 'Error');
  } catch {
    // a getter that throws: keep 'Error'
  }
  return {
    isError: true,
    name,
    message: String(e.message),
    stack: String(e.stack ?? ''),
    code: text(e.code),
    permission: text(e.permission),
    resource: text(e.resource),
  };
}

function isClass(value: unknown): boolean {
  try {
    return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
  } catch {
    return false;
  }
}

/** What the parent needs to know about a loaded module (values only when they can be copied). */
export function summarise(moduleExports: unknown, canCopy: (value: unknown) => boolean): ExportSummary {
  const summary: ExportSummary = { functions: [], classes: [], values: {} };
  if (moduleExports === null || (typeof moduleExports !== 'object' && typeof moduleExports !== 'function'))
    return summary;
  for (const key of Object.keys(moduleExports)) {
    const value = (moduleExports as Record<string, unknown>)[key];
    if (isClass(value)) summary.classes.push(key);
    else if (typeof value === 'function') summary.functions.push(key);
    else if (canCopy(value)) summary.values[key] = value;
  }
  return summary;
}

/** Signals may only go to this process itself (the learner may end their own run, never another process). */
function guardSignals(): void {
  const own = process.pid;
  const original = process.kill.bind(process);
  const refuse = (pid: number) => {
    const error = new Error(
      `process.kill(${pid}, …): sending signals to other processes is not allowed in exercises.`,
    ) as Error & { code: string; permission: string; resource: string };
    error.code = 'ERR_ACCESS_DENIED';
    error.permission = 'Signal';
    error.resource = String(pid);
    return error;
  };
  const kill = (pid: number, signal?: string | number) => {
    if (Number(pid) !== own) throw refuse(pid);
    return original(own, signal);
  };
  Object.defineProperty(process, 'kill', { value: kill, writable: false, configurable: false });
  // process.kill calls the internal process._kill; a learner could call that one directly.
  const internal = (process as unknown as { _kill?: (pid: number, signal: number) => number })._kill;
  if (internal) {
    Object.defineProperty(process, '_kill', {
      value: (pid: number, signal: number) => {
        if (Number(pid) !== own) throw refuse(pid);
        return internal.call(process, own, signal);
      },
      writable: false,
      configurable: false,
    });
  }
}

/** The file descriptor of the socket on which the course's versions of earlier exercises are asked for. */
export const COURSE_FD = 4;

/**
 * Asks the parent to run the course's version of an earlier exercise's function (the course's code never runs
 * in this process): a length-prefixed structured-clone frame each way on COURSE_FD, waited for synchronously,
 * because the learner's code calls the function synchronously.
 */
function askCourse(exercise: string, fn: string, args: unknown[]): { value?: unknown; thrown?: ThrownValue } {
  const fs = require('node:fs') as typeof import('node:fs');
  const v8 = require('node:v8') as typeof import('node:v8');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const retry = (error: unknown) => {
    if ((error as { code?: string }).code !== 'EAGAIN') throw error;
    Atomics.wait(pause, 0, 0, 1);
  };
  const body = v8.serialize({ exercise, fn, args });
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  for (let off = 0; off < frame.length;) {
    try {
      off += fs.writeSync(COURSE_FD, frame, off);
    } catch (error) {
      retry(error);
    }
  }
  const read = (n: number) => {
    const buffer = Buffer.alloc(n);
    for (let off = 0; off < n;) {
      try {
        const got = fs.readSync(COURSE_FD, buffer, off, n - off, null);
        if (got === 0) throw new Error('the course closed its side of the channel');
        off += got;
      } catch (error) {
        retry(error);
      }
    }
    return buffer;
  };
  return v8.deserialize(read(read(4).readUInt32BE(0))) as { value?: unknown; thrown?: ThrownValue };
}

/** Earlier exercises' functions, each falling back to the course's version while the learner's is unfinished. */
function installEarlier(earlier: EarlierExercise[], standIns: Set<string>): void {
  for (const e of earlier) {
    const yours = require(e.learner) as Record<string, unknown>;
    const wrapped: Record<string, unknown> = { ...yours };
    for (const [key, value] of Object.entries(yours)) {
      if (typeof value !== 'function' || isClass(value) || !e.functions.includes(key)) continue;
      wrapped[key] = (...args: unknown[]) => {
        try {
          return (value as (...a: unknown[]) => unknown)(...args);
        } catch (error) {
          const unfinished =
            error instanceof Error &&
            error.name === 'NotImplementedError' &&
            (error as Error & { exercise?: string }).exercise === e.exercise;
          if (!unfinished) throw error;
          standIns.add(`${key} (exercise ${e.exercise.slice(0, 2)})`);
          const answer = askCourse(e.exercise, key, args);
          if (!answer.thrown) return answer.value;
          const own = yours[answer.thrown.name];
          if (answer.thrown.isError && isClass(own))
            throw new (own as new (message: string) => Error)(answer.thrown.message);
          if (!answer.thrown.isError) throw answer.thrown.value;
          const error2 = new Error(answer.thrown.message);
          error2.name = answer.thrown.name;
          throw error2;
        }
      };
    }
    const cached = require.cache[require.resolve(e.learner)];
    if (cached) cached.exports = wrapped;
  }
}

function main(): void {
  const v8 = require('node:v8') as typeof import('node:v8');
  const send = process.send?.bind(process);
  if (!send) {
    process.stderr.write('sandbox-child: no IPC channel; this program is started by lib/learner/sandbox.ts only.\n');
    process.exit(70);
  }
  const canCopy = (value: unknown) => {
    try {
      v8.serialize(value);
      return true;
    } catch {
      return false;
    }
  };
  const sendNow = (message: ChildMessage) => {
    try {
      send(message);
    } catch (error) {
      const id = 'id' in message ? message.id : undefined;
      send({ type: 'failed', id, failure: { kind: 'bad-return', message: describeThrown(error).message } });
    }
  };
  // Output to a pipe is written asynchronously: the answer goes only once everything printed before it has
  // reached the parent, so that the parent's output cap sees it first.
  const reply = (message: ChildMessage) => {
    let waiting = 2;
    const done = () => {
      if (--waiting === 0) sendNow(message);
    };
    if (!process.stdout.write('', done)) process.stdout.once('drain', () => undefined);
    if (!process.stderr.write('', done)) process.stderr.once('drain', () => undefined);
  };
  let learner: Record<string, unknown> | undefined;
  const standIns = new Set<string>();
  // The parent going away (its grading run ended, the kernel restarted) ends this process too.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'load') {
      try {
        installEarlier(message.earlier, standIns);
        learner = require(message.entry) as Record<string, unknown>;
      } catch (error) {
        reply({ type: 'failed', failure: { kind: 'threw', during: 'load', thrown: describeThrown(error) } });
        return;
      }
      reply({ type: 'loaded', exports: summarise(learner, canCopy), standIns: [...standIns] });
      return;
    }
    const { id, fn, args } = message;
    const target = learner?.[fn];
    if (typeof target !== 'function' || isClass(target)) {
      reply({
        type: 'failed',
        id,
        failure: { kind: 'not-a-function', exported: summarise(learner, canCopy).functions },
      });
      return;
    }
    let result: unknown;
    try {
      result = (target as (...a: unknown[]) => unknown)(...args);
    } catch (error) {
      reply({ type: 'failed', id, failure: { kind: 'threw', during: 'call', thrown: describeThrown(error) } });
      return;
    }
    Promise.resolve(result).then(
      (value) => {
        if (!canCopy(value)) {
          reply({
            type: 'failed',
            id,
            failure: {
              kind: 'bad-return',
              message: `${typeof value === 'function' ? 'a function' : 'a value'} that cannot be copied out of its process`,
            },
          });
        } else reply({ type: 'result', id, value, args: canCopy(args) ? args : [], standIns: [...standIns] });
      },
      (error: unknown) =>
        reply({ type: 'failed', id, failure: { kind: 'threw', during: 'call', thrown: describeThrown(error) } }),
    );
  });
  guardSignals();
  reply({ type: 'ready' });
}

if (require.main === module) main();
