// Exercise 08 · How sure is CLIP, and should you believe it? Margin, entropy and calibration.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution module imported below for the learner's, run in its own sandboxed process). Entropies come from Python's math module
// (-sum(p * math.log(p) for p in ps)); bins and calibration errors are worked out by hand or, on the shapes
// world, by the small independent reference below — never by the code under test.
import { expectClose, expectEqual, expectObject, expectThat, expectThrows, run, show } from './support/plain';
import { EMBEDDING_TIMEOUT_MS, embedShapesWorld, everyObject } from './support/shapes-world';
import {
  analyzePrediction,
  CalibrationInputError,
  expectedCalibrationError,
  ProbabilityInputError,
  reliabilityBins,
} from '../../solutions/08-confidence-analysis';
import { COLOURS } from '../../lib/worlds/shapes';

const softmaxOf = (xs: readonly number[], scale: number) => {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(scale * (x - m)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
};

test('analyzePrediction: label, runner-up, margin, entropy and confidence', () => {
  const result = expectObject('analyzePrediction([0.1, 0.7, 0.2], ["dog", "cat", "car"])', () => analyzePrediction([0.1, 0.7, 0.2], ['dog', 'cat', 'car']), 'an object describing the prediction');
  expectEqual('analyzePrediction(…).label', () => result.label, 'cat', '"cat" has the largest probability, 0.7');
  expectEqual('analyzePrediction(…).runnerUp', () => result.runnerUp, 'car', '"car" is second with 0.2');
  expectClose('analyzePrediction(…).probability', () => result.probability, 0.7, 'the top probability is 0.7', 1e-12);
  expectClose('analyzePrediction(…).margin', () => result.margin, 0.5, '0.7 − 0.2 = 0.5', 1e-12);
  // −(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.8018185525433372; / ln 3 = 0.7298466991620974
  expectClose('analyzePrediction(…).entropy', () => result.entropy, 0.8018185525433372, '−(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.8018', 1e-12);
  expectClose('analyzePrediction(…).normalizedEntropy', () => result.normalizedEntropy, 0.7298466991620974, 'the entropy divided by ln 3, the largest entropy 3 labels can have', 1e-12);
  expectEqual('analyzePrediction(…).confident', () => result.confident, true, 'the margin 0.5 is above the default threshold 0.2');
});

test('analyzePrediction: a certain prediction has entropy 0 (a term with p = 0 counts 0)', () => {
  const certain = expectObject('analyzePrediction([0, 1, 0], ["a", "b", "c"])', () => analyzePrediction([0, 1, 0], ['a', 'b', 'c']), 'an object describing the prediction');
  expectClose('analyzePrediction([0, 1, 0], …).entropy', () => certain.entropy, 0, 'p · ln p tends to 0 as p tends to 0 and 1 · ln 1 = 0 (Math.log(0) is −Infinity, and 0 × −Infinity is NaN: see hint step 2 of 08)', 1e-12);
  expectEqual('analyzePrediction([0, 1, 0], …).runnerUp', () => certain.runnerUp, 'a', '"a" and "c" tie at 0 for second place, and the lower index wins the tie');
});

test('analyzePrediction: ties go to the lower index, and a tie at the top has margin 0', () => {
  const tie = expectObject('analyzePrediction([0.2, 0.4, 0.4], ["a", "b", "c"])', () => analyzePrediction([0.2, 0.4, 0.4], ['a', 'b', 'c']), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.2, 0.4, 0.4], …) label and runner-up', () => [tie.label, tie.runnerUp, tie.margin], ['b', 'c', 0], '"b" and "c" tie for the top: "b" (lower index) is the label, "c" the runner-up, and the margin is 0');
  const uniform = expectObject('analyzePrediction([0.5, 0.5], ["a", "b"])', () => analyzePrediction([0.5, 0.5], ['a', 'b']), 'an object describing the prediction');
  expectClose('analyzePrediction([0.5, 0.5], …).normalizedEntropy', () => uniform.normalizedEntropy, 1, 'a tie between 2 labels is as uncertain as 2 labels can be', 1e-12);
});

test('analyzePrediction: normalizedEntropy never exceeds 1, not even by a rounding error', () => {
  // n equal probabilities have entropy ln n exactly on paper; in float64, H / ln n is 1.0000000000000002 for n = 5
  // and 1.000000000000001 for n = 40
  for (const n of [5, 12, 40]) {
    const p = new Array<number>(n).fill(1 / n);
    const what = `analyzePrediction(${n} equal probabilities 1/${n}, labels).normalizedEntropy`;
    const result = expectObject(`analyzePrediction(${n} equal probabilities 1/${n}, labels)`, () => analyzePrediction(p, p.map((_, i) => `l${i}`)), 'an object describing the prediction');
    const h = result.normalizedEntropy;
    expectThat(typeof h === 'number' && h <= 1 && h > 1 - 1e-12, `${what} should be 1 (${n} equal probabilities are as uncertain as ${n} labels can be) and never above it: the contract says it lies in [0, 1], and not above 1 even by a rounding error. It returned ${String(h)}. The entropy and ln ${n} are each rounded in float64, so their quotient can land just above 1 (see hint step 2 of 08).`);
  }
});

