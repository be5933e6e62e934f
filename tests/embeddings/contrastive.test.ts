import type * as tfTypes from '@tensorflow/tfjs';
import { tf, initBackend } from '../../lib/course/backend';
import {
  clipLoss,
  clipLossReference,
  clipLogits,
  ContrastiveInputError,
  CLIP_LOGIT_SCALE_INIT,
  CLIP_LOGIT_SCALE_MAX,
} from '../../lib/embeddings/contrastive';
import { seededRandom } from '../../lib/worlds/shapes';

/** Standard normals from the course's seeded PRNG, so the tests are repeatable. */
function randn(n: number, d: number, seed: number): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r())),
  );
}

beforeAll(async () => {
  await initBackend();
});

describe('clipLoss and clipLossReference', () => {
  test('agree to 1e-5 on random inputs, for several N, D and scales', () => {
    const cases: Array<[number, number, number]> = [
      [1, 3, 0],
      [4, 8, CLIP_LOGIT_SCALE_INIT],
      [16, 32, 1.3],
      [7, 5, CLIP_LOGIT_SCALE_MAX],
      [5, 6, 7],
    ];
    for (const [k, [n, d, s]] of cases.entries()) {
      const image = randn(n, d, 10 + k);
      const text = randn(n, d, 100 + k);
      const ref = clipLossReference(image, text, s);
      const got = clipLoss(image, text, s).dataSync()[0];
      const gotTensor = clipLoss(tf.tensor2d(image), tf.tensor2d(text), tf.scalar(s)).dataSync()[0];
      expect(Math.abs(got - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      expect(Math.abs(gotTensor - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));
      if (n === 1)
        expect(ref).toBe(0); // one pair: nothing to confuse it with
      else expect(ref).toBeGreaterThan(0.01);
    }
  });

  test('a Matrix {rows, cols, data} gives the same loss as its rows', () => {
    const image = randn(3, 4, 1);
    const text = randn(3, 4, 2);
    const asMatrix = (m: number[][]) => ({ rows: m.length, cols: m[0].length, data: Float32Array.from(m.flat()) });
    expect(clipLoss(asMatrix(image), asMatrix(text), 2).dataSync()[0]).toBeCloseTo(
      clipLossReference(image, text, 2),
      5,
    );
    expect(clipLossReference(asMatrix(image), asMatrix(text), 2)).toBeCloseTo(clipLossReference(image, text, 2), 5);
  });

  test('perfectly matched orthogonal pairs at scale 100 give ≈ 0', () => {
    const n = 8;
    const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 3 : 0)));
    expect(clipLoss(eye, eye, Math.log(100)).dataSync()[0]).toBeLessThan(1e-6);
    expect(clipLossReference(eye, eye, Math.log(100))).toBeLessThan(1e-30);
    // the cap: asking for scale e^10 still uses 100, so the loss equals the loss at ln 100
    const image = randn(6, 4, 3);
    const text = randn(6, 4, 4);
    expect(clipLossReference(image, text, 10)).toBeCloseTo(clipLossReference(image, text, Math.log(100)), 12);
  });

  test('random unrelated embeddings at scale 1 give ≈ ln N', () => {
    for (const n of [4, 16, 64]) {
      const loss = clipLoss(randn(n, 1024, n), randn(n, 1024, 1000 + n), 0).dataSync()[0];
      expect(Math.abs(loss - Math.log(n))).toBeLessThan(0.02);
    }
  });

  test('stable when scale · cosine is 100 for every entry (all embeddings identical): loss = ln N, finite', () => {
    const n = 32;
    const same = Array.from({ length: n }, () => [0.6, 0.8]);
    const loss = clipLoss(same, same, Math.log(100)).dataSync()[0];
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(Math.log(n), 4);
    const logits = clipLogits(tf.tensor2d(same), tf.tensor2d(same), Math.log(100)).dataSync();
    expect(Math.min(...logits)).toBeCloseTo(100, 3);
  });

  test('gradients in image, text and logitScale match central finite differences of the float64 reference', () => {
    const n = 4;
    const d = 3;
    const image = randn(n, d, 21);
    const text = randn(n, d, 22);
    const scale = 1.7;
    const f = (im: number[][], tx: number[][], s: number) => clipLossReference(im, tx, s);
    const [gImage, gText, gScale] = tf.grads((a: tfTypes.Tensor, b: tfTypes.Tensor, c: tfTypes.Tensor) =>
      clipLoss(a as tfTypes.Tensor2D, b as tfTypes.Tensor2D, c as tfTypes.Scalar, { validate: false }),
    )([tf.tensor2d(image), tf.tensor2d(text), tf.scalar(scale)]);
    const h = 1e-5;
    const gi = gImage.arraySync() as number[][];
    const gt = gText.arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const plus = image.map((r) => r.slice());
        const minus = image.map((r) => r.slice());
        plus[i][j] += h;
        minus[i][j] -= h;
        expect(gi[i][j]).toBeCloseTo((f(plus, text, scale) - f(minus, text, scale)) / (2 * h), 4);
        const plusT = text.map((r) => r.slice());
        const minusT = text.map((r) => r.slice());
        plusT[i][j] += h;
        minusT[i][j] -= h;
        expect(gt[i][j]).toBeCloseTo((f(image, plusT, scale) - f(image, minusT, scale)) / (2 * h), 4);
      }
    }
    const fdScale = (f(image, text, scale + h) - f(image, text, scale - h)) / (2 * h);
    expect(gScale.dataSync()[0]).toBeCloseTo(fdScale, 4);
    expect(Math.abs(fdScale)).toBeGreaterThan(1e-3); // the scale really matters here
  });

  test('bad inputs get a ContrastiveInputError naming the problem', () => {
    expect(() => clipLoss([[1, 2]], [[1, 2, 3]], 1)).toThrow(ContrastiveInputError);
    expect(() => clipLoss([[1, 2]], [[1, 2, 3]], 1)).toThrow(/shapes differ: image is \[1, 2\], text is \[1, 3\]/);
    expect(() =>
      clipLossReference(
        [
          [1, 2],
          [3, 4],
        ],
        [[1, 2]],
        1,
      ),
    ).toThrow(/shapes differ/);
    expect(() => clipLoss([], [], 1)).toThrow(/N = 0/);
    expect(() => clipLossReference([[1, NaN]], [[1, 2]], 1)).toThrow(/image\[0\]\[1\] is NaN/);
    expect(() => clipLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[NaN, 2]]), 1)).toThrow(/text contains NaN/);
    expect(() => clipLoss([[1, 2]], [[1, 2]], NaN)).toThrow(/logitScale is NaN/);
    expect(() =>
      clipLoss(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 2]]), tf.tensor1d([1, 2]) as unknown as tfTypes.Scalar),
    ).toThrow(/logitScale must be a scalar/);
    expect(() =>
      clipLoss(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
        1,
      ),
    ).toThrow(/image: row 1 has 1 values/);
  });
});
