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
import { NotImplementedError } from './not-implemented';

/** Queries, images, relevance labels or a k that retrieval cannot use. */
export class RetrievalInputError extends Error {
  override name = 'RetrievalInputError';
}

/**
 * Image indices ranked by cosine similarity to the query, best first.
 *
 * @example
 * rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]);   // [1, 2, 0, 3]
 */
export function rankImages(queryEmbedding: readonly number[], imageEmbeddings: readonly (readonly number[])[]): number[] {
  throw new NotImplementedError('07-retrieval-recall', 'rankImages');
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
  throw new NotImplementedError('07-retrieval-recall', 'recallAtK');
}
