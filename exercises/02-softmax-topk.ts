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
import { NotImplementedError } from './not-implemented';

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
  throw new NotImplementedError('02-softmax-topk', 'softmax');
}

/**
 * The k highest scores, highest first (ties: lower index first).
 *
 * @example
 * topK([0.1, 0.6, 0.3], 2);   // [{ index: 1, score: 0.6 }, { index: 2, score: 0.3 }]
 */
export function topK(scores: readonly number[], k: number): RankedScore[] {
  throw new NotImplementedError('02-softmax-topk', 'topK');
}
