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
import { NotImplementedError } from './not-implemented';
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
  throw new NotImplementedError('04-contrastive-loss', 'contrastiveLoss');
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
  throw new NotImplementedError('04-contrastive-loss', 'lossGradient');
}
