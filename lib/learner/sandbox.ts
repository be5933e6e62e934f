/**
 * THE runner of learner code. The grader (`npm run grade`, via lib/learner/harness.ts) and the notebooks
 * (lib/learner/challenge.ts's tryExercise/runExercise) both run a learner's exercise only through
 * `LearnerProcess`: one child process per exercise, which loads the learner's file and calls its functions with
 * arguments sent by the parent; the results come back by message, and the parent compares them. The course's
 * tests, solutions and comparisons never run in the learner's process (not even the course's version of an
 * earlier exercise that stands in for an unfinished one: the child asks for it on a socket, COURSE_FD), and no
 * learner's code runs in the grader's or the kernel's.
 *
 * The child (lib/learner/sandbox-child.ts, compiled into a fresh run folder) runs under
 *  - its own process group (a new session): every ending kills the whole group, `kill(-pgid)`;
 *  - `timeout -s KILL`: a last-resort lifetime that kills the group even if this parent dies;
 *  - `ulimit -v` (address space: counts Buffers and typed arrays, not only V8's heap), `ulimit -t` (CPU),
 *    no core files; V8's heap is capped at the same budget;
 *  - Node's permission model: it may read only its run folder (the compiled exercise folder and itself) and
 *    write only the run folder's scratch/; no child processes, no worker threads, no native addons; and
 *    it may send signals to no process but itself;
 *  - wall-clock limits per step, measured here: loading the file, and each call (EXERCISE_TIME_LIMIT_MS);
 *  - an output cap: more than OUTPUT_LIMIT_BYTES on stdout and stderr together stops it;
 *  - an environment holding only PATH and LANG.
 * Every way it can end is an `Ending`, and `describeEnding` (lib/learner/verdicts.ts) says it in plain words.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import { EXERCISE_TIME_LIMIT_MS } from '../course/paths';
import { sandboxChildProgram } from './compile';
import {
  describeThrown,
  type ChildFailure,
  type ChildMessage,
  type EarlierExercise,
  type ExportSummary,
  type ParentMessage,
} from './sandbox-child';
import type { SourceProblem } from './type-problems';

export { describeEnding } from './verdicts';
export { RUN_DIR_ENV, killRegistered, runRoot } from './run-dir';
export { prepareExercise, type PreparedExercise } from './compile';
import { registerGroup, runRoot, unregisterGroup } from './run-dir';
import { prepareExercise, type PreparedExercise } from './compile';

/** The memory an exercise may use, in MiB (its Buffers, typed arrays and JavaScript heap together). */
export const MEMORY_LIMIT_MIB = 1024;
/** What an exercise may print (stdout and stderr together), in bytes. */
export const OUTPUT_LIMIT_BYTES = 1024 * 1024;
/** The longest the child may take to start, before any of the learner's code runs (a loaded machine is slow). */
export const STARTUP_LIMIT_MS = 30_000;
/** Node and V8's own address space, on top of the learner's budget (an idle Node reserves about 730 MiB). */
const BASE_ADDRESS_SPACE_MIB = 1024;

/** Limits of one learner process. */
export interface SandboxLimits {
  /** Loading the file, and each call, in ms (default EXERCISE_TIME_LIMIT_MS). */
  stepMs: number;
  /** Memory budget in MiB (default MEMORY_LIMIT_MIB). */
  memoryMiB: number;
  /** Output cap in bytes (default OUTPUT_LIMIT_BYTES). */
  outputBytes: number;
  /** Last-resort lifetime of the process, in ms, enforced by the OS (`timeout`, and `ulimit -t` for CPU). */
  lifetimeMs: number;
}

export function defaultLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const stepMs = overrides.stepMs ?? EXERCISE_TIME_LIMIT_MS;
  return {
    stepMs,
    memoryMiB: MEMORY_LIMIT_MIB,
    outputBytes: OUTPUT_LIMIT_BYTES,
    lifetimeMs: 60_000 + 40 * stepMs,
    ...overrides,
  };
}

/** How a load or a call ended, when it did not return normally. */
export type Ending =
  | { kind: 'missing'; file: string }
  | { kind: 'syntax'; problems: SourceProblem[] }
  | ChildFailure
  | { kind: 'too-slow'; during: 'load' | 'call'; limitMs: number }
  | { kind: 'memory'; limitMiB: number }
  | { kind: 'exited'; during: 'load' | 'call'; code: number | null; signal: string | null }
  | { kind: 'output'; limitBytes: number }
  | { kind: 'forbidden'; permission: string; resource: string }
  | { kind: 'deadline' }
  | { kind: 'no-start'; message: string };

