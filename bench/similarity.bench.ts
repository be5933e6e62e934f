/**
 * `npm run bench -- similarity`: similarityMatrix for 10,000×512 against 1,000×512 (cosine of every pair, including
 * the L2 normalisation of both sides) against a plain tf.matMul(a, bᵀ) of the same shapes on the same TensorFlow.js
 * backend (read back to JavaScript with dataSync), in one run.
 */
import { tf, initBackend } from '../lib/course/backend';
import { similarityMatrix, type Matrix } from '../lib/embeddings/similarity';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  let s = seed >>> 0;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { rows, cols, data };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const reps = Number(process.env.BENCH_REPS ?? 3);
  const a = randomMatrix(10_000, 512, 1);
  const b = randomMatrix(1_000, 512, 2);
  const ta = tf.tensor2d(a.data, [a.rows, a.cols]);
  const tb = tf.tensor2d(b.data, [b.rows, b.cols]);

  const timeIt = (fn: () => void) => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  };
  const ours = () => {
    similarityMatrix(a, b);
  };
  const peer = () => {
    const c = tf.matMul(ta, tb, false, true);
    c.dataSync();
    c.dispose();
  };
  // Warm up, then alternate.
  ours();
  peer();
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    oursMs.push(timeIt(ours));
    peerMs.push(timeIt(peer));
  }
  ta.dispose();
  tb.dispose();
  const mine = median(oursMs);
  const theirs = median(peerMs);
  const gflop = (2 * a.rows * b.rows * a.cols) / 1e9;
  console.log(`similarityMatrix 10,000×512 · (1,000×512)ᵀ, TensorFlow.js backend '${backend}', median of ${reps}`);
  console.table([
    { implementation: 'lib/similarity similarityMatrix (normalise + cosine)', ms: Math.round(mine), 'GFLOP/s': Number((gflop / (mine / 1000)).toFixed(2)) },
    { implementation: `peer: tf.matMul(a, b, false, true) + dataSync on '${backend}'`, ms: Math.round(theirs), 'GFLOP/s': Number((gflop / (theirs / 1000)).toFixed(2)) },
  ]);
  console.log(`ratio similarityMatrix / tf.matMul speed = ${(theirs / mine).toFixed(2)}× (target ≥ 0.5×)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