test('analyzePrediction: the threshold is inclusive, and rounding does not decide', () => {
  const close = expectObject('analyzePrediction([0.4, 0.35, 0.25], ["a", "b", "c"])', () => analyzePrediction([0.4, 0.35, 0.25], ['a', 'b', 'c']), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.4, 0.35, 0.25], …).confident', () => close.confident, false, 'the margin 0.05 is below the default threshold 0.2');
  const exact = expectObject('analyzePrediction([0.75, 0.25], ["a", "b"], 0.5)', () => analyzePrediction([0.75, 0.25], ['a', 'b'], 0.5), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.75, 0.25], …, 0.5).confident', () => exact.confident, true, 'the margin is exactly 0.5, and a margin at the threshold counts as confident');
  const p = [0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
  const dust = expectObject('analyzePrediction([0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], labels)', () => analyzePrediction(p, p.map((_, i) => `l${i}`)), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.3, 0.1, …]).confident', () => dust.confident, true, 'the margin is 0.3 − 0.1, which float64 computes as 0.19999999999999998; the contract compares with threshold − 1e-9 so that rounding does not decide (see hint step 2 of 08)');
  const strict = expectObject('analyzePrediction([0.75, 0.25], ["a", "b"], 0.6)', () => analyzePrediction([0.75, 0.25], ['a', 'b'], 0.6), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.75, 0.25], …, 0.6).confident', () => strict.confident, false, 'a margin of 0.5 is below a threshold of 0.6');
});

test('analyzePrediction: the logit scale changes the margin, not the winner (CLIP behaviour)', () => {
  const cosines = [0.24, 0.31, 0.29, 0.22];
  const labels = ['red', 'green', 'blue', 'yellow'];
  let previous = -1;
  for (const scale of [1, 18, 100]) {
    const r = expectObject(`analyzePrediction(softmax(cosines, ${scale}), labels)`, () => analyzePrediction(softmaxOf(cosines, scale), labels), 'an object describing the prediction');
    expectThat(r.label === 'green' && r.runnerUp === 'blue', `At every scale "green" (cosine 0.31) should win ahead of "blue" (0.29); at scale ${scale} yours says ${show(r.label)} then ${show(r.runnerUp)}.`);
    expectThat(r.margin > previous, `A larger logit scale should widen the margin; at scale ${scale} it is ${show(r.margin)}, not above ${show(previous)}.`);
    previous = r.margin;
  }
});

test('analyzePrediction: bad probabilities, labels and thresholds are rejected', () => {
  expectThrows('analyzePrediction([1], ["a"])', () => analyzePrediction([1], ['a']), ProbabilityInputError, 'a margin needs a second-best probability');
  expectThrows('analyzePrediction([0.5, 0.6], …)', () => analyzePrediction([0.5, 0.6], ['a', 'b']), ProbabilityInputError, 'probabilities of all labels sum to 1, and these sum to 1.1');
  expectThrows('analyzePrediction([1.5, -0.5], …)', () => analyzePrediction([1.5, -0.5], ['a', 'b']), ProbabilityInputError, 'a probability lies between 0 and 1');
  expectThrows('analyzePrediction([0.5, NaN], …)', () => analyzePrediction([0.5, NaN], ['a', 'b']), ProbabilityInputError, 'NaN is not a probability');
  expectThrows('analyzePrediction([0.5, 0.5], ["a"])', () => analyzePrediction([0.5, 0.5], ['a']), ProbabilityInputError, 'every probability needs its label');
  expectThrows('analyzePrediction([0.5, 0.5], ["a", "b"], 1.5)', () => analyzePrediction([0.5, 0.5], ['a', 'b'], 1.5), ProbabilityInputError, 'a margin is at most 1, so a threshold above 1 can never be met');
});

