/**
 * Similarity helpers for embeddings: L2 normalisation, cosine similarity, the similarity matrix between two
 * sets of embeddings, a temperature-scaled softmax and top-k. Pure TypeScript on typed arrays: they work
 * before (and without) `initBackend()`. `similarityMatrix` hands its product to lib/embeddings/matmul.ts, which
 * runs large products on onnxruntime-node's sgemm (no TensorFlow.js involved).
 *
 * @example
 *   import { similarityMatrix, softmax, topK } from './lib/embeddings/index';
 *   const sims = similarityMatrix([[1, 0], [0, 1]], [[1, 1], [2, 0], [0, -3]]); // 2×3: [0.7071, 1, 0, 0.7071, 0, -1]
 *   const probs = softmax(sims.data.subarray(0, 3), 100);   // Float32Array [1.9e-13, 1, 3.8e-44]
 *   topK(probs, 1);                                         // [ { index: 1, score: 1 } ]
 */
import { multiplyByTranspose } from './matmul';
import { CourseError } from '../course/errors';

/** A row-major matrix of float32 values: element (r, c) is `data[r * cols + c]`. */
export type Matrix = { rows: number; cols: number; data: Float32Array };

/** A `Matrix`, or rows given as arrays (`number[][]`, `Float32Array[]`, ...), all of the same length. */
export type MatrixLike = Matrix | ArrayLike<number>[];

/** Which rule an input broke; `EmbeddingError.reason` carries it for code that branches on the cause. */
export type EmbeddingErrorReason =
  'dimension-mismatch' | 'empty' | 'zero-norm' | 'not-finite' | 'k-out-of-range' | 'bad-shape';

/**
 * Raised for bad input to the similarity helpers. The message names the argument, the cause and the fix;
 * `reason` says which rule was broken.
 *
 * @example
 *   try { cosineSimilarity([1, 0], [1, 0, 0]); } catch (e) { (e as EmbeddingError).reason; } // 'dimension-mismatch'
 */
export class EmbeddingError extends CourseError {
  override name = 'EmbeddingError';
  constructor(
    readonly reason: EmbeddingErrorReason,
    message: string,
  ) {
    super(message);
  }
}

function isMatrix(m: unknown): m is Matrix {
  return typeof m === 'object' && m !== null && !Array.isArray(m) && 'data' in m && 'rows' in m && 'cols' in m;
}

/** Realm-independent check (a Float32Array from another vm context fails `instanceof`). */
function isFloat32Array(v: unknown): v is Float32Array {
  return Object.prototype.toString.call(v) === '[object Float32Array]';
}

function shapeOf(m: MatrixLike): string {
  if (isMatrix(m)) return `${m.rows}×${m.cols}`;
  return `${m.length}×${m.length ? m[0].length : 0}`;
}

/**
 * Converts a `MatrixLike` into a `Matrix`, checking it: at least one row and one column, rows of equal length,
 * finite values. A `Matrix` whose values are already checked is returned as is (no copy).
 *
 * @example
 *   toMatrix([[1, 2], [3, 4]]); // { rows: 2, cols: 2, data: Float32Array [1, 2, 3, 4] }
 */
export function toMatrix(m: MatrixLike, argName = 'matrix'): Matrix {
  let out: Matrix;
  if (isMatrix(m)) {
    const { rows, cols, data } = m;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || !isFloat32Array(data)) {
      throw new EmbeddingError(
        'bad-shape',
        `${argName}: a Matrix needs integer rows and cols and a Float32Array data (got rows=${rows}, cols=${cols}). Build it as { rows, cols, data: new Float32Array(rows * cols) }.`,
      );
    }
    if (data.length !== rows * cols) {
      throw new EmbeddingError(
        'bad-shape',
        `${argName}: a ${rows}×${cols} Matrix needs ${rows * cols} values, but its data holds ${data.length}. Fix rows/cols or the data length.`,
      );
    }
    out = m;
  } else {
    if (!Array.isArray(m)) {
      throw new EmbeddingError(
        'bad-shape',
        `${argName}: expected a Matrix { rows, cols, data } or an array of rows, got ${typeof m}. Wrap a single vector as [vector].`,
      );
    }
    const rows = m.length;
    const cols = rows ? m[0].length : 0;
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      const row = m[r];
      if (!row || typeof row.length !== 'number') {
        throw new EmbeddingError(
          'bad-shape',
          `${argName}: row ${r} is not an array of numbers. Pass every row as an array or typed array.`,
        );
      }
      if (row.length !== cols) {
        throw new EmbeddingError(
          'dimension-mismatch',
          `${argName}: row ${r} has ${row.length} values but row 0 has ${cols}; every row must have the same length. Check how the embeddings were built.`,
        );
      }
      for (let c = 0; c < cols; c++) {
        const v = row[c];
        if (Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) {
          throw new EmbeddingError(
            'not-finite',
            `${argName} holds ${v} at row ${r}, column ${c}, beyond float32's range (±3.4e38) in which a Matrix is stored. Divide the rows by a constant first (l2Normalize and similarityMatrix rescale rows themselves).`,
          );
        }
        data[r * cols + c] = v;
      }
    }
    out = { rows, cols, data };
  }
  if (out.rows === 0 || out.cols === 0) {
    throw new EmbeddingError(
      'empty',
      `${argName} is empty (${out.rows}×${out.cols}); it needs at least one row of at least one value. Check that the embeddings were computed.`,
    );
  }
  checkFinite(out.data, argName, out.cols);
  return out;
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Rows given as arrays, with each row whose values float32 cannot hold well (any beyond ±1e30, or all below 1e-30
 * in size) divided by its largest |value| (in float64): the direction, all that normalising keeps, is unchanged.
 * Other rows, and Matrices (already float32), are passed through untouched; bad values are left for toMatrix to report.
 */
