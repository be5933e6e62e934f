/**
 * Exercise 09 · Your zero-shot classifier meets a model: the shapes world, held-out pairs
 *
 * The concept. The course's mini-CLIP was trained on pictures of coloured shapes, but six colour/shape pairs
 * (a purple circle, an orange star, …) were never shown to it. Can it still name the colour and the shape of
 * those pictures? Zero-shot classification answers without any training: the class whose prompt embedding is
 * nearest the image embedding wins. Here your code classifies a whole set of images, and the checks measure it
 * on real model output: the course renders the held-out pictures, embeds them and the class prompts with the
 * mini-CLIP, and hands your functions the embeddings (number[][], 64 numbers each).
 *
 * Your task: implement `classifyImages`, `accuracy` and `confusionMatrix`. This file imports your
 * `cosineSimilarity` (exercise 01) and `softmax` (exercise 02); while one of those is unfinished the checks use
 * the course's version instead, and say so.
 *
 * classifyImages(imageEmbeddings, classEmbeddings, logitScale) → { index, score }[]
 *   - One entry per image, in image order: `index` is the class with the highest probability under
 *     softmax(cosines of the image with every class, logitScale), `score` that probability. When the computed
 *     probabilities of several classes are exactly equal and the highest, the lowest class index wins.
 *   - Errors: no images, or fewer than 2 classes → ClassifierInputError; bad embeddings → the errors of
 *     cosineSimilarity (exercise 01); a bad logitScale → the error of softmax (exercise 02), all unchanged.
 *
 * accuracy(predicted, truth) → number
 *   - The fraction of positions i where predicted[i] === truth[i], in [0, 1].
 *   - Errors → ClassifierInputError: empty arrays; arrays of different lengths; an entry that is not a whole
 *     number ≥ 0.
 *
 * confusionMatrix(predicted, truth, classCount) → number[][]
 *   - A classCount × classCount table of counts: entry [t][p] is how many images of true class t were predicted
 *     as class p. Row t sums to the number of images of class t; the diagonal holds the right answers.
 *   - Errors → ClassifierInputError: those of accuracy; classCount not a whole number ≥ 1; an entry ≥ classCount.
 *
 * No function changes its inputs.
 *
 * Grade it: `npm run grade -- 09`. Hints, one step at a time: `npm run grade -- --hint 09`.
 */
import { NotImplementedError } from './not-implemented';
import { cosineSimilarity } from './01-cosine-similarity';
import { softmax } from './02-softmax-topk';

/** Embeddings, predictions or class counts that the classifier cannot use. */
export class ClassifierInputError extends Error {
  override name = 'ClassifierInputError';
}

/** One image's predicted class and its probability. */
export interface Prediction {
  index: number;
  score: number;
}

/**
 * The most probable class of every image, with its probability.
 *
 * @example
 * classifyImages([[1, 0], [0.2, 1]], [[1, 0], [0, 1]], 10);
 * // [{ index: 0, score: 0.99995 }, { index: 1, score: 0.9996 }]
 */
export function classifyImages(
  imageEmbeddings: readonly (readonly number[])[],
  classEmbeddings: readonly (readonly number[])[],
  logitScale: number,
): Prediction[] {
  throw new NotImplementedError('09-shapes-zero-shot', 'classifyImages');
}

/**
 * The fraction of predictions that equal the true class.
 *
 * @example
 * accuracy([0, 1, 1, 2], [0, 1, 2, 2]);   // 0.75
 */
export function accuracy(predicted: readonly number[], truth: readonly number[]): number {
  throw new NotImplementedError('09-shapes-zero-shot', 'accuracy');
}

/**
 * Counts of (true class, predicted class).
 *
 * @example
 * confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3);   // [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
 */
export function confusionMatrix(
  predicted: readonly number[],
  truth: readonly number[],
  classCount: number,
): number[][] {
  throw new NotImplementedError('09-shapes-zero-shot', 'confusionMatrix');
}
