//! Reference solution. exercises/08-confidence-analysis.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
//! Hints live in solutions/08-confidence-analysis.hints.md (npm run grade -- --hint 08), never in the stub.
/**
 * Exercise 08 · How sure is CLIP, and should you believe it? Margin, entropy and calibration
 *
 * The concept. A zero-shot probability is a softmax over the candidate labels, and its size depends on the
 * logit scale as much as on the image: the same cosines give 55 % at one scale and 99 % at another, with the
 * same winner. So look beyond the top probability: the margin over the runner-up, the entropy of the whole
 * distribution, and — over many images whose right label is known — calibration: of the predictions made with
 * about 80 % confidence, are about 80 % right? The checks run your calibration on the course's mini-CLIP,
 * classifying the colour of shapes-world images, at the model's own logit scale and at CLIP's 100.
 *
 * Your task: implement `analyzePrediction`, `reliabilityBins` and `expectedCalibrationError`.
 *
 * analyzePrediction(probabilities, labels, marginThreshold = 0.2) → PredictionAnalysis
 *   - label / probability: the label with the highest probability; when several tie for the highest, the one
 *     with the lowest index. runnerUp: the label with the highest probability among the OTHER labels (lowest
 *     index on a tie), so a tie at the top gives margin 0 and runnerUp = the second of the tied labels.
 *   - margin = probability − the runner-up's probability; entropy = −Σ p·ln p in nats, where a term with p = 0
 *     counts 0; normalizedEntropy = entropy / ln(number of labels), in [0, 1] — never above 1, not even by a
 *     rounding error (n equal probabilities give 1 within 1e-12, and never more).
 *   - confident: margin ≥ marginThreshold − 1e-9. The 1e-9 keeps rounding from deciding: [0.3, 0.1, 0.1, 0.1,
 *     0.1, 0.1, 0.1, 0.1] has margin 0.3 − 0.1 = 0.19999999999999998 in float64, and counts as confident at
 *     the default threshold 0.2; so does [0.7, 0.3] at threshold 0.4 (0.7 − 0.3 = 0.39999999999999997).
 *   - Errors → ProbabilityInputError: fewer than 2 probabilities; a probability that is not a finite number in
 *     [0, 1]; probabilities whose sum differs from 1 by more than 1e-6; a different number of labels and
 *     probabilities; a marginThreshold that is not a finite number in [0, 1].
 *
 * reliabilityBins(confidences, correct, binCount = 10) → ReliabilityBin[]
 *   - confidences[i] is the top probability of prediction i, correct[i] whether it was right. Bin b (0-based) of
 *     binCount covers [b / binCount, (b + 1) / binCount); a confidence c goes to bin Math.floor(c × binCount)
 *     computed in float64, except c = 1, which goes to the last bin.
 *   - Returns all binCount bins in order, each { from: b / binCount, to: (b + 1) / binCount, count,
 *     meanConfidence, accuracy }: the number of predictions in the bin, their mean confidence and the fraction
 *     of them that were right; for an empty bin count is 0 and meanConfidence and accuracy are null.
 *   - Errors → CalibrationInputError: no predictions; confidences and correct of different lengths; a confidence
 *     that is not a finite number in [0, 1]; binCount not a whole number ≥ 1.
 *
 * expectedCalibrationError(confidences, correct, binCount = 10) → number
 *   - ECE = Σ over non-empty bins of (count / total) × |accuracy − meanConfidence|: 0 for a perfectly calibrated
 *     model, larger the more its confidence and its accuracy disagree. Same inputs and errors as reliabilityBins.
 *
 * No function changes its inputs.
 *
 * Grade it: `npm run grade -- 08`. Hints, one step at a time: `npm run grade -- --hint 08`.
 */

/** Probabilities, labels or a threshold that the analysis cannot use. */
export class ProbabilityInputError extends Error {
  override name = 'ProbabilityInputError';
}

/** Confidences, outcomes or a bin count that calibration cannot use. */
export class CalibrationInputError extends Error {
  override name = 'CalibrationInputError';
}

/** What analyzePrediction finds. */
export interface PredictionAnalysis {
  /** The most probable label and its probability. */
  label: string;
  probability: number;
  /** The most probable of the other labels. */
  runnerUp: string;
  /** Best minus runner-up probability. */
  margin: number;
  /** −Σ p·ln(p), in nats. */
  entropy: number;
  /** entropy / ln(number of labels), in [0, 1] (never above 1, not even by rounding). */
  normalizedEntropy: number;
  /** margin ≥ marginThreshold − 1e-9. */
  confident: boolean;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  /** The bin covers confidences in [from, to) (the last bin also holds 1). */
  from: number;
  to: number;
  /** Predictions in the bin. */
  count: number;
  /** Their mean confidence; null when the bin is empty. */
  meanConfidence: number | null;
  /** The fraction of them that were right; null when the bin is empty. */
  accuracy: number | null;
}

