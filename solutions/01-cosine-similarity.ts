//! Reference solution. exercises/01-cosine-similarity.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/01-cosine-similarity.hints.md (npm run grade -- --hint 01), never in the stub.
/**
 * Exercise 01 · L2 normalisation and cosine similarity
 *
 * The concept. CLIP puts images and texts in one embedding space and compares two embeddings by the cosine of
 * the angle between them: 1 = the same direction, 0 = unrelated (perpendicular), −1 = opposite. Only the
 * direction counts, not the length, so CLIP first scales every embedding to length 1 ("L2 normalisation").
 * Exercises 04–07 and 09 import the two functions you write here.
 *
 * Your task: implement `l2Normalize` and `cosineSimilarity`.
 *
 * l2Normalize(vector)
 *   - Input: an array of at least one number, every entry finite (not NaN, not ±Infinity).
 *   - Returns: a NEW array of the same length, pointing the same way, whose length √(Σ xᵢ²) is 1
 *     (within 1e-12). The input array is left unchanged.
 *   - Any vector with a non-zero entry has a direction, however small or large its entries: [1e-200, 0]
 *     gives [1, 0] and [3e200, 4e200] gives [0.6, 0.8].
 *   - Errors: an empty array, or an entry that is not a finite number → VectorShapeError; a vector whose
 *     entries are all 0 → ZeroVectorError (it has no direction).
 *
 * cosineSimilarity(a, b)
 *   - Input: two vectors of the same length, each valid for l2Normalize.
 *   - Returns: the cosine of the angle between them, a number in [−1, 1] — never outside it, not even by a
 *     rounding error (a vector compared with itself gives at most exactly 1).
 *   - Errors: a and b of different lengths → VectorShapeError; otherwise the errors of l2Normalize, for
 *     either vector. Neither input is changed.
 *
 * Grade it: `npm run grade -- 01`. Hints, one step at a time: `npm run grade -- --hint 01`.
 */

/** A vector that cannot be used: empty, of the wrong length, or holding a non-finite value. */
export class VectorShapeError extends Error {
  override name = 'VectorShapeError';
}

/** The zero vector was given where a direction is needed. */
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
  let largest = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i];
    if (!Number.isFinite(value)) {
      throw new VectorShapeError(`l2Normalize: entry ${i} is ${value}, not a finite number; fix the input.`);
    }
    largest = Math.max(largest, Math.abs(value));
  }
  if (largest === 0) {
    throw new ZeroVectorError('l2Normalize: the zero vector has no direction; pass a vector with a non-zero entry.');
  }
  // Scale by the largest entry first, so that squaring neither underflows (1e-200² = 0) nor overflows (1e200² = ∞).
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += (value / largest) ** 2;
  const norm = Math.sqrt(sumOfSquares);
  return vector.map((value) => value / largest / norm);
  // END SOLUTION
}

/**
 * The cosine of the angle between `a` and `b`, in [−1, 1].
 *
 * @example
 * cosineSimilarity([1, 0], [0, 1]);        // 0
 * cosineSimilarity([1, 2, 3], [4, 5, 6]);  // ≈ 0.97463 (32 / √1078, rounded to 5 decimals)
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  // BEGIN SOLUTION
  if (a.length !== b.length) {
    throw new VectorShapeError(
      `cosineSimilarity: a has ${a.length} entries and b has ${b.length}; compare vectors of the same length.`,
    );
  }
  const unitA = l2Normalize(a);
  const unitB = l2Normalize(b);
  let dot = 0;
  for (let i = 0; i < unitA.length; i++) dot += unitA[i] * unitB[i];
  return Math.min(1, Math.max(-1, dot));
  // END SOLUTION
}
