//! Reference solution. exercises/05-zero-shot.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
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

/** Embeddings, labels or a logit scale that zero-shot classification cannot use. */
export class ZeroShotInputError extends Error {
  override name = 'ZeroShotInputError';
}

/** A candidate label and the probability the model gives it. */
export interface LabelProbability {
  label: string;
  probability: number;
}

//! BEGIN SOLUTION ONLY
function unit(vector: readonly number[], name: string): number[] {
  let sumOfSquares = 0;
  for (const value of vector) {
    if (!Number.isFinite(value)) {
      throw new ZeroShotInputError(`zeroShotClassify: ${name} holds ${value}; embeddings must be finite numbers.`);
    }
    sumOfSquares += value * value;
  }
  if (sumOfSquares === 0) {
    throw new ZeroShotInputError(`zeroShotClassify: ${name} is the zero vector, which has no direction; check how it was computed.`);
  }
  const norm = Math.sqrt(sumOfSquares);
  return vector.map((value) => value / norm);
}
//! END SOLUTION ONLY

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
  // BEGIN SOLUTION
  if (!Number.isFinite(logitScale) || logitScale <= 0) {
    throw new ZeroShotInputError(`zeroShotClassify: logitScale is ${logitScale}; pass a finite number greater than 0 (CLIP uses 100).`);
  }
  if (labels.length < 2) {
    throw new ZeroShotInputError(`zeroShotClassify: ${labels.length} label(s) given; classification needs at least 2 candidate labels.`);
  }
  if (labelEmbeddings.length !== labels.length) {
    throw new ZeroShotInputError(`zeroShotClassify: ${labels.length} labels but ${labelEmbeddings.length} label embeddings; pass one embedding per label.`);
  }
  if (new Set(labels).size !== labels.length) {
    throw new ZeroShotInputError('zeroShotClassify: a label appears twice; make the candidate labels distinct.');
  }
  const image = unit(imageEmbedding, 'imageEmbedding');
  const scaled = labelEmbeddings.map((embedding, i) => {
    if (embedding.length !== image.length) {
      throw new ZeroShotInputError(`zeroShotClassify: labelEmbeddings[${i}] has ${embedding.length} values but the image embedding has ${image.length}; use embeddings from the same model.`);
    }
    const text = unit(embedding, `labelEmbeddings[${i}]`);
    return logitScale * text.reduce((dot, value, k) => dot + value * image[k], 0);
  });
  const largest = Math.max(...scaled);
  const exps = scaled.map((x) => Math.exp(x - largest));
  const sum = exps.reduce((total, e) => total + e, 0);
  return labels
    .map((label, i) => ({ label, probability: exps[i] / sum, i }))
    .sort((a, b) => b.probability - a.probability || a.i - b.i)
    .map(({ label, probability }) => ({ label, probability }));
  // END SOLUTION
}
