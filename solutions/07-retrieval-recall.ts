//! Reference solution. exercises/07-retrieval-recall.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
/**
 * Exercise 07 · Text → image retrieval and recall@k
 *
 * Retrieval is zero-shot turned around: a text query is embedded once, and the images are ranked by the
 * cosine similarity of their embeddings to it. Recall@k measures a retrieval system on queries whose
 * right image is known: the fraction of queries whose right image is among the first k results.
 *
 * Your task: implement `rankImages` and `recallAtK`.
 *   - rankImages(query, images) → image indices, most similar first; equal similarities keep index order.
 *   - recallAtK(queries, images, relevantImage, k): relevantImage[q] is the index of the right image for
 *     query q; return (number of queries whose right image ranks in the top k) / (number of queries).
 *   - Bad input → RetrievalInputError: no images or no queries; embeddings of different lengths; a zero
 *     or non-finite embedding; relevantImage of a different length than queries or holding something that
 *     is not an image index; k not a whole number from 1 to the number of images.
 *
 * Hints:
 * - rankImages: compute the cosine similarity of the query with every image (dot product / (|a|·|b|)),
 *   then sort the indices [0, 1, …] by similarity, highest first: (a, b) => sim[b] - sim[a] || a - b.
 * - recallAtK: for each query q, rankImages(queries[q], images).slice(0, k).includes(relevantImage[q]).
 * - recallAtK: check relevantImage[q] with Number.isInteger and 0 ≤ index < images.length.
 *
 * Grade it: `npm run grade -- 07`. Stuck? `npm run grade -- --hint 07`.
 */

/** Queries, images, relevance labels or a k that retrieval cannot use. */
export class RetrievalInputError extends Error {
  override name = 'RetrievalInputError';
}

//! BEGIN SOLUTION ONLY
function norm(vector: readonly number[], name: string): number {
  let sumOfSquares = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) {
      throw new RetrievalInputError(`${name} holds ${value}; embeddings must be finite numbers.`);
    }
    sumOfSquares += value * value;
  }
  if (sumOfSquares === 0) {
    throw new RetrievalInputError(`${name} is the zero vector, which has no direction; check how it was computed.`);
  }
  return Math.sqrt(sumOfSquares);
}
//! END SOLUTION ONLY

/**
 * Image indices ranked by cosine similarity to the query, best first.
 *
 * @example
 * rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]);   // [1, 2, 0, 3]
 */
export function rankImages(queryEmbedding: readonly number[], imageEmbeddings: readonly (readonly number[])[]): number[] {
  // BEGIN SOLUTION
  if (imageEmbeddings.length === 0) {
    throw new RetrievalInputError('rankImages: no image embeddings; pass at least one image.');
  }
  const queryNorm = norm(queryEmbedding, 'rankImages: the query embedding');
  const similarities = imageEmbeddings.map((image, i) => {
    if (image.length !== queryEmbedding.length) {
      throw new RetrievalInputError(`rankImages: imageEmbeddings[${i}] has ${image.length} values but the query has ${queryEmbedding.length}; use embeddings from the same model.`);
    }
    const imageNorm = norm(image, `rankImages: imageEmbeddings[${i}]`);
    return image.reduce((dot, value, k) => dot + value * queryEmbedding[k], 0) / (queryNorm * imageNorm);
  });
  return similarities.map((_, i) => i).sort((a, b) => similarities[b] - similarities[a] || a - b);
  // END SOLUTION
}

/**
 * The fraction of queries whose right image is among the k best-ranked images.
 *
 * @example
 * recallAtK([[1, 0], [0, 1]], [[1, 0], [0.8, 0.6], [0, 1]], [1, 2], 1);   // 0.5
 */
export function recallAtK(
  queryEmbeddings: readonly (readonly number[])[],
  imageEmbeddings: readonly (readonly number[])[],
  relevantImage: readonly number[],
  k: number,
): number {
  // BEGIN SOLUTION
  if (queryEmbeddings.length === 0) {
    throw new RetrievalInputError('recallAtK: no queries; pass at least one query embedding.');
  }
  if (imageEmbeddings.length === 0) {
    throw new RetrievalInputError('recallAtK: no image embeddings; pass at least one image.');
  }
  if (relevantImage.length !== queryEmbeddings.length) {
    throw new RetrievalInputError(`recallAtK: ${queryEmbeddings.length} queries but ${relevantImage.length} entries in relevantImage; give the right image of every query.`);
  }
  if (!Number.isInteger(k) || k < 1 || k > imageEmbeddings.length) {
    throw new RetrievalInputError(`recallAtK: k is ${k}; pass a whole number from 1 to ${imageEmbeddings.length} (the number of images).`);
  }
  let hits = 0;
  queryEmbeddings.forEach((query, q) => {
    const right = relevantImage[q];
    if (!Number.isInteger(right) || right < 0 || right >= imageEmbeddings.length) {
      throw new RetrievalInputError(`recallAtK: relevantImage[${q}] is ${right}, not an image index from 0 to ${imageEmbeddings.length - 1}.`);
    }
    if (rankImages(query, imageEmbeddings).slice(0, k).includes(right)) hits++;
  });
  return hits / queryEmbeddings.length;
  // END SOLUTION
}
