/**
 * Synchronous calls into learner processes, for the grader. The course's exercise tests call the learner's
 * functions synchronously (`expectClose('…', () => cosineSimilarity(a, b), …)`), while a `LearnerProcess`
 * (lib/learner/sandbox.ts) answers by message. So the grader's thread posts each request to a worker thread
 * (this same file, run as a worker) that owns the learner processes and their timers, and sleeps in
 * `Atomics.wait` until the answer is there: a learner's endless loop stops the learner's process, never the
 * grader, because the limits are enforced by the worker's own event loop (and the OS).
 *
 * @example
 *   const bridge = new Bridge();
 *   bridge.request({ op: 'start', key: '01', exercise: '01-cosine-similarity', dir, limits }, 40_000);
 *   bridge.request({ op: 'call', key: '01', fn: 'l2Normalize', args: [[3, 4]] }, 7_000);
 *   // { id: 2, call: { ok: true, value: [0.6, 0.8], args: [[3, 4]] } }
 *   bridge.close();   // every learner process ended, the worker stopped
 */
import * as path from 'path';
import {
  MessageChannel,
  Worker,
  isMainThread,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'worker_threads';
import { COURSE_ROOT } from '../course/paths';
import {
  LearnerProcess,
  type CallOutcome,
  type Ending,
  type LoadOutcome,
  type PreparedExercise,
  type SandboxLimits,
} from './sandbox';

export type BridgeRequest =
  | {
      op: 'start';
      key: string;
      exercise: string;
      dir: string;
      limits: SandboxLimits;
      prepared: PreparedExercise | Ending;
    }
  | { op: 'call'; key: string; fn: string; args: unknown[] }
  | { op: 'close'; key: string }
  | { op: 'closeAll' };

export interface BridgeResponse {
  id: number;
  load?: LoadOutcome;
  call?: CallOutcome;
  /** What the learner's code printed so far (answers to start and close). */
  output?: string;
  /** The worker itself broke (a bug of the course). */
  error?: string;
  /** The grader stopped waiting (its deadline). */
  timedOut?: boolean;
}

interface BridgeData {
  learnerBridge: true;
  port: MessagePort;
  flag: SharedArrayBuffer;
}

/** The grader's side: one worker thread, requests answered synchronously. */
export class Bridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private readonly early = new Map<number, BridgeResponse>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const tsxApi = path.join(COURSE_ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'api', 'index.cjs');
    // The worker runs this file: TypeScript, so tsx's require hook is registered in it first.
    const boot = `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(__filename)});`;
    const data: BridgeData = { learnerBridge: true, port: port2, flag: this.flag.buffer as SharedArrayBuffer };
    this.worker = new Worker(boot, {
      eval: true,
      workerData: data,
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
  }

  /** Sends `request` and waits (blocking this thread) up to `waitMs` for its answer. */
  request(request: BridgeRequest, waitMs: number): BridgeResponse {
    return this.wait(this.post(request), waitMs);
  }

  /** Sends `request` without waiting; `wait(id)` takes the answer (so several can run side by side). */
  post(request: BridgeRequest): number {
    const id = this.nextId++;
    this.port.postMessage({ id, request });
    return id;
  }

  /** Blocks up to `waitMs` for the answer to request `id`. */
  wait(id: number, waitMs: number): BridgeResponse {
    const end = Date.now() + Math.max(0, waitMs);
    for (;;) {
      const early = this.early.get(id);
      if (early) {
        this.early.delete(id);
        return early;
      }
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const response = received.message as BridgeResponse;
        if (response.id === id) return response;
        this.early.set(response.id, response); // another request's answer (or a late one, never asked for again)
        continue;
      }
      const remaining = end - Date.now();
      if (remaining <= 0) return { id, timedOut: true };
      Atomics.wait(this.flag, 0, 0, remaining);
      Atomics.store(this.flag, 0, 0);
    }
  }

  /** Ends every learner process (waiting up to `waitMs`) and stops the worker. */
  close(waitMs = 10_000): void {
    this.request({ op: 'closeAll' }, waitMs);
    void this.worker.terminate();
    this.port.close();
  }
}

/** The worker's side: owns the learner processes. */
function serve(data: BridgeData): void {
  const signal = new Int32Array(data.flag);
  const processes = new Map<string, LearnerProcess | Ending>();
  const answer = (response: BridgeResponse) => {
    data.port.postMessage(response);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  const closeOne = async (key: string) => {
    const p = processes.get(key);
    processes.delete(key);
    if (p instanceof LearnerProcess) {
      await p.close();
      return p.output;
    }
    return '';
  };
  const handle = async (request: BridgeRequest): Promise<Omit<BridgeResponse, 'id'>> => {
    switch (request.op) {
      case 'start': {
        // Compiled by the grader's thread (which has TypeScript loaded already), started here.
        const started =
          'kind' in request.prepared
            ? request.prepared
            : await LearnerProcess.start(request.exercise, request.dir, request.limits, request.prepared);
        processes.set(request.key, started);
        if (!(started instanceof LearnerProcess)) return { load: { ok: false, ending: started } };
        const load = await started.load();
        return { load, output: started.output };
      }
      case 'call': {
        const p = processes.get(request.key);
        if (!(p instanceof LearnerProcess))
          return { call: { ok: false, ending: p ?? { kind: 'no-start', message: 'it was never started' } } };
        return { call: await p.call(request.fn, request.args) };
      }
      case 'close':
        return { output: await closeOne(request.key) };
      case 'closeAll':
        await Promise.all([...processes.keys()].map(closeOne));
        return {};
    }
  };
  data.port.on('message', ({ id, request }: { id: number; request: BridgeRequest }) => {
    handle(request).then(
      (response) => answer({ id, ...response }),
      (error: unknown) =>
        answer({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
}

if (!isMainThread && (workerData as Partial<BridgeData> | null)?.learnerBridge) serve(workerData as BridgeData);
