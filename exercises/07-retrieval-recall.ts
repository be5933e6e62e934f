/**
 * Exercise 07 · Text → image retrieval and recall@k
 *
 * The concept. Retrieval is zero-shot turned around: a text query is embedded once, and the images are ranked
 * by the cosine similarity of their embeddings to it. Recall@k measures a retrieval system on queries whose
 * right image is known: the fraction of queries whose right image is among the first k results. The checks
 * also run your functions on the shapes world, embedded by the course's mini-CLIP — where a caption that does
 * not say the size fits two images, and recall@1 shows it.
 *
 * Your task: implement `rankImages` and `recallAtK`. This file imports your `cosineSimilarity` from exercise
 * 01; while your 01 is unfinished the checks use the course's version instead, and say so.
 *
 * rankImages(queryEmbedding, imageEmbeddings) → number[]
 *   - Every image index exactly once, ordered by the cosine similarity of that image with the query, highest
 *     first. Images whose computed cosines are exactly equal keep their index order (lower index first).
 *   - Errors: no images → RetrievalInputError; a bad embedding (zero, non-finite, or of another length than
 *     the query) → the errors of cosineSimilarity (exercise 01), unchanged.
 *
 * recallAtK(queryEmbeddings, imageEmbeddings, relevantImage, k) → number
 *   - relevantImage[q] is the index of the one right image for query q. Returns (number of queries whose right
 *     image is among the first k of rankImages) / (number of queries), a number in [0, 1].
 *   - Errors → RetrievalInputError, all checked before any ranking: no queries; no images; relevantImage of
 *     another length than the queries; an entry of relevantImage that is not a whole number from 0 to
 *     (number of images − 1); k not a whole number from 1 to the number of images. Bad embeddings → the
 *     errors of exercise 01, as above.
 *
 * Neither function changes its inputs.
 *
 * Grade it: `npm run grade -- 07`. Hints, one step at a time: `npm run grade -- --hint 07`.
 */
import { NotImplementedError } from './not-implemented';
import { cosineSimilarity } from './01-cosine-similarity';

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
export function rankImages(
  queryEmbedding: readonly number[],
  imageEmbeddings: readonly (readonly number[])[],
): number[] {
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
