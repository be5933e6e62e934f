/**
 * The compute kernel behind every product of embeddings in lib/ (similarityMatrix, zero-shot, retrieval, the
 * pitfalls' probes): out = A · Bᵀ for row-major A (n × d) and B (m × d), as float32.
 *
 * Two engines, picked per call by the size of the product:
 *  - 'onnxruntime': onnxruntime-node (installed with @huggingface/transformers) running a one-node ONNX model,
 *    Gemm(a, b, transB = 1), built in memory once by lib/mini-clip/onnx.ts's writer. Its input dims are symbolic, so
 *    one cached session serves every shape; it runs synchronously on the calling thread (the native binding's
 *    `run`, without the Promise wrapper), one intra-op thread: MLAS's packed AVX2/FMA sgemm, about 45–55 GFLOP per
 *    CPU-second here, against 3–4 for the best plain-JS loops and 25–30 for TensorFlow.js wasm's XNNPACK.
 *  - 'js': a cache-blocked plain TypeScript kernel (4 rows of A × 2 rows of B at a time, float64 sums). Below
 *    `ENGINE_MIN_WORK` multiply-adds it is faster than the engine's fixed cost per call (measured by
 *    `npm run bench -- similarity`, which prints the crossover), and it is the fallback where onnxruntime-node cannot
 *    load.
 *
 * `MATMUL_ENGINE=js` (or `onnxruntime`) in the environment forces one engine for every size.
 *
 * @example
 *   import { multiplyByTranspose, matmulEngine } from './lib/embeddings/matmul';
 *   multiplyByTranspose(new Float32Array([1, 2]), 1, new Float32Array([1, 1, 3, 0]), 2, 2); // Float32Array [3, 3]
 *   matmulEngine().name; // 'onnxruntime' (or 'js' where onnxruntime-node is missing)
 */
import { CourseError } from '../course/errors';
import { ENV } from '../course/paths';
import { OnnxGraph } from '../mini-clip/onnx';

/** Raised for operands whose sizes do not match their declared shapes (a bug in the caller). */
export class MatmulError extends CourseError {
  override name = 'MatmulError';
}

export type MatmulEngineName = 'onnxruntime' | 'js';

/**
 * Products with at least this many multiply-adds (n·m·d) go to onnxruntime; smaller ones stay in JS. Measured on
 * the course machine (bench/similarity.bench.ts prints the crossover it finds): the engine's fixed cost per call
 * (session run, tensor wrapping) is 40–60 µs, which the JS kernel spends on 12,000–25,000 multiply-adds
 * (1 × 24 × 512 already runs faster on the engine; 8 × 24 × 64 does not).
 */
export const ENGINE_MIN_WORK = 1 << 14;

/** The native session's synchronous face (onnxruntime-node's binding), as far as it is used here. */
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(
    feeds: Record<string, NativeTensor>,
    fetches: Record<string, null>,
    options: object,
  ): Record<string, { data: ArrayLike<number>; dims: readonly number[] }>;
  dispose(): void;
}
interface NativeTensor {
  location: 'cpu';
  type: 'float32';
  dims: number[];
  data: Float32Array;
}

let session: NativeSession | null | undefined;
let unavailableReason = '';

/** The Gemm model: y[n, m] = a[n, d] · b[m, d]ᵀ, with symbolic n, m, d (one session for every shape). */
function gemmModelBytes(): Uint8Array {
  const g = new OnnxGraph('course_matmul_abt');
  g.input('a', 'float', ['n', 'd']);
  g.input('b', 'float', ['m', 'd']);
  g.output(g.op('Gemm', ['a', 'b'], { transB: 1 }), 'float', ['n', 'm'], 'y');
  return g.toModelBytes({ opset: 17, producer: 'vlm-course-ts matmul' });
}

/** The cached onnxruntime session, created on first use; null when onnxruntime-node cannot load here. */
function ortSession(): NativeSession | null {
  if (session !== undefined) return session;
  try {
    const { binding, initOrt } = require('onnxruntime-node/dist/binding') as {
      binding: { InferenceSession: new () => NativeSession };
      initOrt: () => void;
    };
    initOrt();
    const s = new binding.InferenceSession();
    const bytes = gemmModelBytes();
    s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    session = s;
  } catch (e) {
    unavailableReason = (e as Error).message;
    session = null;
  }
  return session;
}

function forcedEngine(): MatmulEngineName | undefined {
  const v = typeof process !== 'undefined' ? process.env[ENV.matmulEngine] : undefined;
  return v === 'js' || v === 'onnxruntime' ? v : undefined;
}

/**
 * The engine large products use here, and why.
 *
 * @example
 *   matmulEngine(); // { name: 'onnxruntime', detail: 'onnxruntime-node Gemm (MLAS), 1 thread, from 16384 multiply-adds' }
 */
