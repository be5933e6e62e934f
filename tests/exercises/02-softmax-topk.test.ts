// Exercise 02 · Softmax with a logit scale, and top-k.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution module imported below for the learner's, run in its own sandboxed process). Expected values come from Python's math module
// (e.g. [math.exp(x) / sum(math.exp(y) for y in xs) for x in xs]), never from the code under test.
import { types } from 'node:util';
import { ExpectationError, expectCloseArray, expectEqual, expectThat, expectThrows, run, show } from './support/plain';
import { LogitsInputError, softmax, TopKError, topK } from '../../solutions/02-softmax-topk';

test('softmax: [1, 2, 3] at scale 1 gives [0.0900, 0.2447, 0.6652]', () => {
  expectCloseArray('softmax([1, 2, 3], 1)', () => softmax([1, 2, 3], 1), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 'each entry is exp(x) / (e¹ + e² + e³)', 1e-12);
});

test('softmax: equal logits share the probability equally, and the result sums to 1', () => {
  expectCloseArray('softmax([0, 0, 0, 0], 1)', () => softmax([0, 0, 0, 0], 1), [0.25, 0.25, 0.25, 0.25], 'four equal logits get a quarter each', 1e-12);
  const p = run('softmax([3, -1, 0.5, 2], 7)', () => softmax([3, -1, 0.5, 2], 7));
  const sum = Array.from(p).reduce((a, b) => a + b, 0);
  expectThat(Math.abs(sum - 1) < 1e-12, `softmax([3, -1, 0.5, 2], 7) should sum to 1 (probabilities over all choices), but it sums to ${sum}.`);
});

test('softmax: stays finite for any finite logits', () => {
  // softmax is unchanged by adding a constant to every logit, so [1000, 1001, 1002] ≡ [1, 2, 3]
  expectCloseArray('softmax([1000, 1001, 1002], 1)', () => softmax([1000, 1001, 1002], 1), [0.09003057317038046, 0.24472847105479767, 0.6652409557748219], 'adding 999 to every logit does not change a softmax, and the contract asks for finite probabilities for ANY finite logits (Math.exp(1000) is Infinity: see hint step 2 of 02)', 1e-12);
  expectCloseArray('softmax([-1000, -1000], 1)', () => softmax([-1000, -1000], 1), [0.5, 0.5], 'two equal logits share equally (Math.exp(-1000) is 0, and 0 / 0 is NaN: see hint step 2 of 02)', 1e-12);
  // e^0 / (e^0 + e^1000) = e^-1000 underflows to exactly 0 in float64, and the other gets 1
  expectCloseArray('softmax([0, 1000], 1)', () => softmax([0, 1000], 1), [0, 1], 'the gap is 1000, so the first probability is e⁻¹⁰⁰⁰ ≈ 0 and the second 1', 1e-12);
});

test('softmax: logits as large as float64 allows, at a large scale', () => {
  // shifted first, the exponents are 100 × (1e308 − 1e308) = 0 and 100 × (0 − 1e308) = −Infinity: [e⁰, e^−∞] / 1 = [1, 0]
  expectCloseArray('softmax([1e308, 0], 100)', () => softmax([1e308, 0], 100), [1, 0], 'the first logit is by far the largest, and the contract holds for ANY finite logits and scale. Multiplying by the scale first overflows: 100 × 1e308 is Infinity in float64, and Infinity − Infinity is NaN. Subtract the largest logit before you multiply by the scale (see hint step 2 of 02)', 1e-12);
  expectCloseArray('softmax([-1e308, 1e308], 1)', () => softmax([-1e308, 1e308], 1), [0, 1], 'the second logit is by far the largest (−1e308 − 1e308 is −Infinity in float64, and e^−∞ is 0)', 1e-12);
});