/** `standIns`: earlier exercises' functions the course's version stood in for so far (see EarlierExercise). */
export type LoadOutcome = { ok: true; exports: ExportSummary; standIns: string[] } | { ok: false; ending: Ending };
export type CallOutcome =
  { ok: true; value: unknown; args: unknown[]; standIns: string[] } | { ok: false; ending: Ending };

let runCount = 0;
const permissionFlag = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
  24: 'SIGXCPU',
};
const OUT_OF_MEMORY =
  /heap out of memory|Fatal process OOM|Array buffer allocation failed|Reached heap limit|Cannot allocate memory|std::bad_alloc/i;

/** One learner's exercise in its own sandboxed process. */
export class LearnerProcess {
  /** What the learner's code printed (stdout and stderr, up to the cap). */
  output = '';
  /** Set once the process has ended abnormally (or was closed); later calls report it without running. */
  ended: Ending | undefined;
  private readonly child: ChildProcess;
  private readonly folder: string;
  private bytes = 0;
  private nextId = 1;
  private pending: { resolve: (m: ChildMessage | Ending) => void; id?: number } | undefined;
  private exited: Promise<void>;
  private killedFor: Ending | undefined;
  private exportsSummary: ExportSummary | undefined;
  private earlier: EarlierExercise[] = [];
  private courseFolder: string | undefined;
  private courseModules: Record<string, Record<string, unknown>> = {};

