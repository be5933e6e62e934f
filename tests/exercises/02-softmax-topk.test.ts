// Exercise 02 · A numerically stable softmax with a logit scale, and top-k.
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Expected values come from Python's math module
// (e.g. [math.exp(x) / sum(math.exp(y) for y in xs) for x in xs]), never from the code under test.
import { expectCloseArray, expectEqual, expectThat, expectThrows, run } from './support/plain';
import { LogitsInputError, softmax, TopKError, topK } from '../../solutions/02-softmax-topk';

test('softmax: [1, 2, 3] gives [0.0900, 0.2447, 0.6652]', () => {
  expectCloseArray('softmax([1, 2, 3])', () => softmax([1, 2, 3]), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 'each entry is exp(x) / (e¹ + e² + e³)', 1e-12);
});

test('softmax: equal logits share the probability equally, and the result sums to 1', () => {
  expectCloseArray('softmax([0, 0, 0, 0])', () => softmax([0, 0, 0, 0]), [0.25, 0.25, 0.25, 0.25], 'four equal logits get a quarter each', 1e-12);
  const p = run('softmax([3, -1, 0.5, 2])', () => softmax([3, -1, 0.5, 2]));
  const sum = Array.from(p).reduce((a, b) => a + b, 0);
  expectThat(Math.abs(sum - 1) < 1e-12, `softmax([3, -1, 0.5, 2]) should sum to 1 (probabilities over all choices), but it sums to ${sum}.`);
});

test('softmax: stays finite for large logits (subtract the largest first)', () => {
  // exp(1000) is Infinity in JavaScript; softmax is unchanged by adding a constant, so [1000, 1001, 1002] ≡ [0, 1, 2] ≡ [1, 2, 3]
  expectCloseArray('softmax([1000, 1001, 1002])', () => softmax([1000, 1001, 1002]), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 'adding 999 to every logit does not change a softmax; computed naively, exp(1000) = Infinity and the result is NaN', 1e-12);
  expectCloseArray('softmax([-1000, -1000])', () => softmax([-1000, -1000]), [0.5, 0.5], 'two equal logits share equally; computed naively, exp(-1000) = 0 and 0 / 0 is NaN', 1e-12);
  // a wide spread: e^0 / (e^0 + e^1000) = e^-1000 ≈ 0 (it underflows to exactly 0 in float64), and the other gets 1
  expectCloseArray('softmax([0, 1000])', () => softmax([0, 1000]), [0, 1], 'subtracting the LARGEST logit (1000) keeps every exponent ≤ 0; subtracting the smallest would leave exp(1000) = Infinity', 1e-12);
});

test('softmax: the logit scale multiplies the logits before the softmax', () => {
  // scale 100: [0.1, 0.2] → [10, 20]; Python: [4.5397868702434395e-05, 0.9999546021312976]
  expectCloseArray('softmax([0.1, 0.2], 100)', () => softmax([0.1, 0.2], 100), [4.5397868702434395e-5, 0.9999546021312976], 'with scale 100 the logits are 10 and 20, and e¹⁰ / (e¹⁰ + e²⁰) = 4.54e-5', 1e-12);
  // CLIP-like cosine similarities −0.01, 0.005, 0.02 at scale 100 → logits −1, 0.5, 2
  expectCloseArray('softmax([-0.01, 0.005, 0.02], 100)', () => softmax([-0.01, 0.005, 0.02], 100), [0.039112573270687456, 0.1752903921400367, 0.7855970345892759], 'scale 100 turns small similarity differences into logits -1, 0.5 and 2', 1e-9);
  expectCloseArray('softmax([2, 4], 0.5)', () => softmax([2, 4], 0.5), [0.2689414213699951, 0.7310585786300049], 'with scale 0.5 the logits are 1 and 2', 1e-12);
});

test('softmax: bad logits and bad scales are rejected', () => {
  expectThrows('softmax([])', () => softmax([]), LogitsInputError, 'there is nothing to turn into probabilities');
  expectThrows('softmax([1, NaN])', () => softmax([1, NaN]), LogitsInputError, 'NaN is not a logit');
  expectThrows('softmax([1, Infinity])', () => softmax([1, Infinity]), LogitsInputError, 'an infinite logit makes every probability NaN');
  expectThrows('softmax([1, 2], 0)', () => softmax([1, 2], 0), LogitsInputError, 'a logit scale of 0 erases every difference; it must be > 0');
  expectThrows('softmax([1, 2], -1)', () => softmax([1, 2], -1), LogitsInputError, 'a negative scale would turn the ranking upside down');
});

test('softmax: does not change its input', () => {
  const logits = [1, 2, 3];
  run('softmax([1, 2, 3], 10)', () => softmax(logits, 10));
  expectThat(logits.join() === '1,2,3', `softmax changed the caller's logits to [${logits.join(', ')}]; compute into a new array.`);
});

test('topK: the k largest probabilities, largest first, with their indices', () => {
  expectEqual('topK([0.1, 0.6, 0.3], 2)', () => topK([0.1, 0.6, 0.3], 2), [{ index: 1, probability: 0.6 }, { index: 2, probability: 0.3 }], '0.6 (index 1) and 0.3 (index 2) are the two largest');
  expectEqual('topK([0.1, 0.6, 0.3], 1)', () => topK([0.1, 0.6, 0.3], 1), [{ index: 1, probability: 0.6 }], 'the single largest is 0.6 at index 1');
  expectEqual('topK([0.5, 0.2, 0.3], 3)', () => topK([0.5, 0.2, 0.3], 3), [{ index: 0, probability: 0.5 }, { index: 2, probability: 0.3 }, { index: 1, probability: 0.2 }], 'k equal to the length ranks everything');
});

test('topK: ties keep the original order (lower index first)', () => {
  expectEqual('topK([0.25, 0.5, 0.25], 3)', () => topK([0.25, 0.5, 0.25], 3), [{ index: 1, probability: 0.5 }, { index: 0, probability: 0.25 }, { index: 2, probability: 0.25 }], 'index 0 and index 2 tie, so index 0 comes first');
});

test('topK: does not sort the caller\'s array', () => {
  const probabilities = [0.1, 0.6, 0.3];
  run('topK([0.1, 0.6, 0.3], 2)', () => topK(probabilities, 2));
  expectThat(probabilities.join() === '0.1,0.6,0.3', `topK reordered the caller's array to [${probabilities.join(', ')}]; sort a copy.`);
});

test('topK: a k that is not a whole number from 1 to the length is rejected', () => {
  expectThrows('topK([0.5, 0.5], 0)', () => topK([0.5, 0.5], 0), TopKError, 'asking for 0 results is a mistake');
  expectThrows('topK([0.5, 0.5], 3)', () => topK([0.5, 0.5], 3), TopKError, 'there are only 2 probabilities');
  expectThrows('topK([0.5, 0.5], 1.5)', () => topK([0.5, 0.5], 1.5), TopKError, 'k counts results, so it is a whole number');
  expectThrows('topK([], 1)', () => topK([], 1), TopKError, 'an empty list has no top entry');
});
