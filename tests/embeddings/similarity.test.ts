import {
  EmbeddingError,
  cosineSimilarity,
  l2Normalize,
  similarityMatrix,
  softmax,
  toMatrix,
  topK,
  type Matrix,
} from '../../lib/embeddings/similarity';
import { seededRandom } from '../../lib/worlds/shapes';

function randomRows(n: number, d: number, seed: number): number[][] {
  const r = seededRandom(seed); // deterministic, so failures reproduce
  return Array.from({ length: n }, () => Array.from({ length: d }, () => r() * 2 - 1));
}

function expectError(fn: () => unknown, reason: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EmbeddingError);
  const err = caught as EmbeddingError;
  expect(err.name).toBe('EmbeddingError');
  expect(err.reason).toBe(reason);
  for (const f of fragments) expect(err.message).toContain(f);
}

describe('l2Normalize', () => {
  it('gives unit rows in the same direction', () => {
    const m = l2Normalize([
      [3, 4],
      [0, -2],
    ]);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(2);
    expect(Array.from(m.data)).toEqual([0.6000000238418579, 0.800000011920929, 0, -1]);
  });

  it('accepts a Matrix and typed-array rows alike', () => {
    const asMatrix: Matrix = { rows: 2, cols: 3, data: new Float32Array([1, 2, 2, 0, 0, 5]) };
    const asRows = [new Float32Array([1, 2, 2]), new Float64Array([0, 0, 5])];
    expect(Array.from(l2Normalize(asMatrix).data)).toEqual(Array.from(l2Normalize(asRows).data));
    const norms = [0, 1].map((r) => Math.hypot(...l2Normalize(asRows).data.subarray(r * 3, r * 3 + 3)));
    norms.forEach((n) => expect(n).toBeCloseTo(1, 6));
  });

  it('names the zero row', () =>
    expectError(
      () =>
        l2Normalize([
          [1, 1],
          [1, 0],
          [0, 0],
        ]),
      'zero-norm',
      'row 2',
    ));
  it('rejects empty input', () => {
    expectError(() => l2Normalize([]), 'empty');
    expectError(() => l2Normalize([[]]), 'empty');
  });
  it('names where a NaN or Infinity sits', () => {
    expectError(
      () =>
        l2Normalize([
          [1, 2],
          [3, NaN],
        ]),
      'not-finite',
      'NaN',
      'row 1, column 1',
    );
    expectError(() => l2Normalize([[-Infinity, 2]]), 'not-finite', '-Infinity', 'row 0, column 0');
  });
  it('rejects ragged rows and a Matrix whose data does not match its shape', () => {
    expectError(() => l2Normalize([[1, 2], [3]]), 'dimension-mismatch', 'row 1 has 1');
    expectError(() => toMatrix({ rows: 2, cols: 2, data: new Float32Array(3) }), 'bad-shape', '2×2', '3');
  });
});

describe('cosineSimilarity', () => {
  it('matches dot/(|a||b|) computed by hand', () => {
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(cosineSimilarity([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1, 0, 0], [0, 5, 0])).toBe(0);
    const [a, b] = randomRows(2, 64, 7);
    const dot = a.reduce((s, v, i) => s + v * b[i], 0);
    expect(cosineSimilarity(a, b)).toBeCloseTo(dot / (Math.hypot(...a) * Math.hypot(...b)), 12);
  });
  it('is scale invariant', () => {
    const [a, b] = randomRows(2, 16, 3);
    expect(
      cosineSimilarity(
        a.map((v) => v * 1e3),
        b,
      ),
    ).toBeCloseTo(cosineSimilarity(a, b), 12);
  });
  it('reports both dimensions on mismatch', () =>
    expectError(() => cosineSimilarity([1, 0], [1, 0, 0]), 'dimension-mismatch', 'a has 2', 'b has 3'));
  it('rejects zero vectors, empty vectors and non-finite values', () => {
    expectError(() => cosineSimilarity([0, 0], [1, 0]), 'zero-norm', 'a is all zeros');
    expectError(() => cosineSimilarity([], []), 'empty', 'a is empty');
    expectError(() => cosineSimilarity([1, Infinity], [1, 0]), 'not-finite', 'Infinity', 'index 1');
  });
});

