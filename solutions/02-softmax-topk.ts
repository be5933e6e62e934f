//! Reference solution. exercises/02-softmax-topk.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
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
  // BEGIN SOLUTION
  if (!Number.isFinite(logitScale) || logitScale <= 0) {
    throw new LogitsInputError(`softmax: logitScale is ${logitScale}; pass a finite number greater than 0 (CLIP uses 100).`);
  }
  if (logits.length === 0) {
    throw new LogitsInputError('softmax: logits is empty; pass at least one logit.');
  }
  const scaled = logits.map((logit, i) => {
    if (!Number.isFinite(logit)) {
      throw new LogitsInputError(`softmax: logit ${i} is ${logit}, not a finite number; fix the input.`);
    }
    return logit * logitScale;
  });
  const largest = Math.max(...scaled);
  const exps = scaled.map((x) => Math.exp(x - largest));
  const sum = exps.reduce((total, e) => total + e, 0);
  return exps.map((e) => e / sum);
  // END SOLUTION
}

/**
 * The k largest probabilities, largest first (ties: lower index first).
 *
 * @example
 * topK([0.1, 0.6, 0.3], 2);   // [{ index: 1, probability: 0.6 }, { index: 2, probability: 0.3 }]
 */
export function topK(probabilities: readonly number[], k: number): RankedProbability[] {
  // BEGIN SOLUTION
  if (probabilities.length === 0) {
    throw new TopKError('topK: probabilities is empty; pass at least one probability.');
  }
  if (!Number.isInteger(k) || k < 1 || k > probabilities.length) {
    throw new TopKError(`topK: k is ${k}; pass a whole number from 1 to ${probabilities.length} (the number of probabilities).`);
  }
  return probabilities
    .map((probability, index) => ({ index, probability }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k);
  // END SOLUTION
}
