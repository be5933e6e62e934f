/**
 * TensorFlow.js matrix products laid out for the wasm backend's fast path, with the same bits as before.
 *
 * tfjs-wasm hands a matMul to XNNPACK only when neither operand carries a transpose flag (and the batch is 1);
 * otherwise it runs a scalar loop about 10× slower. tfjs's own matMul gradient uses exactly those flags
 * (dx = dy·Wᵀ, dW = xᵀ·dy), so training spent most of its product time on the slow path. Here the transposes are
 * explicit copies, and the products run flag-free on XNNPACK.
 *
 * Same bits: the scalar loop sums k in blocks of 48 (each block from 0, then added to the output in order), while
 * XNNPACK sums all of k in one run, so a plain swap changes the last bits (and a whole training run drifts). Products
 * whose k exceeds 48 are therefore split into 48-wide slices, multiplied on XNNPACK and added in order: measured
 * bit-identical to the scalar loop (tests/embeddings/xnnpack.test.ts), at about a sixth of its cost. On other
 * backends (cpu, native tensorflow) every product is the plain tf.matMul it was.
 *
 * @example
 *   import { matMulLaidOut, matMulByTranspose } from './lib/embeddings/xnnpack';
 *   matMulLaidOut(tf.ones([2, 3]), tf.ones([3, 4])).shape;      // [2, 4], gradients through XNNPACK too
 *   matMulByTranspose(tf.ones([2, 3]), tf.ones([5, 3])).shape;  // [2, 5] = a · bᵀ, as tf.matMul(a, b, false, true)
 */
import { tf } from '../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';

type T2 = tfTypes.Tensor2D;

/** The k-block of tfjs-wasm's scalar matMul loop (BatchMatMul's slow path). */
export const WASM_SLOW_PATH_BLOCK = 48;

const onWasm = () => tf.getBackend() === 'wasm';

/**
 * a · b for a [m, k] and b [k, n], flag-free, summed over k in the order of tfjs-wasm's scalar loop: equal, bit for
 * bit, to tf.matMul with transpose flags on the same (transposed) operands.
 */
export function productInSlowPathOrder(a: T2, b: T2): T2 {
  return tf.tidy(() => {
    const k = a.shape[1];
    if (k <= WASM_SLOW_PATH_BLOCK) return tf.matMul(a, b);
    const sizes: number[] = [];
    for (let k0 = 0; k0 < k; k0 += WASM_SLOW_PATH_BLOCK) sizes.push(Math.min(WASM_SLOW_PATH_BLOCK, k - k0));
    // One split per operand, one XNNPACK product per block, then the blocks summed in order (addN adds its inputs
    // one after another, as the scalar loop adds its block sums to the output). Meant for a few blocks: see paysOnXnnpack.
    const as = tf.split(a, sizes, 1);
    const bs = tf.split(b, sizes, 0);
    return tf.addN(as.map((ai, i) => tf.matMul(ai, bs[i]))) as T2;
  });
}

/**
 * Whether the XNNPACK form pays for an [m, k]·[k, n] product: each 48-wide block of k costs a split, a product and
 * an add (kernel calls of ~20–50 µs each), against m·n·48 multiply-adds in the scalar loop (~1 ns each). Measured
 * (bench/train.bench.ts): worth it for wide outputs over a short k (the mini-CLIP's hidden layers, k = batch 128:
 * 3 blocks); not for long k (the token embedding's gradient over 1,280 tokens, the patch layer's over 4,608
 * patches), which stay on the scalar loop.
 */
function paysOnXnnpack(m: number, k: number, n: number): boolean {
  return m * n >= 8192 && k <= 4 * WASM_SLOW_PATH_BLOCK;
}

/** dy · wᵀ as tf.matMul(dy, w, false, true) computes it, on XNNPACK when the backend is wasm. */
function timesTransposed(x: T2, w: T2): T2 {
  return onWasm() && paysOnXnnpack(x.shape[0], x.shape[1], w.shape[0])
    ? productInSlowPathOrder(x, tf.transpose(w))
    : tf.matMul(x, w, false, true);
}

/** xᵀ · dy as tf.matMul(x, dy, true, false) computes it, on XNNPACK when the backend is wasm. */
function transposedTimes(x: T2, dy: T2): T2 {
  return onWasm() && paysOnXnnpack(x.shape[1], x.shape[0], dy.shape[1])
    ? productInSlowPathOrder(tf.transpose(x), dy)
    : tf.matMul(x, dy, true, false);
}

let laidOut: ((x: T2, w: T2) => T2) | undefined;
let byTranspose: ((a: T2, b: T2) => T2) | undefined;

function custom<F>(f: (...args: unknown[]) => unknown): F {
  return tf.customGrad(f as Parameters<typeof tf.customGrad>[0]) as unknown as F;
}

/**
 * x · w (2-D) with the gradients tfjs would form — dx = dy·wᵀ, dw = xᵀ·dy — as XNNPACK products (same bits).
 *
 * @example
 *   matMulLaidOut(x, weight);   // a linear layer's product, trained ~6× cheaper on the wasm backend
 */
