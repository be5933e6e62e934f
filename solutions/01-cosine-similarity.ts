//! Reference solution. exercises/01-cosine-similarity.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
/**
 * Exercise 01 · L2 normalization and cosine similarity
 *
 * CLIP puts images and texts in one embedding space and compares them by the cosine of the angle
 * between their embedding vectors: 1 = same direction, 0 = unrelated (perpendicular), −1 = opposite.
 * Length does not matter, only direction, which is why CLIP first scales every embedding to length 1.
 *
 * Your task: implement `l2Normalize` and `cosineSimilarity`.
 *   - l2Normalize([3, 4]) returns [0.6, 0.8]: the same direction, length 1.
 *   - cosineSimilarity(a, b) is the dot product of the two normalized vectors.
 *   - Bad input throws the error classes below: an empty vector, vectors of different lengths or a
 *     value that is not a finite number → VectorShapeError; the zero vector → ZeroVectorError
 *     (it has no direction, so its cosine with anything is undefined).
 *   - Do not change the input arrays.
 *
 * Hints:
 * - l2Normalize: the length (L2 norm) of v is Math.sqrt(v[0]² + v[1]² + …); divide every component by it.
 * - l2Normalize: check the input before dividing: length 0 → VectorShapeError, any value failing
 *   Number.isFinite → VectorShapeError, norm 0 → ZeroVectorError.
 * - cosineSimilarity: check that a.length === b.length, normalize both, then add up a[i] * b[i].
 *
 * Grade it: `npm run grade -- 01`. Stuck? `npm run grade -- --hint 01`.
 */

/** A vector that cannot be used: empty, of the wrong length, or holding a non-finite value. */
export class VectorShapeError extends Error {
  override name = 'VectorShapeError';
}

/** The zero vector was given where a direction is needed (normalizing it would divide by zero). */
export class ZeroVectorError extends Error {
  override name = 'ZeroVectorError';
}

/**
 * The vector scaled to length 1 (same direction).
 *
 * @example
 * l2Normalize([3, 4]);   // [0.6, 0.8]
 */
export function l2Normalize(vector: readonly number[]): number[] {
  // BEGIN SOLUTION
  if (vector.length === 0) {
    throw new VectorShapeError('l2Normalize: the vector is empty; pass at least one number.');
  }
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i];
    if (!Number.isFinite(value)) {
      throw new VectorShapeError(`l2Normalize: component ${i} is ${value}, not a finite number; fix the input.`);
    }
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares);
  if (norm === 0) {
    throw new ZeroVectorError('l2Normalize: the zero vector has no direction; pass a vector with a non-zero component.');
  }
  return vector.map((value) => value / norm);
  // END SOLUTION
}

/**
 * The cosine of the angle between `a` and `b`, in [−1, 1].
 *
 * @example
 * cosineSimilarity([1, 0], [0, 1]);        // 0
 * cosineSimilarity([1, 2, 3], [4, 5, 6]);  // 0.9746318461970762
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  // BEGIN SOLUTION
  if (a.length !== b.length) {
    throw new VectorShapeError(`cosineSimilarity: a has ${a.length} components and b has ${b.length}; compare vectors of the same length.`);
  }
  const unitA = l2Normalize(a);
  const unitB = l2Normalize(b);
  let dot = 0;
  for (let i = 0; i < unitA.length; i++) dot += unitA[i] * unitB[i];
  return dot;
  // END SOLUTION
}