export function matmulEngine(): { name: MatmulEngineName; detail: string } {
  const forced = forcedEngine();
  if (forced === 'js') return { name: 'js', detail: 'plain JS kernel (MATMUL_ENGINE=js)' };
  if (ortSession())
    return {
      name: 'onnxruntime',
      detail: `onnxruntime-node Gemm (MLAS), 1 thread, from ${forced ? 1 : ENGINE_MIN_WORK} multiply-adds`,
    };
  return { name: 'js', detail: `plain JS kernel (onnxruntime-node unavailable: ${unavailableReason})` };
}

/** Options of `multiplyByTranspose`. */
export interface MultiplyOptions {
  /** 'auto' (default): onnxruntime from `ENGINE_MIN_WORK` multiply-adds, JS below; or force one engine. */
  engine?: 'auto' | MatmulEngineName;
}

/**
 * out = A · Bᵀ (n × m, row-major) for row-major A (n × d) and B (m × d), on the engine `options.engine` picks.
 * Both engines agree within float32 rounding (the JS kernel sums in float64, MLAS in float32 with FMA).
 *
 * @example
 *   multiplyByTranspose(new Float32Array([1, 0, 0, 1]), 2, new Float32Array([1, 1]), 1, 2); // Float32Array [1, 1]
 */
export function multiplyByTranspose(
  A: Float32Array,
  n: number,
  B: Float32Array,
  m: number,
  d: number,
  options: MultiplyOptions = {},
): Float32Array {
  if (A.length !== n * d || B.length !== m * d) {
    throw new MatmulError(
      `multiplyByTranspose: A holds ${A.length} values for ${n}×${d} and B ${B.length} for ${m}×${d}; the sizes must match.`,
    );
  }
  const engine = options.engine ?? forcedEngine() ?? 'auto';
  const useOrt = engine === 'onnxruntime' || (engine === 'auto' && n * m * d >= ENGINE_MIN_WORK);
  if (useOrt && n > 0 && m > 0 && d > 0) {
    const s = ortSession();
    if (s) return runOrt(s, A, n, B, m, d);
  }
  return multiplyByTransposeJs(A, n, B, m, d);
}

function runOrt(s: NativeSession, A: Float32Array, n: number, B: Float32Array, m: number, d: number): Float32Array {
  const { y } = s.run(
    {
      a: { location: 'cpu', type: 'float32', dims: [n, d], data: A },
      b: { location: 'cpu', type: 'float32', dims: [m, d], data: B },
    },
    { y: null },
    {},
  );
  const data = y.data as Float32Array;
  // A view in this realm over the engine's buffer (no copy): under jest the engine's arrays come from the host realm.
  return new Float32Array(data.buffer as ArrayBuffer, data.byteOffset, n * m);
}

/**
 * The plain-JS kernel: each entry is a dot product of two contiguous rows, 4 rows of A × 2 rows of B per sweep,
 * B in blocks sized to stay in cache while every row of A passes over them.
 */
export function multiplyByTransposeJs(A: Float32Array, n: number, B: Float32Array, m: number, d: number): Float32Array {
  const out = new Float32Array(n * m);
  const bBlock = Math.max(2, Math.min(m, Math.floor(16384 / Math.max(1, d)) * 2));
  for (let j0 = 0; j0 < m; j0 += bBlock) {
    const j1 = Math.min(m, j0 + bBlock);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a0 = i * d,
        a1 = a0 + d,
        a2 = a1 + d,
        a3 = a2 + d;
      let j = j0;
      for (; j + 2 <= j1; j += 2) {
        const b0 = j * d,
          b1 = b0 + d;
        let s00 = 0,
          s01 = 0,
          s10 = 0,
          s11 = 0,
          s20 = 0,
          s21 = 0,
          s30 = 0,
          s31 = 0;
        for (let k = 0; k < d; k++) {
          const y0 = B[b0 + k],
            y1 = B[b1 + k];
          let x = A[a0 + k];
          s00 += x * y0;
          s01 += x * y1;
          x = A[a1 + k];
          s10 += x * y0;
          s11 += x * y1;
          x = A[a2 + k];
          s20 += x * y0;
          s21 += x * y1;
          x = A[a3 + k];
          s30 += x * y0;
          s31 += x * y1;
        }
        const o = i * m + j;
        out[o] = s00;
        out[o + 1] = s01;
        out[o + m] = s10;
        out[o + m + 1] = s11;
        out[o + 2 * m] = s20;
        out[o + 2 * m + 1] = s21;
        out[o + 3 * m] = s30;
        out[o + 3 * m + 1] = s31;
      }
      for (; j < j1; j++) {
        for (let r = 0; r < 4; r++) out[(i + r) * m + j] = dot(A, (i + r) * d, B, j * d, d);
      }
    }
    for (; i < n; i++) {
      for (let j = j0; j < j1; j++) out[i * m + j] = dot(A, i * d, B, j * d, d);
    }
  }
  return out;
}

function dot(A: Float32Array, ao: number, B: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += A[ao + k] * B[bo + k];
  return s;
}
