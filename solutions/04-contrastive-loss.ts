//! Reference solution. exercises/04-contrastive-loss.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/04-contrastive-loss.hints.md (npm run grade -- --hint 04), never in the stub.
/**
 * Exercise 04 · CLIP's symmetric contrastive loss, and its gradient by finite differences
 *
 * The concept. CLIP is trained on batches of N matching (image, caption) pairs: row i of `imageEmbeddings` and
 * row i of `textEmbeddings` belong together, and every other pairing in the batch is a wrong answer. With all
 * rows normalised to length 1, logits[i][j] = logitScale × (image i · text j), an N×N table. Each image must
 * pick its own caption among the N captions (a cross-entropy over row i, right answer j = i), and each caption
 * its own image (a cross-entropy over column j, right answer i = j). The cross-entropy of a list of logits x
 * with right answer r is log(Σⱼ exp(xⱼ)) − x_r. Training moves the embeddings downhill on this loss; the
 * gradient says which way is downhill, and a finite-difference estimate lets you see it without calculus.
 *
 * Your task: implement `contrastiveLoss` and `lossGradient`. This file imports your `l2Normalize` from
 * exercise 01; while your 01 is unfinished the checks use the course's version instead, and say so.
 *
 * contrastiveLoss(imageEmbeddings, textEmbeddings, logitScale) → { loss, imageToText, textToImage }
 *   - imageToText = the mean over the N rows of their cross-entropies; textToImage = the mean over the N
 *     columns; loss = (imageToText + textToImage) / 2. `logitScale` is the multiplier itself (CLIP's is 100).
 *   - Embeddings need not have length 1: every row is normalised first (so only directions count).
 *   - The result is finite and ≥ 0 for any valid input, also when logitScale × cosine is in the thousands.
 *   - Errors, checked in this order: logitScale not a finite number > 0; an empty batch; a different number
 *     of images and texts; a row (of either) whose length differs from imageEmbeddings[0]'s
 *     → ContrastiveInputError. Then every row goes through l2Normalize, whose errors (VectorShapeError,
 *     ZeroVectorError of exercise 01) pass through unchanged: an empty row (all rows empty) → VectorShapeError.
 *
 * lossGradient(imageEmbeddings, textEmbeddings, logitScale, step = 1e-5) → number[][]
 *   - The gradient of `loss` with respect to every entry of imageEmbeddings, estimated by central
 *     differences: entry [i][k] is (loss with x_ik + step − loss with x_ik − step) / (2 × step), where only
 *     that one entry of that one image is moved. The texts stay fixed. Same shape as imageEmbeddings.
 *   - The inputs are not changed. Errors: those of contrastiveLoss; step not a finite number > 0
 *     → ContrastiveInputError.
 *
 * Grade it: `npm run grade -- 04`. Hints, one step at a time: `npm run grade -- --hint 04`.
 */
import { l2Normalize } from './01-cosine-similarity';

/** Embeddings, a logit scale or a step that the contrastive loss cannot use. */
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
    throw new ContrastiveInputError(
      `contrastiveLoss: logitScale is ${logitScale}; pass a finite number greater than 0 (CLIP uses 100).`,
    );
  }
  const n = imageEmbeddings.length;
  if (n === 0) {
    throw new ContrastiveInputError('contrastiveLoss: the batch is empty; pass at least one (image, text) pair.');
  }
  if (textEmbeddings.length !== n) {
    throw new ContrastiveInputError(
      `contrastiveLoss: ${n} image embeddings but ${textEmbeddings.length} text embeddings; row i of each must be a matching pair.`,
    );
  }
  const width = imageEmbeddings[0].length;
  [imageEmbeddings, textEmbeddings].forEach((rows, which) =>
    rows.forEach((row, i) => {
      if (row.length !== width) {
        const name = which === 0 ? 'imageEmbeddings' : 'textEmbeddings';
        throw new ContrastiveInputError(
          `contrastiveLoss: ${name}[${i}] has ${row.length} values but imageEmbeddings[0] has ${width}; every embedding needs the same length.`,
        );
      }
    }),
  );
  const images = imageEmbeddings.map((row) => l2Normalize(row));
  const texts = textEmbeddings.map((row) => l2Normalize(row));
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

/**
 * d loss / d imageEmbeddings[i][k] for every i, k, by central differences.
 *
 * @example
 * lossGradient([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1);
 * // [[0, 0.1345], [0.1345, 0]]   (moving image 0 towards text 1 raises the loss)
 */
export function lossGradient(
  imageEmbeddings: readonly (readonly number[])[],
  textEmbeddings: readonly (readonly number[])[],
  logitScale: number,
  step = 1e-5,
): number[][] {
  // BEGIN SOLUTION
  if (!Number.isFinite(step) || step <= 0) {
    throw new ContrastiveInputError(`lossGradient: step is ${step}; pass a small finite number > 0, e.g. 1e-5.`);
  }
  contrastiveLoss(imageEmbeddings, textEmbeddings, logitScale); // every input check, once
  const moved = imageEmbeddings.map((row) => [...row]);
  return imageEmbeddings.map((row, i) =>
    row.map((value, k) => {
      moved[i][k] = value + step;
      const up = contrastiveLoss(moved, textEmbeddings, logitScale).loss;
      moved[i][k] = value - step;
      const down = contrastiveLoss(moved, textEmbeddings, logitScale).loss;
      moved[i][k] = value;
      return (up - down) / (2 * step);
    }),
  );
  // END SOLUTION
}