  private constructor(
    readonly exercise: string,
    readonly dir: string,
    readonly limits: SandboxLimits,
    folder: string,
  ) {
    this.folder = folder;
    const scratch = path.join(folder, 'scratch');
    const childJs = path.join(folder, 'child.js');
    const nodeArgs = [
      permissionFlag,
      `--allow-fs-read=${folder}`,
      `--allow-fs-write=${scratch}`,
      '--disable-warning=ExperimentalWarning',
      '--enable-source-maps',
      `--max-old-space-size=${limits.memoryMiB}`,
      childJs,
    ];
    // sh applies the OS limits, then becomes node (exec): timeout → node, in one new process group.
    const script = 'ulimit -c 0; ulimit -v "$1" || exit 71; ulimit -t "$2" || exit 71; shift 2; exec "$@"';
    const addressKiB = (limits.memoryMiB + BASE_ADDRESS_SPACE_MIB) * 1024;
    const cpuSeconds = Math.ceil(limits.lifetimeMs / 1000);
    this.child = spawn(
      'timeout',
      [
        '-s',
        'KILL',
        `${Math.ceil(limits.lifetimeMs / 1000)}s`,
        'sh',
        '-c',
        script,
        'sh',
        String(addressKiB),
        String(cpuSeconds),
        process.execPath,
        ...nodeArgs,
      ],
      {
        cwd: scratch,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'], // fd 4: COURSE_FD (earlier exercises' course versions)
        serialization: 'advanced',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
      },
    );
    const pgid = this.child.pid;
    if (pgid !== undefined) registerGroup(path.dirname(folder), pgid, exercise);
    const take = (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.output.length < limits.outputBytes)
        this.output += chunk.toString('utf8').slice(0, limits.outputBytes - this.output.length);
      if (this.bytes > limits.outputBytes) this.stop({ kind: 'output', limitBytes: limits.outputBytes });
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
    this.child.on('message', (message: ChildMessage) => this.settle(message));
    this.serveCourse(this.child.stdio[4] as unknown as NodeJS.ReadWriteStream | null);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => {
        this.ended ??= { kind: 'no-start', message: error.message };
        this.settle(this.ended);
        resolve();
      });
      this.child.on('exit', (code, signal) => {
        if (pgid !== undefined) unregisterGroup(pgid);
        // Let a message sent just before the end, and the last output, arrive first.
        setImmediate(() => {
          this.settle(this.endingAtExit(code, signal));
          resolve();
        });
      });
    });
  }

  /**
   * Compiles `<dir>/<exercise>.ts` (and the rest of the folder) into a fresh run folder and starts its process.
   * Returns the ending instead when there is nothing to run (a missing file, a syntax error) or the process
   * cannot start.
   */
  static async start(
    exercise: string,
    dir: string,
    limits: SandboxLimits = defaultLimits(),
    prepared?: PreparedExercise,
  ): Promise<LearnerProcess | Ending> {
    const compiled = prepared ?? prepareExercise(exercise, dir);
    if ('kind' in compiled) return compiled;
    const { files, course } = compiled;
    const folder = path.join(runRoot(), `${exercise}-${process.pid}-${runCount++}`);
    fs.mkdirSync(path.join(folder, 'code'), { recursive: true });
    fs.mkdirSync(path.join(folder, 'scratch'));
    fs.writeFileSync(path.join(folder, 'child.js'), compiled.child ?? sandboxChildProgram());
    for (const [name, code] of Object.entries(files)) fs.writeFileSync(path.join(folder, 'code', name), code);
    // Earlier exercises this one imports get the course's version as a fallback (see EarlierExercise). It is
    // compiled next to the run folder, out of the learner's reach, and runs in this process.
    const earlier = compiled.earlier;
    const courseFolder = `${folder}.course`;
    const courseModules: Record<string, Record<string, unknown>> = {};
    if (earlier.length > 0) {
      fs.mkdirSync(courseFolder);
      for (const [name, code] of Object.entries(course)) fs.writeFileSync(path.join(courseFolder, name), code);
      for (const name of earlier)
        courseModules[name] = require(path.join(courseFolder, `${name}.js`)) as Record<string, unknown>;
    }
    const learner = new LearnerProcess(exercise, dir, limits, folder);
    learner.courseFolder = earlier.length > 0 ? courseFolder : undefined;
    learner.courseModules = courseModules;
    learner.earlier = earlier.map((name) => ({
      exercise: name,
      learner: path.join(folder, 'code', `${name}.js`),
      functions: Object.keys(courseModules[name]).filter((k) => typeof courseModules[name][k] === 'function'),
    }));
    const ready = await learner.next(STARTUP_LIMIT_MS, undefined, 'load');
    if ('type' in ready && ready.type === 'ready') return learner;
    await learner.close();
    const ending =
      'type' in ready ? ({ kind: 'no-start', message: `unexpected message ${ready.type}` } as Ending) : ready;
    return ending.kind === 'too-slow'
      ? {
          kind: 'no-start',
          message: `it did not start within ${STARTUP_LIMIT_MS / 1000} s (is the machine very busy?)`,
        }
      : ending;
  }

  /** Loads the learner's file (its top-level code runs now, under the step limit). */
  async load(): Promise<LoadOutcome> {
    if (this.ended) return { ok: false, ending: this.ended };
    const entry = path.join(this.folder, 'code', `${this.exercise}.js`);
    const reply = await this.ask({ type: 'load', entry, earlier: this.earlier }, 'load');
    if ('kind' in reply) return { ok: false, ending: reply };
    if (reply.type === 'loaded') {
      this.exportsSummary = reply.exports;
      return { ok: true, exports: reply.exports, standIns: reply.standIns };
    }
    if (reply.type === 'failed') return { ok: false, ending: this.classify(reply.failure) };
    return { ok: false, ending: { kind: 'no-start', message: `unexpected message ${reply.type}` } };
  }

  /** What the loaded file exports. */
  get exports(): ExportSummary | undefined {
    return this.exportsSummary;
  }

  /** Calls one exported function with `args` (copied into the child); the value and the arguments come back. */
  async call(fn: string, args: unknown[]): Promise<CallOutcome> {
    if (this.ended) return { ok: false, ending: this.ended };
    const id = this.nextId++;
    const reply = await this.ask({ type: 'call', id, fn, args }, 'call', id);
    if ('kind' in reply) return { ok: false, ending: reply };
    if (reply.type === 'result') return { ok: true, value: reply.value, args: reply.args, standIns: reply.standIns };
    if (reply.type === 'failed') return { ok: false, ending: this.classify(reply.failure) };
    return { ok: false, ending: { kind: 'no-start', message: `unexpected message ${reply.type}` } };
  }

  /** Ends the process group (if it still runs), waits for it, and removes the run folder. */
  async close(): Promise<void> {
    this.stop(this.ended ?? { kind: 'deadline' }, false);
    await this.exited;
    fs.rmSync(this.folder, { recursive: true, force: true });
    if (this.courseFolder) {
      for (const key of Object.keys(require.cache))
        if (key.startsWith(`${this.courseFolder}${path.sep}`)) delete require.cache[key];
      fs.rmSync(this.courseFolder, { recursive: true, force: true });
    }
  }

  /** Ends the whole process group now; `ending` becomes the answer of a pending step. */
  stop(ending: Ending, record = true): void {
    if (record) this.killedFor ??= ending;
    if (this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    if (record) {
      this.ended ??= ending;
      this.settle(ending);
    }
  }

  /** Answers the child's askCourse frames: the course's version of an earlier exercise's function, run here. */
  private serveCourse(socket: NodeJS.ReadWriteStream | null): void {
    if (!socket) return;
    let pending = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const length = pending.readUInt32BE(0);
        const request = v8.deserialize(pending.subarray(4, 4 + length)) as {
          exercise: string;
          fn: string;
          args: unknown[];
        };
        pending = pending.subarray(4 + length);
        let answer: Buffer;
        try {
          const fn = this.courseModules[request.exercise]?.[request.fn];
          if (typeof fn !== 'function')
            throw new Error(`the course has no ${request.fn} in exercise ${request.exercise}`);
          answer = v8.serialize({ value: (fn as (...a: unknown[]) => unknown)(...request.args) });
        } catch (error) {
          answer = v8.serialize({ thrown: describeThrown(error) });
        }
        const head = Buffer.alloc(4);
        head.writeUInt32BE(answer.length, 0);
        socket.write(Buffer.concat([head, answer]));
      }
    });
  }

  private ask(message: ParentMessage, during: 'load' | 'call', id?: number): Promise<ChildMessage | Ending> {
    try {
      this.child.send(message);
    } catch (error) {
      return Promise.resolve({
        kind: 'no-start',
        message: `its arguments cannot be sent to the exercise (${(error as Error).message}); pass numbers, strings, arrays, typed arrays and plain objects`,
      } as Ending);
    }
    return this.next(this.limits.stepMs, id, during);
  }

  private next(limitMs: number, id: number | undefined, during: 'load' | 'call'): Promise<ChildMessage | Ending> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.stop({ kind: 'too-slow', during, limitMs }), limitMs);
      this.pending = {
        id,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      if (this.ended) this.settle(this.ended);
    });
  }

  private settle(message: ChildMessage | Ending): void {
    const pending = this.pending;
    if (!pending) return;
    if (
      'type' in message &&
      message.type !== 'ready' &&
      'id' in message &&
      message.id !== undefined &&
      message.id !== pending.id
    )
      return;
    this.pending = undefined;
    pending.resolve(message);
  }

  private endingAtExit(code: number | null, signal: NodeJS.Signals | null): Ending {
    if (this.killedFor) return this.killedFor;
    if (this.ended) return this.ended;
    const during = this.exportsSummary ? 'call' : 'load';
    let ending: Ending;
    if (OUT_OF_MEMORY.test(this.output)) ending = { kind: 'memory', limitMiB: this.limits.memoryMiB };
    else if (code === 71)
      ending = { kind: 'no-start', message: 'the memory and CPU limits could not be set (ulimit failed)' };
    else if (code === 124 || signal === 'SIGKILL') ending = { kind: 'exited', during, code: null, signal: 'SIGKILL' };
    else if (code !== null && code > 128 && SIGNALS[code - 128] === 'SIGXCPU')
      ending = { kind: 'too-slow', during, limitMs: this.limits.lifetimeMs };
    else if (code !== null && code > 128 && SIGNALS[code - 128])
      ending = { kind: 'exited', during, code: null, signal: SIGNALS[code - 128] };
    else ending = { kind: 'exited', during, code, signal };
    this.ended = ending;
    return ending;
  }

  private classify(failure: ChildFailure): Ending {
    if (failure.kind !== 'threw') return failure;
    const t = failure.thrown;
    if (t.code === 'ERR_ACCESS_DENIED')
      return { kind: 'forbidden', permission: t.permission ?? 'unknown', resource: t.resource ?? '' };
    if (t.isError && t.name === 'RangeError' && OUT_OF_MEMORY.test(t.message))
      return { kind: 'memory', limitMiB: this.limits.memoryMiB };
    return failure;
  }
}
