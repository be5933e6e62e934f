/**
 * Similarity, softmax and CLIP's contrastive loss give correct, finite results for any finite input: entries of
 * 1e±200 (plain versions) and 1e±30 (float32 tensors, whose squares overflow or underflow float32), logit scales
 * of ±1e308, in both the plain TypeScript and the TensorFlow.js versions. Ordinary inputs give the same numbers
 * as the textbook formulas.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { initBackend, tf } from '../../lib/course/backend';
import {
  clipLogits,
  clipLoss,
  clipLossReference,
  ContrastiveInputError,
  l2NormalizeRows,
} from '../../lib/embeddings/contrastive';
import {
  cosineSimilarity,
  EmbeddingError,
  l2Normalize,
  similarityMatrix,
  softmax,
  toMatrix,
} from '../../lib/embeddings/similarity';

beforeAll(async () => {
  await initBackend();
});

const R = Math.SQRT1_2;
const near = (a: ArrayLike<number>, b: number[], tol = 1e-6) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    expect(Number.isFinite(a[i])).toBe(true);
    expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
  }
};

describe('similarity: rows are scaled before squaring', () => {
  test.each([1e200, 1e-200, 1e30, 1e-30, 1])('cosineSimilarity with entries of size %p', (s) => {
    expect(cosineSimilarity([s, s], [s, s])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([s, 0], [s, s])).toBeCloseTo(R, 12);
    expect(cosineSimilarity([s, 0], [0, -s])).toBe(0);
  });

  test('cosineSimilarity of two vectors of very different sizes, and of ordinary vectors (same formula as before)', () => {
    expect(cosineSimilarity([1e200, 1e200], [1e-200, 1e-200])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1e200, 1], [3, 4])).toBeCloseTo(0.6, 12);
    const a = [0.3, -1.2, 2.5];
    const b = [1.1, 0.4, -0.7];
    const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    expect(cosineSimilarity(a, b)).toBe(
      dot / (Math.sqrt(a[0] ** 2 + a[1] ** 2 + a[2] ** 2) * Math.sqrt(b[0] ** 2 + b[1] ** 2 + b[2] ** 2)),
    );
    expect(() => cosineSimilarity([0, 0], [1, 1])).toThrow(/a is all zeros/);
  });

  test('l2Normalize and similarityMatrix on rows of 1e±200 (beyond float32)', () => {
    near(
      l2Normalize([
        [1e200, 1e200],
        [3e-200, -4e-200],
        [3, 4],
      ]).data,
      [R, R, 0.6, -0.8, 0.6, 0.8],
    );
    near(
      similarityMatrix(
        [
          [1e200, 0],
          [0, 1e-200],
        ],
        [
          [1e200, 1e200],
          [-5, 0],
        ],
      ).data,
      [R, -1, R, 0],
    );
    expect(() => l2Normalize([[0, 0]])).toThrow(/row 0 is all zeros/);
  });

  test('toMatrix cannot store 1e200 in float32 and says so (instead of "holds Infinity")', () => {
    expect(() => toMatrix([[1e200, 1]], 'rows')).toThrow(EmbeddingError);
    expect(() => toMatrix([[1e200, 1]], 'rows')).toThrow(
      /rows holds 1e\+200 at row 0, column 0, beyond float32's range/,
    );
  });
});

describe('softmax: finite for any finite logits and scale', () => {
  test('scale 1e308 and -1e308, logits 1e200, mixed', () => {
    near(softmax([1, 2], 1e308), [0, 1]);
    near(softmax([1, 2], -1e308), [1, 0]);
    near(softmax([1e200, -1e200]), [1, 0]);
    near(softmax([-1e308, 1e308], 1e308), [0, 1]);
    near(softmax([3, 3, 1], 1e308), [0.5, 0.5, 0]);
    near(softmax([1, 2], 0), [0.5, 0.5]);
  });

  test('ordinary inputs: exp(s·x_i − max) / Σ, as before', () => {
    const p = softmax([0.25, 0.3], 100);
    const e = Math.exp(100 * 0.25 - 100 * 0.3);
    expect(p[0]).toBe(Math.fround(e / (e + 1)));
    expect(p[1]).toBe(Math.fround(1 / (e + 1)));
  });
});

describe('the contrastive loss: normalised rows, the scale clamped at 100 as CLIP does', () => {
  const eye = [
    [1, 0],
    [0, 1],
  ];
  const perfect = clipLossReference(eye, eye, Math.log(100)); // 2·e^-100 / 2 ≈ 3.7e-44

  test.each([1e200, 1e-200, 1e30, 1e-30])(
    'clipLossReference with rows of size %p: ≈ 0 (perfect pairs), finite',
    (s) => {
      const loss = clipLossReference(
        [
          [s, 0],
          [0, s],
        ],
        eye,
        Math.log(100),
      );
      expect(Number.isFinite(loss)).toBe(true);
      expect(Math.abs(loss - perfect)).toBeLessThan(1e-12);
    },
  );

  test('clipLossReference: logitScale 1e308 is clamped to ln 100; -1e308 gives scale 0 and the loss ln N', () => {
    expect(clipLossReference(eye, eye, 1e308)).toBe(perfect);
    expect(clipLossReference(eye, eye, -1e308)).toBeCloseTo(Math.log(2), 12);
  });

  test.each([1e200, 1e-200])('clipLoss (TensorFlow.js) on arrays with rows of size %p: ≈ 0, finite', (s) => {
    const loss = clipLoss(
      [
        [s, 0],
        [0, s],
      ],
      eye,
      Math.log(100),
    ).dataSync()[0];
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeLessThan(1e-6);
  });

  test('clipLoss on float32 tensors whose squares overflow (1e30) or underflow (1e-30), scale 1e308', () => {
    for (const s of [1e30, 1e-30]) {
      const image = tf.tensor2d([
        [s, 0],
        [0, s],
      ]);
      const text = tf.tensor2d(eye);
      const loss = clipLoss(image, text, 1e308).dataSync()[0];
      expect(Number.isFinite(loss)).toBe(true);
      expect(loss).toBeLessThan(1e-6);
      near(
        l2NormalizeRows(
          tf.tensor2d([
            [s, s],
            [0, 0],
          ]),
        ).dataSync(),
        [R, R, 0, 0],
      );
      tf.dispose([image, text]);
    }
  });

  test('the gradient stays finite and unchanged on ordinary rows (the rescue branch adds exact zeros)', () => {
    const x = tf.tensor2d([
      [0.3, -1.2, 2.5],
      [1.1, 0.4, -0.7],
    ]);
    const reference = tf.grad((v: tfTypes.Tensor) => {
      const n = tf.sqrt(tf.sum(tf.square(v), 1, true));
      return tf.sum(
        tf.mul(
          tf.div(v, tf.maximum(n, 1e-12)),
          tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      );
    })(x);
    const ours = tf.grad((v: tfTypes.Tensor) =>
      tf.sum(
        tf.mul(
          l2NormalizeRows(v as tfTypes.Tensor2D),
          tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6],
          ]),
        ),
      ),
    )(x);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
  });

  test('clipLogits with mismatched widths: ContrastiveInputError naming both shapes (not a plain matMul error)', () => {
    const image = tf.tensor2d([[1, 0, 0]]);
    const text = tf.tensor2d([[1, 0]]);
    expect(() => clipLogits(image, text, 0)).toThrow(ContrastiveInputError);
    expect(() => clipLogits(image, text, 0)).toThrow(
      /image rows have 3 values and text rows 2 \(shapes \[1, 3\] and \[1, 2\]\)/,
    );
    near(clipLogits(tf.tensor2d([[1e30, 0]]), tf.tensor2d([[1, 0]]), 1e308).dataSync(), [100], 1e-3);
  });
});
