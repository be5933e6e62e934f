/**
 * PCA (ml-pca underneath) against answers worked by hand, the eigen-equation of the covariance, the sign
 * convention, and typed errors for bad input.
 */
import { pca, projectWith, ProjectionInputError } from '../../lib/embeddings/projection';

function expectClose(actual: number[][], expected: number[][], digits = 6) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i].length);
    row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], digits));
  });
}

describe('pca', () => {
  test('2-D cross worked by hand: x varies most, variance 2 and 0.5 (ratio 0.8 / 0.2)', () => {
    const points = [
      [2, 0],
      [0, 0],
      [-2, 0],
      [0, 1],
      [0, -1],
    ];
    const r = pca(points, 2);
    expect(r.mean).toEqual([0, 0]);
    expectClose(r.components, [
      [1, 0],
      [0, 1],
    ]);
    expect(r.explainedVariance[0]).toBeCloseTo(8 / 4, 10);
    expect(r.explainedVariance[1]).toBeCloseTo(2 / 4, 10);
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(0.8, 10);
    expect(r.explainedVarianceRatio[1]).toBeCloseTo(0.2, 10);
    expectClose(r.projected, points);
  });

  test('points on the line y = x (shifted): one component along (1,1)/√2, projections are signed distances', () => {
    const points = [
      [1, 3],
      [2, 4],
      [3, 5],
      [4, 6],
    ];
    const r = pca(points, 2);
    expect(r.mean).toEqual([2.5, 4.5]);
    const s = Math.SQRT1_2;
    expectClose([r.components[0]], [[s, s]]);
    // centred points (-1.5,-1.5)…(1.5,1.5): distance along the line is ±1.5√2, ±0.5√2
    expectClose(
      r.projected.map((p) => [p[0]]),
      [[-1.5 * Math.SQRT2], [-0.5 * Math.SQRT2], [0.5 * Math.SQRT2], [1.5 * Math.SQRT2]],
    );
    // no variance left: the second direction is orthogonal, its coordinates 0
    expect(r.explainedVariance[1]).toBeCloseTo(0, 12);
    expect(r.components[1][0] * s + r.components[1][1] * s).toBeCloseTo(0, 10);
    r.projected.forEach((p) => expect(p[1]).toBeCloseTo(0, 10));
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(1, 10);
  });

  test('3-D box worked by hand: spreads 3, 2, 1 along z, x, y come out in that order', () => {
    // ±3 on z, ±2 on x, ±1 on y: variances 18/5, 8/5, 2/5 for these six points
    const points = [
      [0, 0, 3],
      [0, 0, -3],
      [2, 0, 0],
      [-2, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
    ];
    const r = pca(points, 3);
    expectClose(r.components, [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(r.explainedVariance.map((v) => +v.toFixed(10))).toEqual([18 / 5, 8 / 5, 2 / 5].map((v) => +v.toFixed(10)));
    expect(r.explainedVarianceRatio[0]).toBeCloseTo(18 / 28, 10);
    expectClose(r.projected, [
      [3, 0, 0],
      [-3, 0, 0],
      [0, 2, 0],
      [0, -2, 0],
      [0, 0, 1],
      [0, 0, -1],
    ]);
  });

  test('each component v is an eigenvector of the sample covariance C (C v = λ v), the components orthonormal', () => {
    // 7 points in 3-D (more points than dimensions) and 4 points in 6-D (fewer): both shapes of the problem
    const tall = [
      [4, 1, 0.5],
      [1, 3, -1],
      [0.5, -1, 2],
      [2, 2, 2],
      [-1, 0, 1],
      [0, -2, 0.5],
      [3, 0, -1],
    ];
    const wide = [
      [1, 0, 2, 0, 0, 1],
      [0, 1, 0, 3, 0, 0],
      [2, 2, 1, 0, 1, 0],
      [0, 0, 0, 1, 2, 2],
    ];
    for (const points of [tall, wide]) {
      const r = pca(points, 3);
      const d = points[0].length;
      const centred = points.map((p) => p.map((x, j) => x - r.mean[j]));
      const cov = Array.from({ length: d }, (_, i) =>
        Array.from({ length: d }, (_, j) => centred.reduce((s, p) => s + p[i] * p[j], 0) / (points.length - 1)),
      );
      expect(r.explainedVariance[0]).toBeGreaterThanOrEqual(r.explainedVariance[1]);
      expect(r.explainedVariance[1]).toBeGreaterThanOrEqual(r.explainedVariance[2]);
      r.components.forEach((v, i) => {
        const cv = cov.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
        cv.forEach((x, j) => expect(x).toBeCloseTo(r.explainedVariance[i] * v[j], 9));
        r.components.forEach((w, j) => expect(v.reduce((s, x, m) => s + x * w[m], 0)).toBeCloseTo(i === j ? 1 : 0, 9));
      });
      // the variance ratios are shares of the trace of C
      const trace = cov.reduce((s, row, i) => s + row[i], 0);
      r.explainedVarianceRatio.forEach((q, i) => expect(q).toBeCloseTo(r.explainedVariance[i] / trace, 12));
    }
  });

  test('more dimensions than points agrees with the same points repeated (more points than dimensions)', () => {
    // 4 points in 6-D; embed the same points padded into an (n > d) case by repeating them to compare.
    const base = [
      [1, 0, 2, 0, 0, 1],
      [0, 1, 0, 3, 0, 0],
      [2, 2, 1, 0, 1, 0],
      [0, 0, 0, 1, 2, 2],
    ];
    const gramFit = pca(base, 2);
    const covFit = pca([...base, ...base], 2); // 8 points > 6 dims: same mean and directions
    expectClose(gramFit.components, covFit.components, 8);
    expect(gramFit.explainedVarianceRatio[0]).toBeCloseTo(covFit.explainedVarianceRatio[0], 8);
    // reconstruct: projecting with the fit reproduces the fitted coordinates
    expectClose(projectWith(gramFit, base), gramFit.projected, 10);
  });

  test('deterministic: flipping every point gives the same components (sign convention), mirrored coordinates', () => {
    const points = [
      [1, 2, 0.5],
      [3, 1, 0],
      [-1, 0, 2],
      [0, -2, 1],
      [2, 2, 2],
    ];
    const a = pca(points, 2);
    const b = pca(
      points.map((p) => p.map((x) => -x)),
      2,
    );
    expectClose(a.components, b.components, 9);
    expectClose(
      a.projected,
      b.projected.map((p) => p.map((x) => -x)),
      9,
    );
    for (const c of a.components) {
      const big = c.reduce((m, x) => (Math.abs(x) > Math.abs(m) ? x : m), 0);
      expect(big).toBeGreaterThan(0);
    }
  });

  test('accepts Float32Array rows', () => {
    const r = pca(
      [Float32Array.from([2, 0]), Float32Array.from([-2, 0]), Float32Array.from([0, 1]), Float32Array.from([0, -1])],
      1,
    );
    expectClose(r.projected, [[2], [-2], [0], [0]]);
  });

  test('bad input gets a ProjectionInputError naming the problem', () => {
    expect(() => pca([], 2)).toThrow(ProjectionInputError);
    expect(() => pca([[1, 2], [1]], 1)).toThrow(/point 1 has 1 coordinates but point 0 has 2/);
    expect(() => pca([[1, NaN]], 1)).toThrow(/coordinate 1 is NaN/);
    expect(() => pca([[1, 2]], 3)).toThrow(/k = 3/);
    expect(() =>
      projectWith(
        pca(
          [
            [1, 2],
            [3, 4],
          ],
          1,
        ),
        [[1, 2, 3]],
      ),
    ).toThrow(/3 coordinates/);
  });
});
