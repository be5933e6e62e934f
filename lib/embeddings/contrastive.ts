/**
 * CLIP's symmetric contrastive loss (InfoNCE in both directions), written from primitives.
 *
 * For a batch of N matching (image, text) pairs with embeddings I and T ([N, D] each):
 *
 *   Î = I / ‖I‖ (row-wise),  T̂ = T / ‖T‖,  s = exp(min(logitScale, ln 100)),  L = s · Î T̂ᵀ   ([N, N])
 *   loss_images = mean_i ( logsumexp_j L[i, j] − L[i, i] )     (each image must pick its own caption)
 *   loss_texts  = mean_j ( logsumexp_i L[i, j] − L[j, j] )     (each caption must pick its own image)
 *   loss = (loss_images + loss_texts) / 2
 *
 * `logitScale` is the LOG of the scale, as CLIP's learnable parameter: it starts at ln(1/0.07) ≈ 2.659 and the
 * scale is capped at 100 (the cap has zero gradient, exactly like CLIP's clamp).
 *
 * `clipLoss` is the TensorFlow.js version (differentiable in all three inputs, for training);
 * `clipLossReference` is the same arithmetic in plain TypeScript, for reading and for checking.
 */
import { tf } from '../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';

import type { Matrix, MatrixLike } from './similarity';
import { CourseError } from '../course/errors';
import { matMulByTranspose } from './xnnpack';

/** lib/embeddings/similarity.ts's matrix types, re-exported: a dense row-major `Matrix`, or rows given as arrays. */
export type { Matrix, MatrixLike };

/** CLIP's initial log scale, ln(1 / 0.07) ≈ 2.6593. */
export const CLIP_LOGIT_SCALE_INIT = Math.log(1 / 0.07);
/** CLIP caps the scale at 100, i.e. the log scale at ln(100) ≈ 4.6052. */
export const CLIP_LOGIT_SCALE_MAX = Math.log(100);
/** Row norms are floored at this value before dividing (as `torch.nn.functional.normalize`); rows with a smaller norm are rescaled first (see `l2NormalizeRows`). */
export const NORM_EPSILON = 1e-12;

/** Raised for inputs the contrastive loss cannot use; the message names the input, the cause and the fix. */
export class ContrastiveInputError extends CourseError {}

type Embeddings = tfTypes.Tensor2D | MatrixLike;

function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'rows' in x && 'cols' in x && 'data' in x;
}

function isTensor(x: unknown): x is tfTypes.Tensor {
  return x instanceof tf.Tensor;
}

/** Rows of a MatrixLike as plain arrays of numbers, with its shape; throws ContrastiveInputError when ragged. */
function rowsOf(x: MatrixLike, name: string): { rows: number; cols: number; at: (i: number, j: number) => number } {
  if (isMatrix(x)) {
    if (x.data.length !== x.rows * x.cols) {
      throw new ContrastiveInputError(
        `${name}: a Matrix of ${x.rows}×${x.cols} needs ${x.rows * x.cols} values but its data has ${x.data.length}; fix rows/cols or the data.`,
      );
    }
    return { rows: x.rows, cols: x.cols, at: (i, j) => x.data[i * x.cols + j] };
  }
  if (!Array.isArray(x)) {
    throw new ContrastiveInputError(
      `${name}: expected a tf.Tensor2D, a Matrix {rows, cols, data} or an array of rows, got ${typeof x}.`,
    );
  }
  const rows = x.length;
  const cols = rows > 0 ? x[0].length : 0;
  for (let i = 0; i < rows; i++) {
    if (x[i].length !== cols) {
      throw new ContrastiveInputError(
        `${name}: row ${i} has ${x[i].length} values but row 0 has ${cols}; every embedding must have the same dimension.`,
      );
    }
  }
  return { rows, cols, at: (i, j) => x[i][j] };
}

function shapeOf(x: Embeddings, name: string): [number, number] {
  if (isTensor(x)) {
    if (x.rank !== 2)
      throw new ContrastiveInputError(
        `${name}: expected a 2-D tensor [N, D], got shape [${x.shape.join(', ')}]; reshape it to [N, D].`,
      );
    return [x.shape[0], x.shape[1]];
  }
  const r = rowsOf(x, name);
  return [r.rows, r.cols];
}

