//! Reference solution. exercises/09-shapes-zero-shot.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/09-shapes-zero-shot.hints.md (npm run grade -- --hint 09), never in the stub.
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

//! BEGIN SOLUTION ONLY
function checkLabels(predicted: readonly number[], truth: readonly number[], caller: string): void {
  if (predicted.length === 0) {
    throw new ClassifierInputError(`${caller}: no predictions; pass at least one.`);
  }
  if (predicted.length !== truth.length) {
    throw new ClassifierInputError(
      `${caller}: ${predicted.length} predictions but ${truth.length} true classes; pass one true class per prediction.`,
    );
  }
  [predicted, truth].forEach((list, which) =>
    list.forEach((value, i) => {
      if (!Number.isInteger(value) || value < 0) {
        throw new ClassifierInputError(
          `${caller}: ${which === 0 ? 'predicted' : 'truth'}[${i}] is ${value}; a class is a whole number ≥ 0.`,
        );
      }
    }),
  );
}
//! END SOLUTION ONLY

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
  // BEGIN SOLUTION
  if (imageEmbeddings.length === 0) {
    throw new ClassifierInputError('classifyImages: no images; pass at least one image embedding.');
  }
  if (classEmbeddings.length < 2) {
    throw new ClassifierInputError(
      `classifyImages: ${classEmbeddings.length} class(es); classification needs at least 2 class embeddings.`,
    );
  }
  return imageEmbeddings.map((image) => {
    const p = softmax(
      classEmbeddings.map((c) => cosineSimilarity(image, c)),
      logitScale,
    );
    let best = 0;
    for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
    return { index: best, score: p[best] };
  });
  // END SOLUTION
}

/**
 * The fraction of predictions that equal the true class.
 *
 * @example
 * accuracy([0, 1, 1, 2], [0, 1, 2, 2]);   // 0.75
 */
export function accuracy(predicted: readonly number[], truth: readonly number[]): number {
  // BEGIN SOLUTION
  checkLabels(predicted, truth, 'accuracy');
  return predicted.filter((p, i) => p === truth[i]).length / predicted.length;
  // END SOLUTION
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
  // BEGIN SOLUTION
  checkLabels(predicted, truth, 'confusionMatrix');
  if (!Number.isInteger(classCount) || classCount < 1) {
    throw new ClassifierInputError(`confusionMatrix: classCount is ${classCount}; pass a whole number ≥ 1.`);
  }
  const table = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i];
    if (t >= classCount || p >= classCount) {
      throw new ClassifierInputError(
        `confusionMatrix: entry ${i} has true class ${t} and predicted class ${p}, but there are only ${classCount} classes (0 to ${classCount - 1}).`,
      );
    }
    table[t][p]++;
  });
  return table;
  // END SOLUTION
}
