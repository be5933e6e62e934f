//! Reference solution. exercises/08-confidence-analysis.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
/**
 * Exercise 08 · Analysing a prediction: margin, entropy, and "is the model confident?"
 *
 * The mini-challenge ends with analysis: after changing the image or the labels, how sure is the model?
 * The top probability alone can mislead (0.4 is a clear win among 10 labels and a coin toss among 2),
 * so look at two more numbers:
 *   - the top-2 margin: the best probability minus the second best (0 = a tie, 1 = certain);
 *   - the entropy H = −Σ p·ln(p) in nats (0 = certain, ln(n) = uniform over n labels), and the
 *     normalized entropy H / ln(n), in [0, 1] whatever the number of labels.
 * Here the model counts as confident when its top-2 margin is at least a threshold (0.2 by default).
 *
 * Your task: implement `top2Margin`, `entropy` and `analyzePrediction`.
 *   - A term with p = 0 contributes 0 to the entropy (the limit of p·ln p), not NaN.
 *   - Bad input → ProbabilityInputError: fewer than 2 probabilities; a probability that is not a finite
 *     number in [0, 1]; probabilities that do not sum to 1 (within 1e-6); a different number of labels
 *     and probabilities; a threshold outside [0, 1].
 *
 * Hints:
 * - top2Margin: sort a copy in descending order ([...p].sort((a, b) => b - a)) and subtract the second from the first.
 * - entropy: add up -p * Math.log(p) over the probabilities, skipping p === 0.
 * - analyzePrediction: the label is labels[i] for the index i of the largest probability; the runner-up
 *   is the second largest; confident is margin >= marginThreshold; normalizedEntropy is entropy / Math.log(n).
 *
 * Grade it: `npm run grade -- 08`. Stuck? `npm run grade -- --hint 08`.
 */

/** Probabilities, labels or a threshold that the analysis cannot use. */
export class ProbabilityInputError extends Error {
  override name = 'ProbabilityInputError';
}

/** What analyzePrediction finds. */
export interface PredictionAnalysis {
  /** The most probable label and its probability. */
  label: string;
  probability: number;
  /** The second most probable label. */
  runnerUp: string;
  /** Best minus second-best probability. */
  margin: number;
  /** −Σ p·ln(p), in nats. */
  entropy: number;
  /** entropy / ln(number of labels), in [0, 1]. */
  normalizedEntropy: number;
  /** margin ≥ marginThreshold. */
  confident: boolean;
}

//! BEGIN SOLUTION ONLY
function checkProbabilities(probabilities: readonly number[], caller: string): void {
  if (probabilities.length < 2) {
    throw new ProbabilityInputError(`${caller}: ${probabilities.length} probabilities given; pass at least 2 (one per candidate label).`);
  }
  let sum = 0;
  probabilities.forEach((p, i) => {
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new ProbabilityInputError(`${caller}: probability ${i} is ${p}; probabilities are numbers from 0 to 1.`);
    }
    sum += p;
  });
  if (Math.abs(sum - 1) > 1e-6) {
    throw new ProbabilityInputError(`${caller}: the probabilities sum to ${sum}, not 1; pass a softmax output.`);
  }
}
//! END SOLUTION ONLY

/**
 * The best probability minus the second best.
 *
 * @example
 * top2Margin([0.2, 0.7, 0.1]);   // 0.5
 */
export function top2Margin(probabilities: readonly number[]): number {
  // BEGIN SOLUTION
  checkProbabilities(probabilities, 'top2Margin');
  const sorted = [...probabilities].sort((a, b) => b - a);
  return sorted[0] - sorted[1];
  // END SOLUTION
}

/**
 * The entropy −Σ p·ln(p) in nats (terms with p = 0 count 0).
 *
 * @example
 * entropy([0.5, 0.5]);   // 0.6931 (= ln 2)
 * entropy([1, 0]);       // 0
 */
export function entropy(probabilities: readonly number[]): number {
  // BEGIN SOLUTION
  checkProbabilities(probabilities, 'entropy');
  let total = 0;
  for (const p of probabilities) if (p > 0) total -= p * Math.log(p);
  return total;
  // END SOLUTION
}

/**
 * The top label, runner-up, margin, entropy and whether the margin clears the threshold.
 *
 * @example
 * analyzePrediction([0.7, 0.2, 0.1], ['cat', 'dog', 'car']);
 * // { label: 'cat', probability: 0.7, runnerUp: 'dog', margin: 0.5, entropy: 0.8018,
 * //   normalizedEntropy: 0.7298, confident: true }
 */
export function analyzePrediction(
  probabilities: readonly number[],
  labels: readonly string[],
  marginThreshold = 0.2,
): PredictionAnalysis {
  // BEGIN SOLUTION
  checkProbabilities(probabilities, 'analyzePrediction');
  if (labels.length !== probabilities.length) {
    throw new ProbabilityInputError(`analyzePrediction: ${probabilities.length} probabilities but ${labels.length} labels; pass one label per probability.`);
  }
  if (!Number.isFinite(marginThreshold) || marginThreshold < 0 || marginThreshold > 1) {
    throw new ProbabilityInputError(`analyzePrediction: marginThreshold is ${marginThreshold}; pass a number from 0 to 1.`);
  }
  const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  const margin = probabilities[order[0]] - probabilities[order[1]];
  const h = entropy(probabilities);
  return {
    label: labels[order[0]],
    probability: probabilities[order[0]],
    runnerUp: labels[order[1]],
    margin,
    entropy: h,
    normalizedEntropy: h / Math.log(probabilities.length),
    confident: margin >= marginThreshold,
  };
  // END SOLUTION
}
