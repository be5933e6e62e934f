//! Reference solution. exercises/04-contrastive-loss.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
/**
 * Exercise 04 · CLIP's symmetric contrastive loss, in plain TypeScript
 *
 * CLIP is trained on a batch of N matching (image, caption) pairs. Row i of `imageEmbeddings` and row i
 * of `textEmbeddings` belong together; every other pairing in the batch is a wrong answer.
 *   1. Normalize every row to length 1.
 *   2. logits[i][j] = logitScale × (image i · text j): an N×N table of scaled cosine similarities.
 *   3. imageToText = the mean over rows i of the cross-entropy of row i with the right answer j = i
 *      (each image must pick its own caption among the N captions).
 *   4. textToImage = the same over columns (each caption must pick its own image among the N images).
 *   5. loss = (imageToText + textToImage) / 2.
 * The cross-entropy of a row x with right answer r is log(Σⱼ exp(xⱼ)) − x_r.
 * `logitScale` here is the multiplier itself (CLIP's trained value is 100).
 *
 * Your task: implement `contrastiveLoss`.
 *   - It must stay finite for large logits: with logitScale 1000, exp(1000) is Infinity in JavaScript.
 *   - Bad input → ContrastiveInputError: an empty batch; a different number of images and texts;
 *     rows of different lengths; a zero or non-finite row; a logitScale that is not a finite number > 0.
 *
 * Hints:
 * - contrastiveLoss: write a helper logSumExp(xs) = m + Math.log(Σ Math.exp(x − m)) with m = Math.max(...xs);
 *   it is the stable form of Math.log(Σ Math.exp(x)).
 * - contrastiveLoss: build the N×N logits table once; row i is logits[i], column j is logits.map((row) => row[j]).
 * - contrastiveLoss: the right answer of row i is column i (the diagonal): add up logSumExp(row) − row[i]
 *   over the rows and divide by N; do the same over the columns.
 *
 * Grade it: `npm run grade -- 04`. Stuck? `npm run grade -- --hint 04`.
 */

/** Embeddings or a logit scale that the contrastive loss cannot use. */
export class ContrastiveInputError extends Error {
  override name = 'ContrastiveInputError';
}

/** The loss and its two directions (each a mean over the batch). */
export interface ContrastiveLoss {
  /** (imageToText + textToImage) / 2 */
  loss: number;
  /** Mean cross-entropy of each image choosing its own caption (rows of the logits). */
  imageToText: number;
  /** Mean cross-entropy of each caption choosing its own image (columns of the logits). */
  textToImage: number;
}

//! BEGIN SOLUTION ONLY
function normalizeRows(rows: readonly (readonly number[])[], name: string, width: number): number[][] {
  return rows.map((row, i) => {
    if (row.length !== width) {
      throw new ContrastiveInputError(`contrastiveLoss: ${name}[${i}] has ${row.length} values but row 0 of the images has ${width}; every embedding needs the same length.`);
    }
    let sumOfSquares = 0;
    for (const value of row) {
      if (!Number.isFinite(value)) {
        throw new ContrastiveInputError(`contrastiveLoss: ${name}[${i}] holds ${value}; embeddings must be finite numbers.`);
      }
      sumOfSquares += value * value;
    }
    if (sumOfSquares === 0) {
      throw new ContrastiveInputError(`contrastiveLoss: ${name}[${i}] is the zero vector, which has no direction; remove it or fix it.`);
    }
    const norm = Math.sqrt(sumOfSquares);
    return row.map((value) => value / norm);
  });
}

function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - m);
  return m + Math.log(sum);
}
//! END SOLUTION ONLY

/**
 * CLIP's symmetric contrastive loss of a batch of matching (image, text) embedding pairs.
 *
 * @example
 * contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1);
 * // { loss: 0.3133, imageToText: 0.3133, textToImage: 0.3133 }   (= log(1 + e⁻¹))
 */
export function contrastiveLoss(
  imageEmbeddings: readonly (readonly number[])[],
  textEmbeddings: readonly (readonly number[])[],
  logitScale: number,
): ContrastiveLoss {
  // BEGIN SOLUTION
  if (!Number.isFinite(logitScale) || logitScale <= 0) {
    throw new ContrastiveInputError(`contrastiveLoss: logitScale is ${logitScale}; pass a finite number greater than 0 (CLIP uses 100).`);
  }
  const n = imageEmbeddings.length;
  if (n === 0) {
    throw new ContrastiveInputError('contrastiveLoss: the batch is empty; pass at least one (image, text) pair.');
  }
  if (textEmbeddings.length !== n) {
    throw new ContrastiveInputError(`contrastiveLoss: ${n} image embeddings but ${textEmbeddings.length} text embeddings; row i of each must be a matching pair.`);
  }
  const width = imageEmbeddings[0].length;
  if (width === 0) {
    throw new ContrastiveInputError('contrastiveLoss: imageEmbeddings[0] is empty; embeddings need at least one value.');
  }
  const images = normalizeRows(imageEmbeddings, 'imageEmbeddings', width);
  const texts = normalizeRows(textEmbeddings, 'textEmbeddings', width);
  const logits = images.map((image) =>
    texts.map((text) => logitScale * image.reduce((dot, value, k) => dot + value * text[k], 0)),
  );
  let imageToText = 0;
  let textToImage = 0;
  for (let i = 0; i < n; i++) {
    imageToText += logSumExp(logits[i]) - logits[i][i];
    textToImage += logSumExp(logits.map((row) => row[i])) - logits[i][i];
  }
  imageToText /= n;
  textToImage /= n;
  return { loss: (imageToText + textToImage) / 2, imageToText, textToImage };
  // END SOLUTION
}
