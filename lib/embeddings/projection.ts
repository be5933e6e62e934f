/**
 * Principal component analysis (PCA) to look at embeddings: project many-dimensional vectors onto the 2 or 3
 * directions along which they vary most, so that image and text embeddings can be drawn in one picture.
 *
 * The decomposition itself is ml-pca's (a singular value decomposition of the centred points, from ml-matrix);
 * this module adds what the course's pictures need on top: input checks with typed errors, a fixed sign per
 * component (so the same input always gives the same picture), and zero-variance directions filled in with unit
 * vectors orthogonal to the others. Learners never see this code: notebook 01 only names the file.
 *
 * ```ts
 * import { pca } from './lib/embeddings/index';
 * const result = pca([[2, 0], [0, 0], [-2, 0], [0, 1], [0, -1]], 1);
 * result.components;              // [[1, 0]]  (the x axis: the points spread most along x)
 * result.projected;               // [[2], [0], [-2], [0], [0]]
 * result.explainedVarianceRatio;  // [0.8]
 * ```
 */
import { PCA } from 'ml-pca';
import { CourseError } from '../course/errors';

/** Thrown for input PCA cannot work with: no points, rows of different lengths, NaN/Infinity, a bad `k`. */
export class ProjectionInputError extends CourseError {}

/** One point per row; each row any array-like of numbers (number[], Float32Array, …). */
export type PointRows = ReadonlyArray<ArrayLike<number>>;

export interface PcaResult {
  /** The mean of the input points (length d); it is subtracted before projecting. */
  mean: number[];
  /**
   * The principal directions, k unit vectors of length d, largest variance first. Sign convention: in each
   * direction the entry of largest magnitude is positive (the first such entry on a tie), so the same input
   * always gives the same picture.
   */
  components: number[][];
  /** The variance of the points along each component (sample variance, divided by n − 1). */
  explainedVariance: number[];
  /** Each component's share of the total variance (0 when all points coincide). */
  explainedVarianceRatio: number[];
  /** The input points in the new coordinates, n rows of k numbers. */
  projected: number[][];
}

function checkedRows(points: PointRows, what: string): number[][] {
  if (!Array.isArray(points) || points.length === 0) {
    throw new ProjectionInputError(
      `${what}: expected a non-empty array of points (one row of numbers per point), got ${
        Array.isArray(points) ? 'an empty array' : typeof points
      }. Pass at least one point, e.g. [[0.1, 0.2], [0.3, 0.4]].`,
    );
  }
  const d = points[0]?.length ?? 0;
  if (d === 0) {
    throw new ProjectionInputError(`${what}: point 0 has no coordinates. Every point needs at least one number.`);
  }
  return points.map((row, i) => {
    if (row == null || row.length !== d) {
      throw new ProjectionInputError(
        `${what}: point ${i} has ${row == null ? 'no' : row.length} coordinates but point 0 has ${d}. ` +
          'All points must have the same dimension (embed them with the same model).',
      );
    }
    const out = Array.from(row, Number);
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ProjectionInputError(
        `${what}: point ${i}, coordinate ${bad} is ${out[bad]}. Remove or fix non-finite values before projecting.`,
      );
    }
    return out;
  });
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function normalize(v: number[]): number[] {
  const n = Math.sqrt(dot(v, v));
  return n > 0 ? v.map((x) => x / n) : v;
}

/** Flips `v` so that its entry of largest magnitude is positive (the first one on a tie). */
function applySignConvention(v: number[]): number[] {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best]) + 1e-12) best = i;
  return v[best] < 0 ? v.map((x) => -x) : v;
}

/** A unit vector orthogonal to all of `basis` (Gram–Schmidt over the standard basis), for zero-variance directions. */
function orthogonalComplementVector(basis: number[][], d: number): number[] {
  for (let e = 0; e < d; e++) {
    let v: number[] = Array.from({ length: d }, (_, i) => (i === e ? 1 : 0));
    for (const b of basis) {
      const proj = dot(v, b);
      v = v.map((x, i) => x - proj * b[i]);
    }
    const n = Math.sqrt(dot(v, v));
    if (n > 1e-6) return applySignConvention(v.map((x) => x / n));
  }
  throw new ProjectionInputError(`no direction left: asked for more than ${d} components in ${d} dimensions.`);
}

/**
 * Principal component analysis: the k directions of largest variance of `points`, and every point's
 * coordinates along them. The components are ml-pca's (SVD of the centred points), each flipped so that its
 * entry of largest magnitude is positive.
 *
 * When fewer than k directions have any variance, the remaining components are unit vectors orthogonal to
 * the others, with variance 0.
 *
 * ```ts
 * const { components, projected, explainedVarianceRatio } = pca([[2, 0], [0, 0], [-2, 0], [0, 1], [0, -1]], 2);
 * components;               // [[1, 0], [0, 1]]
 * projected[0];             // [2, 0]
 * explainedVarianceRatio;   // [0.8, 0.2]
 * ```
 */
export function pca(points: PointRows, k = 2): PcaResult {
  const rows = checkedRows(points, 'pca');
  const n = rows.length;
  const d = rows[0].length;
  if (!Number.isInteger(k) || k < 1 || k > d) {
    throw new ProjectionInputError(
      `pca: k = ${k} components asked of ${d}-dimensional points. Use a whole number from 1 to ${d}.`,
    );
  }
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const centred = rows.map((r) => r.map((x, j) => x - mean[j]));
  const totalVariance = centred.reduce((s, r) => s + dot(r, r), 0) / Math.max(n - 1, 1);
  const tolerance = 1e-10 * Math.max(totalVariance, 1e-300);

  const components: number[][] = [];
  const explainedVariance: number[] = [];
  if (n > 1 && totalVariance > 0) {
    // ml-pca: SVD of the centred points; eigenvalues = singular values² / (n − 1), largest first;
    // eigenvectors are the columns of getEigenvectors() (d × min(n, d)).
    const fit = new PCA(rows, { center: true, scale: false, method: 'SVD' });
    const values = fit.getEigenvalues();
    const vectors = fit.getEigenvectors();
    for (let c = 0; c < Math.min(k, values.length); c++) {
      if (!(values[c] > tolerance)) break;
      components.push(applySignConvention(normalize(vectors.getColumn(c))));
      explainedVariance.push(values[c]);
    }
  }
  while (components.length < k) {
    components.push(orthogonalComplementVector(components, d));
    explainedVariance.push(0);
  }
  const projected = centred.map((r) => components.map((c) => dot(r, c)));
  return {
    mean,
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
    projected,
  };
}

/**
 * Projects new points with an existing PCA (same mean and components), e.g. text embeddings into the plane
 * fitted on image embeddings.
 *
 * ```ts
 * const fit = pca([[2, 0], [-2, 0], [0, 1], [0, -1]], 1);
 * projectWith(fit, [[3, 5]]);   // [[3]]
 * ```
 */
export function projectWith(fit: Pick<PcaResult, 'mean' | 'components'>, points: PointRows): number[][] {
  const rows = checkedRows(points, 'projectWith');
  if (rows[0].length !== fit.mean.length) {
    throw new ProjectionInputError(
      `projectWith: the points have ${rows[0].length} coordinates but the PCA was fitted on ${fit.mean.length}. ` +
        'Project points of the same dimension as the fit.',
    );
  }
  return rows.map((r) => fit.components.map((c) => r.reduce((s, x, j) => s + (x - fit.mean[j]) * c[j], 0)));
}
