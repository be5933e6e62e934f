//! Reference solution. exercises/07-retrieval-recall.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/07-retrieval-recall.hints.md (npm run grade -- --hint 07), never in the stub.
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
  // BEGIN SOLUTION
  if (imageEmbeddings.length === 0) {
    throw new RetrievalInputError('rankImages: no image embeddings; pass at least one image.');
  }
  const similarities = imageEmbeddings.map((image) => cosineSimilarity(queryEmbedding, image));
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
    throw new RetrievalInputError(
      `recallAtK: ${queryEmbeddings.length} queries but ${relevantImage.length} entries in relevantImage; give the right image of every query.`,
    );
  }
  relevantImage.forEach((right, q) => {
    if (!Number.isInteger(right) || right < 0 || right >= imageEmbeddings.length) {
      throw new RetrievalInputError(
        `recallAtK: relevantImage[${q}] is ${right}, not an image index from 0 to ${imageEmbeddings.length - 1}.`,
      );
    }
  });
  if (!Number.isInteger(k) || k < 1 || k > imageEmbeddings.length) {
    throw new RetrievalInputError(
      `recallAtK: k is ${k}; pass a whole number from 1 to ${imageEmbeddings.length} (the number of images).`,
    );
  }
  let hits = 0;
  queryEmbeddings.forEach((query, q) => {
    if (rankImages(query, imageEmbeddings).slice(0, k).includes(relevantImage[q])) hits++;
  });
  return hits / queryEmbeddings.length;
  // END SOLUTION
}