test('reliabilityBins: counts, mean confidence and accuracy per bin; empty bins hold null', () => {
  // bin 0 = [0, 0.5) is empty; bin 1 = [0.5, 1] holds all three: mean (0.9 + 0.95 + 0.6) / 3 = 0.81667, 2 of 3 right
  const bins = run('reliabilityBins([0.9, 0.95, 0.6], [true, false, true], 2)', () => reliabilityBins([0.9, 0.95, 0.6], [true, false, true], 2));
  expectThat(Array.isArray(bins) && bins.length === 2, `reliabilityBins(…, 2) should return 2 bins, empty ones too; it returned ${show(bins)}.`);
  expectEqual('reliabilityBins(…, 2)[0]', () => bins[0], { from: 0, to: 0.5, count: 0, meanConfidence: null, accuracy: null }, 'no confidence is below 0.5, and an empty bin has no mean: the contract says null');
  expectEqual('reliabilityBins(…, 2)[1] from, to, count', () => [bins[1].from, bins[1].to, bins[1].count], [0.5, 1, 3], 'all three confidences lie in [0.5, 1]');
  expectClose('reliabilityBins(…, 2)[1].meanConfidence', () => bins[1].meanConfidence, 0.8166666666666668, '(0.9 + 0.95 + 0.6) / 3', 1e-12);
  expectClose('reliabilityBins(…, 2)[1].accuracy', () => bins[1].accuracy, 2 / 3, 'two of the three predictions were right', 1e-12);
});

test('reliabilityBins: which bin a confidence falls in', () => {
  const edges = run('reliabilityBins([0, 0.5, 1], [true, true, false], 2)', () => reliabilityBins([0, 0.5, 1], [true, true, false], 2));
  expectEqual('the counts of reliabilityBins([0, 0.5, 1], …, 2)', () => edges.map((b) => b.count), [1, 2], '0 is in [0, 0.5); 0.5 starts the second bin [0.5, 1), and 1 goes to the last bin too');
  // 0.29 × 100 is 28.999999999999996 in float64: the contract's Math.floor(c × binCount) puts it in bin 28
  const tenths = run('reliabilityBins([0.3], [true], 10)', () => reliabilityBins([0.3], [true], 10));
  expectThat(tenths.length === 10 && tenths[3].count === 1, `reliabilityBins([0.3], [true], 10) should put 0.3 in bin 3 ([0.3, 0.4)): the contract's bin is Math.floor(c × binCount), and 0.3 × 10 = 3 in float64 (dividing by the bin width instead gives 0.3 / 0.1 = 2.9999999999999996). Yours has counts ${show(tenths.map((b) => b.count).filter((n) => n > 0))} at bins ${show(tenths.map((b, i) => (b.count > 0 ? i : -1)).filter((i) => i >= 0))}.`);
  const fine = run('reliabilityBins([0.29], [true], 100)', () => reliabilityBins([0.29], [true], 100));
  expectThat(fine.length === 100 && fine[28].count === 1, `reliabilityBins([0.29], [true], 100) should put 0.29 in bin 28: the contract defines the bin as Math.floor(c × binCount) in float64, and 0.29 × 100 = 28.999999999999996. Yours has counts ${show(fine.map((b) => b.count).filter((n) => n > 0))} at bins ${show(fine.map((b, i) => (b.count > 0 ? i : -1)).filter((i) => i >= 0))}.`);
});

test('expectedCalibrationError: the count-weighted gap between accuracy and confidence', () => {
  // one non-empty bin: |2/3 − 0.81667| = 0.15
  expectClose('expectedCalibrationError([0.9, 0.95, 0.6], [true, false, true], 2)', () => expectedCalibrationError([0.9, 0.95, 0.6], [true, false, true], 2), 0.15000000000000013, 'the one non-empty bin has accuracy 2/3 and mean confidence 0.81667', 1e-12);
  expectClose('expectedCalibrationError([0.75 × 4], [right × 3, wrong], 10)', () => expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, false, true], 10), 0, '75 % confident and 75 % right: perfectly calibrated', 1e-12);
  // bins [0, 0.5): 0.2, 0.4 → mean 0.3, accuracy 0 (gap 0.3); [0.5, 1]: 0.6, 1 → mean 0.8, accuracy 1 (gap 0.2); ECE = ½·0.3 + ½·0.2
  expectClose('expectedCalibrationError([0.2, 0.6, 0.6, 0.6], [false, true, true, false], 2)', () => expectedCalibrationError([0.2, 0.6, 0.6, 0.6], [false, true, true, false], 2), 0.1, 'bin [0, 0.5) holds 1 prediction with gap |0 − 0.2| = 0.2, bin [0.5, 1] holds 3 with gap |2/3 − 0.6| = 1/15; weighted by count: (1 × 0.2 + 3 × 1/15) / 4 = 0.1 (an unweighted mean of the two gaps would give 0.1333)', 1e-12);
  expectClose('expectedCalibrationError([0.2, 0.4, 0.6, 1], [false, false, true, true], 2)', () => expectedCalibrationError([0.2, 0.4, 0.6, 1], [false, false, true, true], 2), 0.25, 'the gaps are 0.3 and 0.2, each bin holding half the predictions', 1e-12);
});