function checkPair(image: Embeddings, text: Embeddings): void {
  const [ni, di] = shapeOf(image, 'image');
  const [nt, dt] = shapeOf(text, 'text');
  if (ni !== nt || di !== dt) {
    throw new ContrastiveInputError(
      `image and text shapes differ: image is [${ni}, ${di}], text is [${nt}, ${dt}]; the loss needs N matching pairs of D-dimensional embeddings (project both to the same D, one caption per image).`,
    );
  }
  if (ni === 0)
    throw new ContrastiveInputError(
      'image and text are empty (N = 0): the loss is a mean over pairs, so pass at least one (image, text) pair.',
    );
  if (di === 0)
    throw new ContrastiveInputError('image and text have dimension D = 0: embeddings need at least one component.');
}

function checkFinite(x: Embeddings, name: string): void {
  if (isTensor(x)) {
    const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(x))).dataSync()[0]);
    if (bad)
      throw new ContrastiveInputError(
        `${name} contains NaN or ±Infinity; check the encoder that produced it (a NaN loss upstream, a division by zero).`,
      );
    return;
  }
  const r = rowsOf(x, name);
  for (let i = 0; i < r.rows; i++) {
    for (let j = 0; j < r.cols; j++) {
      if (!Number.isFinite(r.at(i, j))) {
        throw new ContrastiveInputError(
          `${name}[${i}][${j}] is ${r.at(i, j)}; embeddings must be finite numbers (check the encoder that produced them).`,
        );
      }
    }
  }
}

function checkScale(logitScale: tfTypes.Scalar | number): void {
  if (isTensor(logitScale)) {
    if (logitScale.size !== 1)
      throw new ContrastiveInputError(
        `logitScale must be a scalar (the log of the scale), got shape [${logitScale.shape.join(', ')}].`,
      );
    const v = logitScale.dataSync()[0];
    if (!Number.isFinite(v))
      throw new ContrastiveInputError(
        `logitScale is ${v}; it is the log of the scale, e.g. ln(1/0.07) ≈ 2.659 (CLIP's initial value).`,
      );
    return;
  }
  if (typeof logitScale !== 'number' || !Number.isFinite(logitScale)) {
    throw new ContrastiveInputError(
      `logitScale is ${String(logitScale)}; pass a finite number or tf.Scalar: the log of the scale, e.g. ln(1/0.07) ≈ 2.659.`,
    );
  }
}

function toTensor(x: Embeddings): tfTypes.Tensor2D {
  if (isTensor(x)) return x;
  const r = rowsOf(x, 'embeddings');
  if (isMatrix(x)) return tf.tensor2d(x.data, [x.rows, x.cols]);
  const flat = new Float32Array(r.rows * r.cols);
  for (let i = 0; i < r.rows; i++) {
    // A row float32 cannot hold well (beyond ±1e30, or all below 1e-30) is divided by its largest |value| in
    // float64 first: the loss only sees the row's direction, which this keeps.
    let maxAbs = 0;
    for (let j = 0; j < r.cols; j++) maxAbs = Math.max(maxAbs, Math.abs(r.at(i, j)));
    const divisor = maxAbs > 1e30 || (maxAbs > 0 && maxAbs < 1e-30) ? maxAbs : 1;
    for (let j = 0; j < r.cols; j++) flat[i * r.cols + j] = r.at(i, j) / divisor;
  }
  return tf.tensor2d(flat, [r.rows, r.cols]);
}

/**
 * Row-wise L2 normalization: every non-zero row becomes a unit row (CLIP's x / ‖x‖); a zero row stays zero.
 * Rows with a usable norm (finite, above 1e-12) are computed as x / max(‖x‖, 1e-12), as torch's `normalize`;
 * rows whose squares overflow float32 (entries beyond ~1.8e19) or whose norm is tiny are first scaled by their
 * largest |value| (the direction is kept) and then normalised, so the result is finite for any finite input.
 * Gradients flow through both (the second contributes exact zeros where the first is used).
 */
