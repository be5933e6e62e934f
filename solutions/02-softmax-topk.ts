//! Reference solution. exercises/02-softmax-topk.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/02-softmax-topk.hints.md (npm run grade -- --hint 02), never in the stub.
/**
 * Exercise 02 · Softmax with a logit scale, and top-k
 *
 * The concept. CLIP turns the cosine similarities of an image with N prompts into N probabilities with a
 * softmax of `logitScale × similarity`. The logit scale (the inverse of a temperature) is learned; OpenAI's
 * CLIP ends at 100, the course's mini-CLIP at about 18. Cosines lie in [−1, 1], so with scale 100 the softmax
 * sees numbers up to ±100 — and in JavaScript Math.exp(710) is already Infinity. The scale changes how sure
 * the model sounds, never which prompt wins.
 *
 * Your task: implement `softmax` and `topK`.
 *
 * softmax(logits, logitScale)
 *   - Input: at least one finite number; `logitScale` is required (there is no default: pass 100 for
 *     OpenAI's CLIP) and must be a finite number > 0.
 *   - Returns: a new array p with pᵢ = exp(s·xᵢ) / Σⱼ exp(s·xⱼ) for s = logitScale; every pᵢ is a finite
 *     number in [0, 1] and Σ pᵢ = 1 within 1e-12, for ANY finite logits and scale: logits anywhere in
 *     float64's range (up to ±1.7e308), at any finite scale > 0, and any number of them (e.g. [1000, 1001],
 *     [-1000, -1000], or 200,000 logits). A probability too small for float64 may be exactly 0.
 *   - Errors: an empty array, a non-finite logit, or a bad logitScale → LogitsInputError.
 *
 * topK(scores, k)
 *   - Input: at least one finite score (probabilities, cosines or logits: any finite numbers) and a whole
 *     number k from 1 to scores.length.
 *   - Returns: k entries { index, score }, highest score first; equal scores keep their input order (the
 *     lower index first).
 *   - Errors: an empty array, a non-finite score, or a bad k → TopKError.
 *
 * Neither function changes its input arrays.
 *
 * Grade it: `npm run grade -- 02`. Hints, one step at a time: `npm run grade -- --hint 02`.
 */

/** Logits or a logit scale that softmax cannot use. */
export class LogitsInputError extends Error {
  override name = 'LogitsInputError';
}

/** Scores or a k that topK cannot use. */
export class TopKError extends Error {
  override name = 'TopKError';
}

/** One entry of a top-k list: where it was in the input, and its score. */
export interface RankedScore {
  index: number;
  score: number;
}

/**
 * Probabilities from logits: softmax(logitScale × logits), for any finite logits.
 *
 * @example
 * softmax([1, 2, 3], 1);          // [0.0900, 0.2447, 0.6652]
 * softmax([0.1, 0.2], 100);       // [0.0000454, 0.9999546]
 */
export function softmax(logits: readonly number[], logitScale: number): number[] {
  // BEGIN SOLUTION
  if (!Number.isFinite(logitScale) || logitScale <= 0) {
    throw new LogitsInputError(
      `softmax: logitScale is ${logitScale}; pass a finite number greater than 0 (OpenAI's CLIP uses 100).`,
    );
  }
  if (logits.length === 0) {
    throw new LogitsInputError('softmax: logits is empty; pass at least one logit.');
  }
  // The largest logit, found with a loop: Math.max(...logits) passes every logit as an argument, on the stack.
  let largest = -Infinity;
  logits.forEach((logit, i) => {
    if (!Number.isFinite(logit)) {
      throw new LogitsInputError(`softmax: logit ${i} is ${logit}, not a finite number; fix the input.`);
    }
    if (logit > largest) largest = logit;
  });
  // Shift, then scale: logitScale × logit alone can overflow (100 × 1e308 is Infinity, and Infinity − Infinity is
  // NaN); logit − largest is ≤ 0, so every exponent is ≤ 0 (at worst −Infinity, whose exp is 0) and the largest is 0.
  const exps = logits.map((logit) => Math.exp(logitScale * (logit - largest)));
  let sum = 0;
  for (const e of exps) sum += e;
  return exps.map((e) => e / sum);
  // END SOLUTION
}

/**
 * The k highest scores, highest first (ties: lower index first).
 *
 * @example
 * topK([0.1, 0.6, 0.3], 2);   // [{ index: 1, score: 0.6 }, { index: 2, score: 0.3 }]
 */
export function topK(scores: readonly number[], k: number): RankedScore[] {
  // BEGIN SOLUTION
  if (scores.length === 0) {
    throw new TopKError('topK: scores is empty; pass at least one score.');
  }
  scores.forEach((score, i) => {
    if (!Number.isFinite(score)) throw new TopKError(`topK: score ${i} is ${score}, not a finite number.`);
  });
  if (!Number.isInteger(k) || k < 1 || k > scores.length) {
    throw new TopKError(`topK: k is ${k}; pass a whole number from 1 to ${scores.length} (the number of scores).`);
  }
  return scores
    .map((score, index) => ({ index, score }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, k);
  // END SOLUTION
}