test('reliabilityBins and expectedCalibrationError: bad inputs are rejected', () => {
  expectThrows('reliabilityBins([], [], 10)', () => reliabilityBins([], [], 10), CalibrationInputError, 'there are no predictions to bin');
  expectThrows('reliabilityBins([0.5, 0.6], [true], 10)', () => reliabilityBins([0.5, 0.6], [true], 10), CalibrationInputError, 'every confidence needs its outcome');
  expectThrows('reliabilityBins([1.2], [true], 10)', () => reliabilityBins([1.2], [true], 10), CalibrationInputError, 'a confidence is a probability, at most 1');
  expectThrows('reliabilityBins([0.5], [true], 0)', () => reliabilityBins([0.5], [true], 0), CalibrationInputError, 'at least one bin is needed');
  expectThrows('expectedCalibrationError([NaN], [true], 10)', () => expectedCalibrationError([NaN], [true], 10), CalibrationInputError, 'NaN is not a confidence');
  expectThrows('expectedCalibrationError([0.5], [true], 2.5)', () => expectedCalibrationError([0.5], [true], 2.5), CalibrationInputError, 'bins come in whole numbers');
});

describe('calibration of the course’s mini-CLIP, naming the colour of 96 shapes-world images', () => {
  const outcomes = new Map<number, { confidences: number[]; correct: boolean[] }>();
  let learnedScale = 0;
  beforeAll(async () => {
    const objects = [...everyObject(), ...everyObject()];
    const world = await embedShapesWorld(objects, 800);
    learnedScale = world.logitScale;
    const unit = (v: number[]) => {
      const length = Math.hypot(...v);
      return v.map((x) => x / length);
    };
    const prompts = world.embedTexts([...COLOURS]).map(unit);
    const cosines = world.imageEmbeddings.map(unit).map((image) => prompts.map((p) => p.reduce((s, x, k) => s + x * image[k], 0)));
    for (const scale of [learnedScale, 100]) {
      const confidences: number[] = [];
      const correct: boolean[] = [];
      cosines.forEach((c, i) => {
        const p = softmaxOf(c, scale);
        const best = p.indexOf(Math.max(...p));
        confidences.push(p[best]);
        correct.push(COLOURS[best] === world.images[i].colour);
      });
      outcomes.set(scale, { confidences, correct });
    }
  }, EMBEDDING_TIMEOUT_MS);

  /** The reference ECE, written independently of the exercise. */
  const referenceEce = (confidences: number[], correct: boolean[], bins: number) => {
    let ece = 0;
    for (let b = 0; b < bins; b++) {
      const inBin = confidences.map((c, i) => i).filter((i) => Math.min(bins - 1, Math.floor(confidences[i] * bins)) === b);
      if (inBin.length === 0) continue;
      const meanConfidence = inBin.reduce((s, i) => s + confidences[i], 0) / inBin.length;
      const accuracy = inBin.filter((i) => correct[i]).length / inBin.length;
      ece += (inBin.length / confidences.length) * Math.abs(accuracy - meanConfidence);
    }
    return ece;
  };

  test('expectedCalibrationError: measured on the model at its own logit scale (about 18)', () => {
    const { confidences, correct } = outcomes.get(learnedScale)!;
    const expected = referenceEce(confidences, correct, 10);
    expectClose(`expectedCalibrationError(the model's 96 colour predictions at scale ${learnedScale.toFixed(1)}, 10 bins)`, () => expectedCalibrationError(confidences, correct, 10), expected, 'that is the calibration error of these 96 predictions', 1e-12);
  });

  test('reliabilityBins: a larger logit scale raises the confidence, not the accuracy (CLIP behaviour)', () => {
    const summary = (scale: number) => {
      const { confidences, correct } = outcomes.get(scale)!;
      const bins = run(`reliabilityBins(96 predictions at scale ${scale.toFixed(1)}, 10)`, () => reliabilityBins(confidences, correct, 10));
      const n = bins.reduce((s, b) => s + b.count, 0);
      expectThat(n === 96, `reliabilityBins(96 predictions, 10) should place every prediction in one bin; the counts add up to ${n}.`);
      return {
        confidence: bins.reduce((s, b) => s + b.count * (b.meanConfidence ?? 0), 0) / n,
        accuracy: bins.reduce((s, b) => s + b.count * (b.accuracy ?? 0), 0) / n,
      };
    };
    const own = summary(learnedScale);
    const clip = summary(100);
    expectThat(Math.abs(own.accuracy - clip.accuracy) < 1e-12, `The accuracy over the bins should be the same at both scales (the winner never changes); yours gives ${show(own.accuracy)} and ${show(clip.accuracy)}.`);
    expectThat(clip.confidence > own.confidence, `The mean confidence over the bins should be higher at scale 100 than at the model's own ${learnedScale.toFixed(1)}; yours gives ${show(clip.confidence)} and ${show(own.confidence)}.`);
  });
});