export function l2NormalizeRows(x: tfTypes.Tensor2D): tfTypes.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(x), 1, true));
    const plain = tf.div(x, tf.maximum(norm, NORM_EPSILON));
    // 1 where the norm is usable (1e-12 < norm < float32's max), else 0. Built with step() rather than comparisons
    // so that gradients pass (step's gradient is zero), and mixed arithmetically: plain · 1 + rescued · 0 is plain exactly.
    const usable = tf.mul(tf.step(tf.sub(norm, NORM_EPSILON)), tf.step(tf.sub(3.4e38, norm)));
    const scaled = tf.div(x, tf.maximum(tf.max(tf.abs(x), 1, true), 1e-37));
    const rescued = tf.div(scaled, tf.sqrt(tf.maximum(tf.sum(tf.square(scaled), 1, true), 1e-30)));
    return tf.add(tf.mul(plain, usable), tf.mul(rescued, tf.sub(1, usable))) as tfTypes.Tensor2D;
  });
}

/**
 * A number log scale clamped (in float64) to [−1e4, ln 100] before it becomes a float32 tensor, so that 1e308
 * does not turn into Infinity on the way (the clamp at ln 100 is CLIP's; below −1e4 exp() is 0 either way).
 * A tf.Scalar is passed through (the clamp at ln 100 follows in the graph, differentiably).
 */
function clampedScale(logitScale: tfTypes.Scalar | number): tfTypes.Scalar | number {
  return typeof logitScale === 'number' ? Math.max(-1e4, Math.min(logitScale, CLIP_LOGIT_SCALE_MAX)) : logitScale;
}

/** Options of `clipLoss`. */
export interface ClipLossOptions {
  /** Check shapes, emptiness and NaN up front (default true). Training loops may turn it off to skip a read-back per step. */
  validate?: boolean;
}

/**
 * The N×N logits CLIP's loss works on: exp(min(logitScale, ln 100)) · Î T̂ᵀ (row i: image i against every text).
 *
 * @example
 *   clipLogits(tf.tensor2d([[1, 0], [0, 1]]), tf.tensor2d([[1, 0], [0, 1]]), Math.log(10)).arraySync();
 *   // [[10, 0], [0, 10]]
 */
export function clipLogits(
  image: tfTypes.Tensor2D,
  text: tfTypes.Tensor2D,
  logitScale: tfTypes.Scalar | number,
): tfTypes.Tensor2D {
  const [, di] = shapeOf(image, 'image');
  const [, dt] = shapeOf(text, 'text');
  if (di !== dt) {
    throw new ContrastiveInputError(
      `clipLogits: image rows have ${di} values and text rows ${dt} (shapes [${(image as tfTypes.Tensor).shape?.join(', ')}] and [${(text as tfTypes.Tensor).shape?.join(', ')}]); both must be embeddings of the same dimension D. Project both to the same D first.`,
    );
  }
  if (typeof logitScale === 'number') checkScale(logitScale); // a tf.Scalar is not read back here (training loops)
  return tf.tidy(() => {
    const scale = tf.exp(tf.minimum(clampedScale(logitScale), CLIP_LOGIT_SCALE_MAX));
    const cosines = matMulByTranspose(l2NormalizeRows(image), l2NormalizeRows(text));
    return tf.mul(scale, cosines) as tfTypes.Tensor2D;
  });
}

/**
 * CLIP's symmetric contrastive loss, as a TensorFlow.js scalar (differentiable in image, text and logitScale).
 *
 * @param image [N, D] image embeddings (tf.Tensor2D, a Matrix, or rows); normalized inside.
 * @param text  [N, D] text embeddings; row i is the caption of image i.
 * @param logitScale the LOG of the scale (CLIP's learnable parameter; the scale is capped at 100).
 *
 * @example
 *   clipLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], Math.log(100)).dataSync()[0];   // ≈ 3.7e-44 → 0: perfect pairs
 *   clipLoss([[1, 0], [1, 0]], [[1, 0], [1, 0]], 0).dataSync()[0];               // 0.6931 = ln 2: nothing to tell apart
 */
