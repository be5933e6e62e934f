/**
 * Principal component analysis (PCA) to look at embeddings: project many-dimensional vectors onto the 2 or 3
 * directions along which they vary most, so that image and text embeddings can be drawn in one picture.
 *
 * Plain TypeScript on number arrays (no TensorFlow.js): the point clouds drawn in the course are small
 * (tens of points, up to a few hundred dimensions), and a deterministic, exact answer matters more than speed.
 *
 * ```ts
 * import { pca } from './lib/embeddings/index';
 * const result = pca([[2, 0], [0, 0], [-2, 0], [0, 1], [0, -1]], 1);
 * result.components;              // [[1, 0]]  (the x axis: the points spread most along x)
 * result.projected;               // [[2], [0], [-2], [0], [0]]
 * result.explainedVarianceRatio;  // [0.8]
 * ```
 */
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

/** The eigen-decomposition of a symmetric matrix: values sorted largest first, vectors[i] goes with values[i]. */
export interface SymmetricEigen {
  values: number[];
  vectors: number[][];
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

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method (exact to rounding, no
 * random start). Values largest first; each vector has unit length and the sign convention of `pca`.
 *
 * ```ts
 * symmetricEigen([[2, 1], [1, 2]]);
 * // { values: [3, 1], vectors: [[0.7071, 0.7071], [0.7071, -0.7071]] }
 * ```
 */
export function symmetricEigen(matrix: ReadonlyArray<ArrayLike<number>>): SymmetricEigen {
  const n = matrix.length;
  const a = checkedRows(matrix, 'symmetricEigen');
  if (a[0].length !== n) {
    throw new ProjectionInputError(`symmetricEigen: expected a square matrix, got ${n}×${a[0].length}.`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const scale = Math.max(1, Math.abs(a[i][j]), Math.abs(a[j][i]));
      if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * scale) {
        throw new ProjectionInputError(
          `symmetricEigen: the matrix is not symmetric (entry [${i}][${j}] = ${a[i][j]} but [${j}][${i}] = ${a[j][i]}). ` +
            'Pass a covariance or Gram matrix.',
        );
      }
    }
  }
  // v holds the eigenvectors as columns.
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300) || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p][q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j][j] - a[i][i] || i - j);
  return {
    values: order.map((i) => a[i][i]),
    vectors: order.map((i) => applySignConvention(normalize(v.map((row) => row[i])))),
  };
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
 * coordinates along them. Deterministic (Jacobi eigen-decomposition and a fixed sign convention).
 *
 * Works on the d×d covariance when there are more points than dimensions, else on the n×n Gram matrix of
 * the centred points (same non-zero eigenvalues), so 20 CLIP embeddings of dimension 512 cost a 20×20 problem.
 * When fewer than k directions have any variance, the remaining components are unit vectors orthogonal to
 * the others, with variance 0.
 *
 * ```ts
 * const { projected, explainedVarianceRatio } = pca(embeddings, 2);
 * projected[0];             // [0.41, -0.12]  (the first point, in the plane of the two main directions)
 * explainedVarianceRatio;   // [0.56, 0.21]
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
  const denom = Math.max(n - 1, 1);
  const totalVariance = centred.reduce((s, r) => s + dot(r, r), 0) / denom;
  const tolerance = 1e-10 * Math.max(totalVariance, 1e-300);

  const components: number[][] = [];
  const explainedVariance: number[] = [];
  if (n > d) {
    const cov = Array.from({ length: d }, (_, i) =>
      Array.from({ length: d }, (_, j) => centred.reduce((s, r) => s + r[i] * r[j], 0) / denom),
    );
    const eig = symmetricEigen(cov);
    for (let c = 0; c < k; c++) {
      if (eig.values[c] > tolerance) {
        components.push(eig.vectors[c]);
        explainedVariance.push(eig.values[c]);
      }
    }
  } else {
    const gram = centred.map((ri) => centred.map((rj) => dot(ri, rj) / denom));
    const eig = symmetricEigen(gram);
    for (let c = 0; c < k && c < n; c++) {
      if (eig.values[c] <= tolerance) break;
      // Covariance eigenvector = Xcᵀ u, normalised.
      const u = eig.vectors[c];
      const v = Array.from({ length: d }, (_, j) => centred.reduce((s, r, i) => s + r[j] * u[i], 0));
      components.push(applySignConvention(normalize(v)));
      explainedVariance.push(eig.values[c]);
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