test('softmax: any number of logits, e.g. 200,000', () => {
  const many = Array.from({ length: 200_000 }, (_, i) => i % 2); // 0, 1, 0, 1, …: 100,000 zeros and 100,000 ones
  const what = 'softmax(200,000 logits 0, 1, 0, 1, …, 1)';
  let p: number[];
  try {
    p = run(what, () => softmax(many, 1));
  } catch (error) {
    if (types.isNativeError(error) && error.name === 'RangeError' && /call stack/i.test(error.message)) {
      throw new ExpectationError(
        `${what} threw RangeError: ${error.message}. The contract holds for any number of logits, but spreading an array into a call (Math.max(...logits), or Math.max.apply(null, logits)) passes every entry as a separate argument on the call stack, and 200,000 of them do not fit. Find the largest logit with a loop instead (see hint step 3 of 02).`,
      );
    }
    throw error;
  }
  expectThat((Array.isArray(p) || ArrayBuffer.isView(p)) && p.length === 200_000, `${what} should return 200,000 probabilities; it returned ${Array.isArray(p) || ArrayBuffer.isView(p) ? `${p.length}` : show(p)}.`);
  // each 1 gets e / (100000 · (e + 1)) = 7.310585786300049e-6, each 0 gets 1 / (100000 · (e + 1)) = 2.689414213699951e-6
  for (const i of [0, 1, 123_456, 199_999]) {
    const expected = i % 2 === 1 ? 7.310585786300049e-6 : 2.689414213699951e-6;
    expectThat(Math.abs(p[i] - expected) <= 1e-15, `${what}: probability ${i} should be ${expected} (±1e-15), because ${i % 2 === 1 ? 'each of the 100,000 ones gets e / (100000 · (e + 1))' : 'each of the 100,000 zeros gets 1 / (100000 · (e + 1))'}; it is ${show(p[i])}.`);
  }
});

test('softmax: the logit scale multiplies the logits before the softmax', () => {
  // scale 100: [0.1, 0.2] → [10, 20]; Python: [4.5397868702434395e-05, 0.9999546021312976]
  expectCloseArray('softmax([0.1, 0.2], 100)', () => softmax([0.1, 0.2], 100), [4.5397868702434395e-5, 0.9999546021312976], 'with scale 100 the logits are 10 and 20, and e¹⁰ / (e¹⁰ + e²⁰) = 4.54e-5', 1e-12);
  // CLIP-like cosine similarities −0.01, 0.005, 0.02 at scale 100 → logits −1, 0.5, 2
  expectCloseArray('softmax([-0.01, 0.005, 0.02], 100)', () => softmax([-0.01, 0.005, 0.02], 100), [0.039112573270687456, 0.1752903921400367, 0.7855970345892759], 'scale 100 turns small similarity differences into logits -1, 0.5 and 2', 1e-9);
  expectCloseArray('softmax([2, 4], 0.5)', () => softmax([2, 4], 0.5), [0.2689414213699951, 0.7310585786300049], 'with scale 0.5 the logits are 1 and 2', 1e-12);
});

