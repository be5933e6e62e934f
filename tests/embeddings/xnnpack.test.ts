/**
 * lib/embeddings/xnnpack.ts: the flag-free products give the same bits as tf.matMul with transpose flags — values
 * and gradients — on the wasm backend (where they take XNNPACK instead of the scalar loop), for k below, at and
 * above the loop's 48-wide block. That is what keeps `npm run train:mini-clip`'s ONNX output byte-identical.
 */
import { tf, initBackend } from '../../lib/course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import {
  matMulByTranspose,
  matMulConstantInput,
  matMulLaidOut,
  oneHotTimes,
  productInSlowPathOrder,
} from '../../lib/embeddings/xnnpack';

function sameBits(a: tfTypes.Tensor, b: tfTypes.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let differ = 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i] + 0, y[i] + 0)) differ++;
  expect(differ).toBe(0);
}

beforeAll(async () => {
  await initBackend();
});

describe('products laid out for XNNPACK', () => {
  it('runs on the wasm backend here', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  it("a long k (1,000: 21 blocks) sums in the scalar loop's order", () => {
    tf.tidy(() => {
      const a = tf.randomNormal([1000, 20], 0, 1, 'float32', 5) as tfTypes.Tensor2D;
      const b = tf.randomNormal([1000, 30], 0, 1, 'float32', 6) as tfTypes.Tensor2D;
      sameBits(productInSlowPathOrder(tf.transpose(a) as tfTypes.Tensor2D, b), tf.matMul(a, b, true, false));
    });
  });

  it.each([
    [10, 7],
    [200, 40],
    [1280, 408],
  ])(
    'oneHotTimes over %i tokens (vocabulary %i): value and gradient bit-identical to the one-hot product',
    (tokens, vocab) => {
      tf.tidy(() => {
        const r = tf.randomUniform([tokens], 0, vocab, 'int32', 9) as tfTypes.Tensor1D;
        const ids = tf.concat([r, tf.tensor1d([0, 0, 1, 0], 'int32')]) as tfTypes.Tensor1D; // repeated ids across blocks
        const w = tf.randomNormal([vocab, 64], 0, 1, 'float32', 10) as tfTypes.Tensor2D;
        const dy = tf.randomNormal([tokens + 4, 64], 0, 1, 'float32', 11) as tfTypes.Tensor2D;
        const oneHot = tf.cast(tf.oneHot(ids, vocab), 'float32') as tfTypes.Tensor2D;
        sameBits(oneHotTimes(ids, vocab, w), tf.matMul(oneHot, w));
        const g = tf.grad((q: tfTypes.Tensor) => oneHotTimes(ids, vocab, q as tfTypes.Tensor2D));
        sameBits(g(w, dy), tf.matMul(oneHot, dy, true, false));
      });
    },
  );

  it.each([
    [5, 7, 3],
    [33, 48, 20],
    [64, 130, 17],
    [128, 300, 64],
  ])('%i×%i · %i: values and gradients bit-identical to tf.matMul with flags', (m, k, n) => {
    tf.tidy(() => {
      const x = tf.randomNormal([m, k], 0, 1, 'float32', 1) as tfTypes.Tensor2D;
      const w = tf.randomNormal([k, n], 0, 1, 'float32', 2) as tfTypes.Tensor2D;
      const b = tf.randomNormal([n, k], 0, 1, 'float32', 3) as tfTypes.Tensor2D;
      const dyXW = tf.randomNormal([m, n], 0, 1, 'float32', 4) as tfTypes.Tensor2D;
      // x · w and its gradients
      const ref = tf.grads((p: tfTypes.Tensor, q: tfTypes.Tensor) =>
        tf.matMul(p as tfTypes.Tensor2D, q as tfTypes.Tensor2D),
      );
      const now = tf.grads((p: tfTypes.Tensor, q: tfTypes.Tensor) =>
        matMulLaidOut(p as tfTypes.Tensor2D, q as tfTypes.Tensor2D),
      );
      sameBits(matMulLaidOut(x, w), tf.matMul(x, w));
      const [rx, rw] = ref([x, w], dyXW);
      const [nx, nw] = now([x, w], dyXW);
      sameBits(nx, rx);
      sameBits(nw, rw);
      // x · bᵀ and its gradients
      const refT = tf.grads((p: tfTypes.Tensor, q: tfTypes.Tensor) =>
        tf.matMul(p as tfTypes.Tensor2D, q as tfTypes.Tensor2D, false, true),
      );
      const nowT = tf.grads((p: tfTypes.Tensor, q: tfTypes.Tensor) =>
        matMulByTranspose(p as tfTypes.Tensor2D, q as tfTypes.Tensor2D),
      );
      sameBits(matMulByTranspose(x, b), tf.matMul(x, b, false, true));
      const [ra, rb] = refT([x, b], dyXW);
      const [na, nb] = nowT([x, b], dyXW);
      sameBits(na, ra);
      sameBits(nb, rb);
      // constant input: only the weight's gradient
      const refC = tf.grad((q: tfTypes.Tensor) => tf.matMul(x, q as tfTypes.Tensor2D));
      const nowC = tf.grad((q: tfTypes.Tensor) => matMulConstantInput(x, q as tfTypes.Tensor2D));
      sameBits(nowC(w, dyXW), refC(w, dyXW));
      sameBits(productInSlowPathOrder(tf.transpose(x) as tfTypes.Tensor2D, dyXW), tf.matMul(x, dyXW, true, false));
    });
  });
});