export function clipLoss(
  image: Embeddings,
  text: Embeddings,
  logitScale: tfTypes.Scalar | number,
  options: ClipLossOptions = {},
): tfTypes.Scalar {
  if (options.validate !== false) {
    checkPair(image, text);
    checkFinite(image, 'image');
    checkFinite(text, 'text');
    checkScale(logitScale);
  }
  return tf.tidy(() => {
    const imageT = toTensor(image);
    const textT = toTensor(text);
    const scale = tf.exp(tf.minimum(clampedScale(logitScale), CLIP_LOGIT_SCALE_MAX));
    const imageN = l2NormalizeRows(imageT);
    const textN = l2NormalizeRows(textT);
    // Î T̂ᵀ with T̂ transposed first: the product and its gradients take tfjs-wasm's XNNPACK path (./xnnpack.ts).
    const logits = tf.mul(scale, matMulByTranspose(imageN, textN));
    // The diagonal L[i, i] = s · <Î_i, T̂_i>: the logit of the correct pair, for rows and columns alike.
    const diagonal = tf.mul(scale, tf.sum(tf.mul(imageN, textN), 1));
    const lossImages = tf.mean(tf.sub(tf.logSumExp(logits, 1), diagonal));
    const lossTexts = tf.mean(tf.sub(tf.logSumExp(logits, 0), diagonal));
    return tf.div(tf.add(lossImages, lossTexts), 2) as tfTypes.Scalar;
  });
}

/**
 * The same loss in plain TypeScript (float64, no TensorFlow): short enough to read in a notebook cell.
 *
 * @example
 *   clipLossReference([[1, 0], [0, 1]], [[1, 0], [0, 1]], Math.log(100));   // ≈ 3.7e-44
 *   clipLossReference([[1, 0], [1, 0]], [[1, 0], [1, 0]], 0);                // 0.6931 (ln 2)
 */
export function clipLossReference(image: MatrixLike, text: MatrixLike, logitScale: number): number {
  checkPair(image, text);
  checkFinite(image, 'image');
  checkFinite(text, 'text');
  checkScale(logitScale);
  const I = normalizedRows(rowsOf(image, 'image'));
  const T = normalizedRows(rowsOf(text, 'text'));
  const scale = Math.exp(Math.min(logitScale, CLIP_LOGIT_SCALE_MAX)); // CLIP's clamp: at most 100, also for 1e308
  const n = I.length;
  // logits[i][j] = scale · cos(image i, text j)
  const logits = I.map((imageRow) => T.map((textRow) => scale * dot(imageRow, textRow)));
  let lossImages = 0;
  let lossTexts = 0;
  for (let k = 0; k < n; k++) {
    lossImages += logSumExp(logits[k]) - logits[k][k]; // row k: image k against all texts
    lossTexts += logSumExp(logits.map((row) => row[k])) - logits[k][k]; // column k: text k against all images
  }
  return (lossImages / n + lossTexts / n) / 2;
}

/** Unit rows (a zero row stays zero); a row whose squares overflow or whose norm is tiny is scaled by its largest |value| first. */
function normalizedRows(r: { rows: number; cols: number; at: (i: number, j: number) => number }): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < r.rows; i++) {
    let row = Array.from({ length: r.cols }, (_, j) => r.at(i, j));
    let norm = Math.sqrt(dot(row, row));
    if (!(Number.isFinite(norm) && norm >= NORM_EPSILON)) {
      const maxAbs = Math.max(...row.map(Math.abs));
      if (maxAbs > 0) row = row.map((v) => v / maxAbs);
      norm = Math.sqrt(dot(row, row));
    }
    norm = Math.max(norm, NORM_EPSILON);
    out.push(row.map((v) => v / norm));
  }
  return out;
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** log Σ exp(v), computed stably by subtracting the maximum first. */
function logSumExp(v: number[]): number {
  const m = Math.max(...v);
  let s = 0;
  for (const x of v) s += Math.exp(x - m);
  return m + Math.log(s);
}