test('softmax: the temperature changes the confidence, not the ranking (CLIP behaviour)', () => {
  // Cosines of one image with five prompts, as CLIP gives them: small and close together.
  const cosines = [0.21, 0.27, 0.19, 0.25, 0.3];
  const expectedOrder = [4, 1, 3, 0, 2]; // sorted by cosine, highest first
  let previousTop = 0;
  for (const scale of [1, 10, 100]) {
    const p = run(`softmax(cosines, ${scale})`, () => softmax(cosines, scale));
    const order = Array.from(p, (_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
    expectThat(order.join() === expectedOrder.join(), `softmax([${cosines.join(', ')}], ${scale}) ranks the prompts ${order.join(', ')}; it should keep the order of the cosines, ${expectedOrder.join(', ')}, at every scale: exp is increasing, so multiplying by a positive scale cannot swap two prompts.`);
    expectThat(p[4] > previousTop, `At scale ${scale} the top probability is ${show(p[4])}, not more than ${show(previousTop)} at the smaller scale before it: a larger logitScale (a lower temperature) must make the winner MORE probable.`);
    previousTop = p[4];
  }
  // at scale 1 every prompt gets about 1/5; at 100 the winner takes most of it (Python: 0.9463736188213394)
  expectThat(Math.abs(previousTop - 0.9463736188213394) < 1e-9, `softmax(cosines, 100) should give the winner e³⁰ / Σ e^(100·cos) = 0.94637; it gave ${show(previousTop)}.`);
});

test('softmax: bad logits and bad scales are rejected', () => {
  expectThrows('softmax([], 1)', () => softmax([], 1), LogitsInputError, 'there is nothing to turn into probabilities');
  expectThrows('softmax([1, NaN], 1)', () => softmax([1, NaN], 1), LogitsInputError, 'NaN is not a logit');
  expectThrows('softmax([1, Infinity], 1)', () => softmax([1, Infinity], 1), LogitsInputError, 'an infinite logit makes every probability NaN');
  expectThrows('softmax([1, 2], 0)', () => softmax([1, 2], 0), LogitsInputError, 'a logit scale of 0 erases every difference; it must be > 0');
  expectThrows('softmax([1, 2], -1)', () => softmax([1, 2], -1), LogitsInputError, 'a negative scale would turn the ranking upside down');
  expectThrows('softmax([1, 2], NaN)', () => softmax([1, 2], NaN), LogitsInputError, 'the scale must be a finite number');
});

test('softmax: does not change its input', () => {
  const logits = [1, 2, 3];
  run('softmax([1, 2, 3], 10)', () => softmax(logits, 10));
  expectThat(logits.join() === '1,2,3', `softmax changed the caller's logits to [${logits.join(', ')}]; the contract says the input stays unchanged.`);
});

test('topK: the k highest scores, highest first, with their indices', () => {
  expectEqual('topK([0.1, 0.6, 0.3], 2)', () => topK([0.1, 0.6, 0.3], 2), [{ index: 1, score: 0.6 }, { index: 2, score: 0.3 }], '0.6 (index 1) and 0.3 (index 2) are the two highest');
  expectEqual('topK([0.1, 0.6, 0.3], 1)', () => topK([0.1, 0.6, 0.3], 1), [{ index: 1, score: 0.6 }], 'the single highest is 0.6 at index 1');
  expectEqual('topK([0.5, 0.2, 0.3], 3)', () => topK([0.5, 0.2, 0.3], 3), [{ index: 0, score: 0.5 }, { index: 2, score: 0.3 }, { index: 1, score: 0.2 }], 'k equal to the length ranks everything');
  expectEqual('topK([-0.2, 0.31, -0.05], 2)', () => topK([-0.2, 0.31, -0.05], 2), [{ index: 1, score: 0.31 }, { index: 2, score: -0.05 }], 'scores may be any finite numbers, e.g. cosines, and -0.05 is higher than -0.2');
});

test('topK: ties keep the input order (lower index first)', () => {
  expectEqual('topK([0.25, 0.5, 0.25], 3)', () => topK([0.25, 0.5, 0.25], 3), [{ index: 1, score: 0.5 }, { index: 0, score: 0.25 }, { index: 2, score: 0.25 }], 'index 0 and index 2 tie, so index 0 comes first');
  const many = [0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2];
  expectEqual('topK([0.1, 0.2, 0.1, 0.2, … (12 scores)], 4)', () => topK(many, 4), [{ index: 1, score: 0.2 }, { index: 3, score: 0.2 }, { index: 5, score: 0.2 }, { index: 7, score: 0.2 }], 'the six 0.2 scores tie and keep their input order, whatever sorting algorithm runs (see hint step 3 of 02)');
});

test("topK: does not sort the caller's array", () => {
  const scores = [0.1, 0.6, 0.3];
  run('topK([0.1, 0.6, 0.3], 2)', () => topK(scores, 2));
  expectThat(scores.join() === '0.1,0.6,0.3', `topK reordered the caller's array to [${scores.join(', ')}]; the contract says the input stays unchanged.`);
});

test('topK: bad scores and a k that is not a whole number from 1 to the length are rejected', () => {
  expectThrows('topK([0.5, 0.5], 0)', () => topK([0.5, 0.5], 0), TopKError, 'asking for 0 results is a mistake');
  expectThrows('topK([0.5, 0.5], 3)', () => topK([0.5, 0.5], 3), TopKError, 'there are only 2 scores');
  expectThrows('topK([0.5, 0.5], 1.5)', () => topK([0.5, 0.5], 1.5), TopKError, 'k counts results, so it is a whole number');
  expectThrows('topK([], 1)', () => topK([], 1), TopKError, 'an empty list has no top entry');
  expectThrows('topK([0.5, NaN], 1)', () => topK([0.5, NaN], 1), TopKError, 'NaN cannot be compared with anything, so it has no rank');
});