function rescaledRows(m: MatrixLike): MatrixLike {
  if (isMatrix(m) || !Array.isArray(m)) return m;
  let out: ArrayLike<number>[] | undefined;
  for (let r = 0; r < m.length; r++) {
    const row = m[r];
    if (!row || typeof row.length !== 'number') return m;
    let maxAbs = 0;
    for (let c = 0; c < row.length; c++) maxAbs = Math.max(maxAbs, Math.abs(row[c]));
    if (Number.isFinite(maxAbs) && (maxAbs > 1e30 || (maxAbs > 0 && maxAbs < 1e-30))) {
      out ??= m.slice();
      out[r] = Array.from(row, (v) => v / maxAbs);
    }
  }
  return out ?? m;
}

function checkFinite(data: ArrayLike<number>, argName: string, cols?: number): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      const where = cols ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new EmbeddingError(
        'not-finite',
        `${argName} holds ${v} at ${where}; similarities need finite numbers. Look for a division by zero or an overflow upstream.`,
      );
    }
  }
}

function checkVector(v: ArrayLike<number>, argName: string): void {
  if (v == null || typeof v.length !== 'number') {
    throw new EmbeddingError(
      'bad-shape',
      `${argName} is not an array of numbers (got ${v === null ? 'null' : typeof v}). Pass an array or typed array.`,
    );
  }
  if (v.length === 0) {
    throw new EmbeddingError(
      'empty',
      `${argName} is empty; it needs at least one value. Check that the embedding was computed.`,
    );
  }
  checkFinite(v, argName);
}

/**
 * Divides every row by its Euclidean length, so each row has norm 1. Returns a new Matrix.
 * A row of zeros has no direction: it raises `EmbeddingError` naming the row.
 *
 * @example
 *   l2Normalize([[3, 4], [0, 2]]); // { rows: 2, cols: 2, data: Float32Array [0.6, 0.8, 0, 1] }
 */
export function l2Normalize(m: MatrixLike, argName = 'matrix'): Matrix {
  const { rows, cols, data } = toMatrix(rescaledRows(m), argName);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sumSquares = 0;
    for (let c = 0; c < cols; c++) sumSquares += data[o + c] * data[o + c];
    const norm = Math.sqrt(sumSquares);
    if (norm === 0) {
      throw new EmbeddingError(
        'zero-norm',
        `${argName}: row ${r} is all zeros (norm 0), so it has no direction to compare. Drop that row or check why its embedding is zero.`,
      );
    }
    for (let c = 0; c < cols; c++) out[o + c] = data[o + c] / norm;
  }
  return { rows, cols, data: out };
}

/**
 * Cosine of the angle between two vectors: dot(a, b) / (|a| |b|), in [-1, 1]. Computed in float64.
 *
 * @example
 *   cosineSimilarity([1, 0], [1, 1]); // 0.7071067811865475
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkVector(a, 'a');
  checkVector(b, 'b');
  if (a.length !== b.length) {
    throw new EmbeddingError(
      'dimension-mismatch',
      `cosineSimilarity: a has ${a.length} values and b has ${b.length}; both must have the same dimension. Compare embeddings from the same model (or projection).`,
    );
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (!(Number.isFinite(dot) && na > 1e-280 && nb > 1e-280 && na < Infinity && nb < Infinity)) {
    // Squares overflowed (entries beyond ~1e154) or underflowed (below ~1e-140): scale each side by its largest
    // |value| first (the cosine does not change), and only then square.
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < a.length; i++) {
      ma = Math.max(ma, Math.abs(a[i]));
      mb = Math.max(mb, Math.abs(b[i]));
    }
    dot = na = nb = 0;
    for (let i = 0; i < a.length && ma > 0 && mb > 0; i++) {
      const x = a[i] / ma;
      const y = b[i] / mb;
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
  }
  if (na === 0 || nb === 0) {
    throw new EmbeddingError(
      'zero-norm',
      `cosineSimilarity: ${na === 0 ? 'a' : 'b'} is all zeros (norm 0), so the angle is undefined. Check why that embedding is zero.`,
    );
  }
  const cos = dot / (Math.sqrt(na) * Math.sqrt(nb));
  return Math.max(-1, Math.min(1, cos));
}

/**
 * Cosine similarity of every row of `a` with every row of `b`: an `a.rows × b.rows` Matrix whose entry (i, j)
 * is cos(a_i, b_j). Both sides are L2-normalised, then multiplied (a · bᵀ) by lib/embeddings/matmul.ts:
 * onnxruntime-node's sgemm from `ENGINE_MIN_WORK` multiply-adds, a cache-blocked plain-JS kernel below.
 *
 * @example
 *   similarityMatrix([[1, 0], [0, 1]], [[1, 1], [2, 0], [0, -3]]);
 *   // { rows: 2, cols: 3, data: Float32Array [0.7071, 1, 0, 0.7071, 0, -1] }
 */
