/**
 * lib/embeddings/matmul.ts: both engines compute A · Bᵀ, agree with a float64 reference within float32 rounding,
 * and similarityMatrix gives the same numbers as the plain-JS kernel (the previous implementation) on either side
 * of the crossover. Nothing here is timed (speed lives in bench/similarity.bench.ts).
 */
import {
  ENGINE_MIN_WORK,
  MatmulError,
  matmulEngine,
  multiplyByTranspose,
  multiplyByTransposeJs,
} from '../../lib/embeddings/matmul';
import { similarityMatrix, l2Normalize } from '../../lib/embeddings/similarity';
import { CourseError } from '../../lib/course/errors';
import { seededRandom } from '../../lib/worlds/shapes';

function random(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

function reference(A: Float32Array, n: number, B: Float32Array, m: number, d: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += A[i * d + k] * B[j * d + k];
      out[i * m + j] = s;
    }
  return out;
}

function maxRelativeError(got: Float32Array, want: Float64Array, scale: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

describe('multiplyByTranspose', () => {
  it('uses onnxruntime here (installed with @huggingface/transformers)', () => {
    expect(matmulEngine().name).toBe('onnxruntime');
  });

  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [37, 23, 64],
    [200, 150, 512],
  ])('both engines agree with float64 for %i×%i·(%i)', (n, m, d) => {
    const A = random(n * d, n + 1);
    const B = random(m * d, m + 2);
    const want = reference(A, n, B, m, d);
    // Every term is below 1 in size; float32 rounding of d-term sums stays under d · 2^-24 relative to d.
    for (const engine of ['js', 'onnxruntime'] as const) {
      const got = multiplyByTranspose(A, n, B, m, d, { engine });
      expect(got).toHaveLength(n * m);
      expect(Object.prototype.toString.call(got)).toBe('[object Float32Array]');
      expect(got instanceof Float32Array).toBe(true);
      expect(maxRelativeError(got, want, d)).toBeLessThan(4e-7);
    }
  });

  it('picks JS below the crossover and onnxruntime above, with the same numbers within float rounding', () => {
    const d = 64;
    const A = random(4 * d, 1);
    const B = random(4 * d, 2);
    expect(4 * 4 * d).toBeLessThan(ENGINE_MIN_WORK);
    expect(Array.from(multiplyByTranspose(A, 4, B, 4, d))).toEqual(Array.from(multiplyByTransposeJs(A, 4, B, 4, d)));
    const n = 300;
    const big = random(n * d, 3);
    expect(n * 4 * d).toBeGreaterThanOrEqual(ENGINE_MIN_WORK);
    const auto = multiplyByTranspose(big, n, B, 4, d);
    const js = multiplyByTransposeJs(big, n, B, 4, d);
    for (let i = 0; i < js.length; i++) expect(Math.abs(auto[i] - js[i])).toBeLessThan(1e-5);
  });

  it('similarityMatrix: same cosines as the plain-JS kernel, in [-1, 1] up to rounding', () => {
    const n = 500;
    const m = 100;
    const d = 512;
    const a = { rows: n, cols: d, data: random(n * d, 7) };
    const b = { rows: m, cols: d, data: random(m * d, 8) };
    const sims = similarityMatrix(a, b);
    const js = multiplyByTransposeJs(l2Normalize(a).data, n, l2Normalize(b).data, m, d);
    expect(sims.rows).toBe(n);
    expect(sims.cols).toBe(m);
    let worst = 0;
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(sims.data[i] - js[i]));
    expect(worst).toBeLessThan(1e-6);
    const self = similarityMatrix(a, a);
    for (let i = 0; i < n; i++) expect(Math.abs(self.data[i * n + i] - 1)).toBeLessThan(1e-6);
  });

  it('rejects operands whose lengths do not match their shapes, with a CourseError', () => {
    expect(() => multiplyByTranspose(new Float32Array(5), 2, new Float32Array(4), 2, 2)).toThrow(MatmulError);
    expect(() => multiplyByTranspose(new Float32Array(5), 2, new Float32Array(4), 2, 2)).toThrow(CourseError);
  });
});