export function matMulLaidOut(x: T2, w: T2): T2 {
  laidOut ??= custom((...args: unknown[]) => {
    const [a, b, save] = args as [T2, T2, tfTypes.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: T2, saved: T2[]) => [timesTransposed(dy, saved[1]), transposedTimes(saved[0], dy)],
    };
  });
  return laidOut!(x, w);
}

/**
 * x · w where x can never need a gradient (one-hot token ids): only dw = xᵀ·dy is formed (as matMulLaidOut's).
 *
 * @example
 *   matMulConstantInput(tf.oneHot(ids, vocab).toFloat(), embedding);   // the token lookup as a product
 */
export function matMulConstantInput(x: T2, w: T2): T2 {
  const f = custom<(w: T2) => T2>((...args: unknown[]) => {
    const [b, save] = args as [T2, tfTypes.GradSaveFunc];
    save([x]); // kept for the gradient (an enclosing tidy would dispose it otherwise)
    return { value: tf.matMul(x, b), gradFunc: (dy: T2, saved: T2[]) => [transposedTimes(saved[0], dy)] };
  });
  return f(w);
}

/**
 * a · bᵀ for [n, d] and [m, d]: the same bits as tf.matMul(a, b, false, true) and the same gradients
 * (da = dy·b, db = dyᵀ·a), every product flag-free on the wasm backend.
 *
 * @example
 *   matMulByTranspose(imageEmbeddings, textEmbeddings);   // [n, m] cosines of normalised rows
 */
export function matMulByTranspose(a: T2, b: T2): T2 {
  byTranspose ??= custom((...args: unknown[]) => {
    const [x, y, save] = args as [T2, T2, tfTypes.GradSaveFunc];
    save([x, y]);
    return {
      value: timesTransposed(x, y),
      gradFunc: (dy: T2, saved: T2[]) => [tf.matMul(dy, saved[1]), transposedTimes(dy, saved[0])],
    };
  });
  return byTranspose!(a, b);
}

/**
 * oneHot(ids, vocab) · w: a token-embedding lookup written as a product (as the ONNX export computes it), with
 * the gradient dw = oneHotᵀ·dy formed without the product on the wasm backend: each row of dw is the sum of the dy
 * rows of its tokens, accumulated in float32 in exactly the scalar loop's order (48-token blocks, each summed from 0
 * and then added to the output in order; the loop's products by 0 and 1 are exact, and adding ±0 changes no sum),
 * so the bits are those of tf.matMul(oneHot, dy, true, false) at a fraction of a millisecond instead of the scalar
 * loop's tens.
 *
 * @example
 *   oneHotTimes(tf.tensor1d([2, 7, 3], 'int32'), vocabSize, tokenEmbedding);   // [3, hidden]
 */
export function oneHotTimes(ids: tfTypes.Tensor1D, vocab: number, w: T2): T2 {
  const oneHot = tf.cast(tf.oneHot(ids, vocab), 'float32') as T2;
  if (!onWasm()) return matMulConstantInput(oneHot, w);
  const idValues = ids.dataSync();
  const f = custom<(w: T2) => T2>((...args: unknown[]) => {
    const [b] = args as [T2, tfTypes.GradSaveFunc];
    return {
      value: tf.matMul(oneHot, b),
      gradFunc: (dy: T2) =>
        tf.tensor2d(segmentSumsInSlowPathOrder(idValues, vocab, dy.dataSync() as Float32Array, dy.shape[1]), [
          vocab,
          dy.shape[1],
        ]),
    };
  });
  return f(w);
}

/** Σ over tokens k with id v of dy[k, :], in float32, summed as tfjs-wasm's scalar matMul loop sums oneHotᵀ·dy. */
export function segmentSumsInSlowPathOrder(
  ids: ArrayLike<number>,
  vocab: number,
  dy: Float32Array,
  width: number,
): Float32Array {
  const out = new Float32Array(vocab * width); // stores round to float32: each += below is one float32 addition
  const partial = new Float32Array(vocab * width);
  const touched: number[] = [];
  for (let k0 = 0; k0 < ids.length; k0 += WASM_SLOW_PATH_BLOCK) {
    const k1 = Math.min(ids.length, k0 + WASM_SLOW_PATH_BLOCK);
    for (let k = k0; k < k1; k++) {
      const v = ids[k];
      if (v < 0 || v >= vocab) continue; // oneHot of an id outside the vocabulary is a row of zeros
      if (!touched.includes(v)) touched.push(v);
      const p = v * width;
      const q = k * width;
      for (let j = 0; j < width; j++) partial[p + j] += dy[q + j];
    }
    for (const v of touched) {
      const p = v * width;
      for (let j = 0; j < width; j++) {
        out[p + j] += partial[p + j];
        partial[p + j] = 0;
      }
    }
    touched.length = 0;
  }
  return out;
}