describe('similarityMatrix', () => {
  it('is the cosine of every pair of rows, a.rows × b.rows', () => {
    const a = randomRows(9, 37, 11);
    const b = randomRows(5, 37, 12);
    const s = similarityMatrix(a, b);
    expect([s.rows, s.cols]).toEqual([9, 5]);
    for (let i = 0; i < 9; i++)
      for (let j = 0; j < 5; j++) expect(s.data[i * 5 + j]).toBeCloseTo(cosineSimilarity(a[i], b[j]), 5);
  });
  it("stays exact across the kernel's blocks of b rows (and their leftovers)", () => {
    const a = randomRows(7, 8, 21);
    const b = randomRows(4101, 8, 22);
    const s = similarityMatrix(a, b);
    for (const j of [0, 1, 2047, 2048, 4095, 4096, 4100]) {
      for (let i = 0; i < 7; i++) expect(s.data[i * 4101 + j]).toBeCloseTo(cosineSimilarity(a[i], b[j]), 5);
    }
  });
  it('gives the documented small example', () => {
    const s = similarityMatrix(
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 1],
        [2, 0],
        [0, -3],
      ],
    );
    expect(Array.from(s.data).map((v) => Number(v.toFixed(4)))).toEqual([0.7071, 1, 0, 0.7071, 0, -1]);
  });
  it('reports both shapes on a dimension mismatch', () => {
    expectError(() => similarityMatrix(randomRows(4, 8, 1), randomRows(3, 6, 2)), 'dimension-mismatch', '4×8', '3×6');
  });
  it('names the zero row and the side it is on', () => {
    expectError(
      () =>
        similarityMatrix(
          [[1, 2]],
          [
            [1, 0],
            [0, 0],
          ],
        ),
      'zero-norm',
      'b: row 1',
    );
  });
});

describe('softmax', () => {
  it('sums to one and matches exp/sum', () => {
    const p = softmax([1, 2, 3]);
    const e = [1, 2, 3].map(Math.exp);
    const sum = e.reduce((s, v) => s + v, 0);
    p.forEach((v, i) => expect(v).toBeCloseTo(e[i] / sum, 6));
  });
  it('applies the scale before exponentiating', () => {
    const p = softmax([0.25, 0.3], 100);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
  });
  it('is stable for logits of magnitude 1e4', () => {
    const p = softmax([1e4, 1e4 - 1, -1e4]);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(p[2]).toBe(0);
    const q = softmax([-1e4, -1e4]);
    expect(Array.from(q)).toEqual([0.5, 0.5]);
  });
  it('rejects empty and non-finite input', () => {
    expectError(() => softmax([]), 'empty', 'logits');
    expectError(() => softmax([1, NaN]), 'not-finite', 'index 1');
    expectError(() => softmax([1, 2], Infinity), 'not-finite', 'logitScale is Infinity');
  });
});

describe('topK', () => {
  it('returns the k best, best first, ties by lower index', () => {
    expect(topK([0.1, 0.7, 0.2, 0.7], 3)).toEqual([
      { index: 1, score: 0.7 },
      { index: 3, score: 0.7 },
      { index: 2, score: 0.2 },
    ]);
  });
  it('checks k', () => {
    expectError(() => topK([1, 2], 3), 'k-out-of-range', 'k = 3', '1 to 2');
    expectError(() => topK([1, 2], 0), 'k-out-of-range');
    expectError(() => topK([1, 2], 1.5), 'k-out-of-range');
    expectError(() => topK([], 1), 'empty');
  });
});
