/**
 * Exercise 02 · A numerically stable softmax with a logit scale, and top-k
 *
 * CLIP turns similarities into probabilities with a softmax over `logitScale × similarity`. Its trained
 * logit scale is 100 (it learns the logarithm, 4.6052, and uses exp of it), so the softmax sees
 * numbers up to ±100, and exp(1000) is already Infinity in JavaScript. A stable softmax subtracts the
 * largest logit before calling Math.exp: the result is mathematically the same and never overflows.
 *
 * Your task: implement `softmax` and `topK`.
 *   - softmax(logits, logitScale) = exp(s·xᵢ) / Σⱼ exp(s·xⱼ), computed stably; it sums to 1.
 *   - topK(probabilities, k): the k largest entries as { index, probability }, largest first; equal
 *     probabilities keep their original order (lower index first).
 *   - Bad input: empty logits, a non-finite logit, a logit scale that is not a finite number > 0
 *     → LogitsInputError; empty probabilities or k not an integer in 1..length → TopKError.
 *   - Do not change the input arrays.
 *
 * Hints:
 * - softmax: multiply every logit by logitScale first, then find the largest scaled logit m.
 * - softmax: compute Math.exp(x - m) for every scaled logit x, then divide each by their sum.
 *   exp(x - m) ≤ 1, so nothing overflows, and the common factor exp(-m) cancels in the division.
 * - topK: pair every probability with its index, sort a copy by probability (descending, then by
 *   index ascending), and keep the first k.
 *
 * Grade it: `npm run grade -- 02`. Stuck? `npm run grade -- --hint 02`.
 */
import { NotImplementedError } from './not-implemented';

/** Logits or a logit scale that softmax cannot use. */
export class LogitsInputError extends Error {
  override name = 'LogitsInputError';
}

/** Probabilities or a k that topK cannot use. */
export class TopKError extends Error {
  override name = 'TopKError';
}

/** One entry of a top-k list: where it was in the input, and its probability. */
export interface RankedProbability {
  index: number;
  probability: number;
}

/**
 * Probabilities from logits: softmax(logitScale × logits), computed without overflow.
 *
 * @example
 * softmax([1, 2, 3]);          // [0.0900, 0.2447, 0.6652]
 * softmax([0.1, 0.2], 100);    // [0.0000454, 0.9999546]
 * softmax([1000, 1001, 1002]); // [0.0900, 0.2447, 0.6652] (no NaN)
 */
export function softmax(logits: readonly number[], logitScale = 1): number[] {
  throw new NotImplementedError('02-softmax-topk', 'softmax');
}

/**
 * The k largest probabilities, largest first (ties: lower index first).
 *
 * @example
 * topK([0.1, 0.6, 0.3], 2);   // [{ index: 1, probability: 0.6 }, { index: 2, probability: 0.3 }]
 */
export function topK(probabilities: readonly number[], k: number): RankedProbability[] {
  throw new NotImplementedError('02-softmax-topk', 'topK');
}