//! BEGIN SOLUTION ONLY
function checkProbabilities(probabilities: readonly number[]): void {
  if (probabilities.length < 2) {
    throw new ProbabilityInputError(
      `analyzePrediction: ${probabilities.length} probabilities given; pass at least 2 (one per candidate label).`,
    );
  }
  let sum = 0;
  probabilities.forEach((p, i) => {
    if (!Number.isFinite(p) || p < 0 || p > 1) {
      throw new ProbabilityInputError(
        `analyzePrediction: probability ${i} is ${p}; probabilities are numbers from 0 to 1.`,
      );
    }
    sum += p;
  });
  if (Math.abs(sum - 1) > 1e-6) {
    throw new ProbabilityInputError(
      `analyzePrediction: the probabilities sum to ${sum}, not 1; pass a softmax output.`,
    );
  }
}

function checkCalibrationInput(confidences: readonly number[], correct: readonly boolean[], binCount: number): void {
  if (confidences.length === 0) {
    throw new CalibrationInputError('calibration: no predictions; pass at least one confidence.');
  }
  if (correct.length !== confidences.length) {
    throw new CalibrationInputError(
      `calibration: ${confidences.length} confidences but ${correct.length} outcomes; pass one outcome per prediction.`,
    );
  }
  confidences.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0 || c > 1) {
      throw new CalibrationInputError(`calibration: confidence ${i} is ${c}; a confidence is a number from 0 to 1.`);
    }
  });
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new CalibrationInputError(`calibration: binCount is ${binCount}; pass a whole number ≥ 1, e.g. 10.`);
  }
}
//! END SOLUTION ONLY

/**
 * The top label, runner-up, margin, entropy and whether the margin clears the threshold.
 *
 * @example
 * analyzePrediction([0.7, 0.2, 0.1], ['cat', 'dog', 'car']);
 * // { label: 'cat', probability: 0.7, runnerUp: 'dog', margin: 0.5, entropy: 0.8018,
 * //   normalizedEntropy: 0.7298, confident: true }
 * // (numbers rounded to 4 decimals: in float64 the margin 0.7 − 0.2 is 0.49999999999999994)
 */
export function analyzePrediction(
  probabilities: readonly number[],
  labels: readonly string[],
  marginThreshold = 0.2,
): PredictionAnalysis {
  // BEGIN SOLUTION
  checkProbabilities(probabilities);
  if (labels.length !== probabilities.length) {
    throw new ProbabilityInputError(
      `analyzePrediction: ${probabilities.length} probabilities but ${labels.length} labels; pass one label per probability.`,
    );
  }
  if (!Number.isFinite(marginThreshold) || marginThreshold < 0 || marginThreshold > 1) {
    throw new ProbabilityInputError(
      `analyzePrediction: marginThreshold is ${marginThreshold}; pass a number from 0 to 1.`,
    );
  }
  const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  const margin = probabilities[order[0]] - probabilities[order[1]];
  let entropy = 0;
  for (const p of probabilities) if (p > 0) entropy -= p * Math.log(p);
  return {
    label: labels[order[0]],
    probability: probabilities[order[0]],
    runnerUp: labels[order[1]],
    margin,
    entropy,
    // H and ln n are each rounded, so their quotient can be 1.0000000000000002 for equal probabilities (n = 5)
    normalizedEntropy: Math.min(1, entropy / Math.log(probabilities.length)),
    confident: margin >= marginThreshold - 1e-9,
  };
  // END SOLUTION
}

/**
 * The reliability diagram's bins: count, mean confidence and accuracy of the predictions in each.
 *
 * @example
 * reliabilityBins([0.9, 0.95, 0.6], [true, false, true], 2);
 * // [{ from: 0, to: 0.5, count: 0, meanConfidence: null, accuracy: null },
 * //  { from: 0.5, to: 1, count: 3, meanConfidence: 0.8167, accuracy: 0.6667 }]
 * // (numbers rounded to 4 decimals)
 */
export function reliabilityBins(
  confidences: readonly number[],
  correct: readonly boolean[],
  binCount = 10,
): ReliabilityBin[] {
  // BEGIN SOLUTION
  checkCalibrationInput(confidences, correct, binCount);
  const count = new Array<number>(binCount).fill(0);
  const confidenceSum = new Array<number>(binCount).fill(0);
  const right = new Array<number>(binCount).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(binCount - 1, Math.floor(c * binCount));
    count[b]++;
    confidenceSum[b] += c;
    if (correct[i]) right[b]++;
  });
  return count.map((n, b) => ({
    from: b / binCount,
    to: (b + 1) / binCount,
    count: n,
    meanConfidence: n === 0 ? null : confidenceSum[b] / n,
    accuracy: n === 0 ? null : right[b] / n,
  }));
  // END SOLUTION
}

/**
 * The expected calibration error: the count-weighted mean gap between accuracy and confidence over the bins.
 *
 * @example
 * expectedCalibrationError([0.9, 0.95, 0.6], [true, false, true], 2);   // 0.15, rounded to 4 decimals
 * // (in float64 it is 0.15000000000000013)
 */
export function expectedCalibrationError(
  confidences: readonly number[],
  correct: readonly boolean[],
  binCount = 10,
): number {
  // BEGIN SOLUTION
  const bins = reliabilityBins(confidences, correct, binCount);
  let ece = 0;
  for (const bin of bins) {
    if (bin.count === 0 || bin.accuracy === null || bin.meanConfidence === null) continue;
    ece += (bin.count / confidences.length) * Math.abs(bin.accuracy - bin.meanConfidence);
  }
  return ece;
  // END SOLUTION
}