export function similarityMatrix(a: MatrixLike, b: MatrixLike): Matrix {
  const A0 = toMatrix(rescaledRows(a), 'a');
  const B0 = toMatrix(rescaledRows(b), 'b');
  if (A0.cols !== B0.cols) {
    throw new EmbeddingError(
      'dimension-mismatch',
      `similarityMatrix: a is ${shapeOf(A0)} and b is ${shapeOf(B0)}; their rows must have the same length (embedding dimension). Project both into the same space first.`,
    );
  }
  const A = l2Normalize(A0, 'a');
  const B = l2Normalize(B0, 'b');
  // The product runs on lib/embeddings/matmul.ts's engine: onnxruntime's sgemm for large products, plain JS below.
  return { rows: A.rows, cols: B.rows, data: multiplyByTranspose(A.data, A.rows, B.data, B.rows, A.cols) };
}

/**
 * Softmax of `logitScale · logits`: exp(s·x_i − max) / Σ exp(s·x_j − max) with s = logitScale. Subtracting the
 * maximum keeps it stable for logits of any magnitude (1e4 included); where s · x itself overflows (1e308, 1e200)
 * the best logit is subtracted before scaling, so any finite input gives finite probabilities that sum to 1.
 * CLIP uses logitScale = 100 (its learned logit scale) on cosines. The scale is not clamped here: a model's own scale
 * is used as it is (CLIP's training already caps it at 100).
 *
 * @example
 *   softmax([0.25, 0.3], 100); // Float32Array [0.00669, 0.99331]
 *   softmax([1, 2], 1e308);    // Float32Array [0, 1]
 */
export function softmax(logits: ArrayLike<number>, logitScale = 1): Float32Array {
  checkVector(logits, 'logits');
  if (!Number.isFinite(logitScale)) {
    throw new EmbeddingError(
      'not-finite',
      `softmax: logitScale is ${logitScale}; it must be a finite number (CLIP uses 100). Pass a finite logitScale.`,
    );
  }
  let max = -Infinity;
  let overflow = false;
  for (let i = 0; i < logits.length; i++) {
    const v = logitScale * logits[i];
    if (!Number.isFinite(v)) overflow = true;
    max = Math.max(max, v);
  }
  const exps = new Float64Array(logits.length);
  let sum = 0;
  if (!overflow) {
    for (let i = 0; i < logits.length; i++) {
      exps[i] = Math.exp(logitScale * logits[i] - max);
      sum += exps[i];
    }
  } else {
    // logitScale · x overflowed (e.g. logitScale 1e308): subtract the extreme logit before scaling, so that every exponent
    // is logitScale · (x_i − x_best) ≤ 0, which may be −Infinity (exp gives 0) but never NaN.
    let best = logits[0];
    for (let i = 1; i < logits.length; i++)
      best = logitScale > 0 ? Math.max(best, logits[i]) : Math.min(best, logits[i]);
    for (let i = 0; i < logits.length; i++) {
      const d = logits[i] - best;
      exps[i] = d === 0 ? 1 : Math.exp(logitScale * d);
      sum += exps[i];
    }
  }
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = exps[i] / sum;
  return out;
}

/**
 * The k highest scores with their indices, best first (ties keep the lower index first).
 *
 * @example
 *   topK([0.1, 0.7, 0.2], 2); // [ { index: 1, score: 0.7 }, { index: 2, score: 0.2 } ]
 */
export function topK(scores: ArrayLike<number>, k: number): { index: number; score: number }[] {
  checkVector(scores, 'scores');
  if (!Number.isInteger(k) || k < 1 || k > scores.length) {
    throw new EmbeddingError(
      'k-out-of-range',
      `topK: k = ${k} is out of range for ${scores.length} scores; k must be an integer from 1 to ${scores.length}. Lower k or pass more scores.`,
    );
  }
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((x, y) => scores[y] - scores[x] || x - y);
  return order.slice(0, k).map((index) => ({ index, score: scores[index] }));
}
