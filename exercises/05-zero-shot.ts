/**
 * Exercise 05 · Zero-shot classification from embeddings
 *
 * The concept. Zero-shot classification with CLIP needs no training: embed the image, embed one prompt per
 * candidate label ("a photo of a cat", "a photo of a dog", …), and the label whose embedding points most nearly
 * the same way as the image's wins. The probabilities are softmax(logitScale × cosine similarities). In the
 * mini-challenge (notebook 04) you change the candidate labels: this is the function that then runs.
 *
 * Your task: implement `zeroShotClassify`. This file imports your `cosineSimilarity` (exercise 01) and
 * `softmax` (exercise 02): build on them. While one of those is unfinished the checks use the course's
 * version instead, and say so.
 *
 * zeroShotClassify(imageEmbedding, labelEmbeddings, labels, logitScale) → { label, probability }[]
 *   - labelEmbeddings[i] is the embedding of labels[i]'s prompt. Embeddings need not have length 1.
 *   - `logitScale` is required (no default): 100 for OpenAI's CLIP, the model's own value otherwise.
 *   - Returns one { label, probability } per label, highest probability first; labels whose computed
 *     probabilities are exactly equal keep their input order. The probabilities are those of
 *     softmax(cosines, logitScale) and sum to 1 (within 1e-12). The inputs are not changed.
 *   - Errors, checked first, in this order → ZeroShotInputError: fewer than 2 labels; a different number of
 *     labels and label embeddings; a label that appears twice (exact string equality: "cat" and "Cat" are
 *     different labels).
 *   - Then the errors of the functions you build on pass through unchanged: a zero embedding → ZeroVectorError,
 *     an empty embedding, one of another length than the image's, or one holding a non-finite value
 *     → VectorShapeError (exercise 01); a logitScale that is not a finite number > 0 → LogitsInputError
 *     (exercise 02).
 *
 * Grade it: `npm run grade -- 05`. Hints, one step at a time: `npm run grade -- --hint 05`.
 */
import { NotImplementedError } from './not-implemented';
import { cosineSimilarity } from './01-cosine-similarity';
import { softmax } from './02-softmax-topk';

/** Labels that zero-shot classification cannot use. */
export class ZeroShotInputError extends Error {
  override name = 'ZeroShotInputError';
}

/** A candidate label and the probability the model gives it. */
export interface LabelProbability {
  label: string;
  probability: number;
}

/**
 * Probabilities of each candidate label for an image, highest first.
 *
 * @example
 * zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'dog'], 1);
 * // [{ label: 'cat', probability: 0.7311 }, { label: 'dog', probability: 0.2689 }]
 */
export function zeroShotClassify(
  imageEmbedding: readonly number[],
  labelEmbeddings: readonly (readonly number[])[],
  labels: readonly string[],
  logitScale: number,
): LabelProbability[] {
  throw new NotImplementedError('05-zero-shot', 'zeroShotClassify');
}
