/**
 * Exercise 05 · Zero-shot classification from embeddings
 *
 * Zero-shot classification with CLIP needs no training: embed the image, embed one prompt per candidate
 * label ("a photo of a cat", "a photo of a dog", …), and the label whose embedding points most nearly
 * the same way as the image's wins. The probabilities are softmax(logitScale × cosine similarities).
 * In the mini-challenge you change the candidate labels: this is the function that then runs.
 *
 * Your task: implement `zeroShotClassify`.
 *   - Return one { label, probability } per label, sorted by probability, highest first (equal
 *     probabilities keep the input order); the probabilities sum to 1.
 *   - Embeddings need not be normalized: normalize them yourself (CLIP does).
 *   - Bad input → ZeroShotInputError: fewer than 2 labels; a different number of labels and label
 *     embeddings; a duplicated label; embeddings of different lengths; a zero or non-finite embedding;
 *     a logitScale that is not a finite number > 0.
 *
 * Hints:
 * - zeroShotClassify: cosine similarity = dot product of the two vectors divided by the product of their
 *   lengths; compute one per label.
 * - zeroShotClassify: multiply each similarity by logitScale, then take a stable softmax (subtract the
 *   largest value before Math.exp); you wrote one in exercise 02 (copy it here: exercises stand alone).
 * - zeroShotClassify: new Set(labels).size < labels.length means a label is repeated.
 *
 * Grade it: `npm run grade -- 05`. Stuck? `npm run grade -- --hint 05`.
 */
import { NotImplementedError } from './not-implemented';

/** Embeddings, labels or a logit scale that zero-shot classification cannot use. */
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
  logitScale = 100,
): LabelProbability[] {
  throw new NotImplementedError('05-zero-shot', 'zeroShotClassify');
}
