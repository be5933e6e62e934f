// Exercise 08 · Analysing a prediction: margin, entropy, and "is the model confident?".
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Entropies come from Python's math module
// (-sum(p * math.log(p) for p in ps)), never from the code under test.
import { expectClose, expectEqual, expectObject, expectThrows } from './support/plain';
import { analyzePrediction, entropy, ProbabilityInputError, top2Margin } from '../../solutions/08-confidence-analysis';

test('top2Margin: the best probability minus the second best, wherever they are', () => {
  expectClose('top2Margin([0.2, 0.7, 0.1])', () => top2Margin([0.2, 0.7, 0.1]), 0.5, 'the best is 0.7 and the second best 0.2', 1e-12);
  expectClose('top2Margin([0.25, 0.25, 0.25, 0.25])', () => top2Margin([0.25, 0.25, 0.25, 0.25]), 0, 'a four-way tie has no margin', 1e-12);
  expectClose('top2Margin([0, 1])', () => top2Margin([0, 1]), 1, 'a certain prediction has margin 1', 1e-12);
});

test('entropy: −Σ p·ln p, in nats', () => {
  expectClose('entropy([0.7, 0.2, 0.1])', () => entropy([0.7, 0.2, 0.1]), 0.8018185525433372, '−(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.8018', 1e-12);
  expectClose('entropy([0.25, 0.25, 0.25, 0.25])', () => entropy([0.25, 0.25, 0.25, 0.25]), Math.LN2 * 2, 'a uniform choice among 4 has the largest entropy, ln 4 = 1.3863', 1e-12);
  expectClose('entropy([0.5, 0.25, 0.25])', () => entropy([0.5, 0.25, 0.25]), 1.0397207708399179, '−(0.5 ln 0.5 + 2 × 0.25 ln 0.25) = 1.5 ln 2', 1e-12);
});

test('entropy: a certain prediction has entropy 0 (0 · ln 0 counts as 0, not NaN)', () => {
  expectClose('entropy([1, 0, 0])', () => entropy([1, 0, 0]), 0, 'p · ln p tends to 0 as p tends to 0, and 1 · ln 1 = 0; Math.log(0) is −Infinity and 0 × −Infinity is NaN, so skip p = 0', 1e-12);
});

test('analyzePrediction: label, runner-up, margin, entropy and confidence', () => {
  const result = expectObject('analyzePrediction([0.1, 0.7, 0.2], ["dog", "cat", "car"])', () => analyzePrediction([0.1, 0.7, 0.2], ['dog', 'cat', 'car']), 'an object describing the prediction');
  expectEqual('analyzePrediction(…).label', () => result.label, 'cat', '"cat" has the largest probability, 0.7');
  expectEqual('analyzePrediction(…).runnerUp', () => result.runnerUp, 'car', '"car" is second with 0.2');
  expectClose('analyzePrediction(…).probability', () => result.probability, 0.7, 'the top probability is 0.7', 1e-12);
  expectClose('analyzePrediction(…).margin', () => result.margin, 0.5, '0.7 − 0.2 = 0.5', 1e-12);
  expectClose('analyzePrediction(…).entropy', () => result.entropy, 0.8018185525433372, 'the probabilities are those of the entropy test, in another order', 1e-12);
  // 0.8018185525433372 / ln 3 = 0.7298466991620974 (Python: 0.8018185525433372 / math.log(3))
  expectClose('analyzePrediction(…).normalizedEntropy', () => result.normalizedEntropy, 0.7298466991620974, 'the entropy divided by ln 3, the largest entropy 3 labels can have', 1e-12);
  expectEqual('analyzePrediction(…).confident', () => result.confident, true, 'the margin 0.5 is above the default threshold 0.2');
});

test('analyzePrediction: a close call is not confident; the threshold decides, inclusively', () => {
  const close = expectObject('analyzePrediction([0.4, 0.35, 0.25], ["a", "b", "c"])', () => analyzePrediction([0.4, 0.35, 0.25], ['a', 'b', 'c']), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.4, 0.35, 0.25], …).confident', () => close.confident, false, 'the margin 0.05 is below the default threshold 0.2');
  const atThreshold = expectObject('analyzePrediction([0.75, 0.25], ["a", "b"], 0.5)', () => analyzePrediction([0.75, 0.25], ['a', 'b'], 0.5), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.75, 0.25], …, 0.5).confident', () => atThreshold.confident, true, 'the margin is exactly 0.5, and a margin at the threshold counts as confident (margin ≥ threshold)');
  const strict = expectObject('analyzePrediction([0.75, 0.25], ["a", "b"], 0.6)', () => analyzePrediction([0.75, 0.25], ['a', 'b'], 0.6), 'an object describing the prediction');
  expectEqual('analyzePrediction([0.75, 0.25], …, 0.6).confident', () => strict.confident, false, 'a margin of 0.5 is below a threshold of 0.6');
  const uniform = expectObject('analyzePrediction([0.5, 0.5], ["a", "b"])', () => analyzePrediction([0.5, 0.5], ['a', 'b']), 'an object describing the prediction');
  expectClose('analyzePrediction([0.5, 0.5], …).normalizedEntropy', () => uniform.normalizedEntropy, 1, 'a tie between 2 labels is as uncertain as 2 labels can be', 1e-12);
});

test('top2Margin, entropy and analyzePrediction: bad probabilities, labels and thresholds are rejected', () => {
  expectThrows('top2Margin([1])', () => top2Margin([1]), ProbabilityInputError, 'a margin needs a second-best probability');
  expectThrows('entropy([0.5, 0.6])', () => entropy([0.5, 0.6]), ProbabilityInputError, 'probabilities of all labels sum to 1, and these sum to 1.1');
  expectThrows('entropy([1.5, -0.5])', () => entropy([1.5, -0.5]), ProbabilityInputError, 'a probability lies between 0 and 1');
  expectThrows('top2Margin([0.5, NaN])', () => top2Margin([0.5, NaN]), ProbabilityInputError, 'NaN is not a probability');
  expectThrows('analyzePrediction([0.5, 0.5], ["a"])', () => analyzePrediction([0.5, 0.5], ['a']), ProbabilityInputError, 'every probability needs its label');
  expectThrows('analyzePrediction([0.5, 0.5], ["a", "b"], 1.5)', () => analyzePrediction([0.5, 0.5], ['a', 'b'], 1.5), ProbabilityInputError, 'a margin is at most 1, so a threshold above 1 can never be met');
});
