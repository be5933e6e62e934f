// Exercise 05 · Zero-shot classification from embeddings.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution modules imported below for the learner's, run in its own sandboxed process). Expected probabilities come from Python's math module
// (softmax of logitScale × cosine), never from the code under test.
import { expectOwnEarlierExercises } from './support/earlier';
import { expectClose, expectEqual, expectThrows, run } from './support/plain';
import { VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';
import { LogitsInputError } from '../../solutions/02-softmax-topk';
import { zeroShotClassify, ZeroShotInputError } from '../../solutions/05-zero-shot';

jest.mock('../../solutions/01-cosine-similarity', () =>
  require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
);
jest.mock('../../solutions/02-softmax-topk', () =>
  require('./support/earlier').withCourseFallback('02-softmax-topk', jest.requireActual('../../solutions/02-softmax-topk')),
);

const labelsOf = (result: readonly { label: string }[]) => result.map((entry) => entry.label);

test('zeroShotClassify: cosines 1 and 0 at scale 1 give 0.7311 and 0.2689', () => {
  // logits 1 and 0: 1 / (1 + e⁻¹) = 0.7310585786300049
  const result = run('zeroShotClassify([1, 0], [[1, 0], [0, 1]], ["cat", "dog"], 1)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'dog'], 1));
  expectEqual('the labels of zeroShotClassify([1, 0], [[1, 0], [0, 1]], ["cat", "dog"], 1)', () => labelsOf(result), ['cat', 'dog'], '"cat" points the same way as the image (cosine 1) and "dog" is perpendicular (cosine 0)');
  expectClose('the probability of "cat"', () => result[0].probability, 0.7310585786300049, 'the logits are 1 and 0, and e¹ / (e¹ + e⁰) = 0.7311', 1e-12);
  expectClose('the probability of "dog"', () => result[1].probability, 0.2689414213699951, 'e⁰ / (e¹ + e⁰) = 0.2689', 1e-12);
});

test('zeroShotClassify: sorted by probability whatever the order of the labels', () => {
  const result = run('zeroShotClassify([1, 0], [[0, 1], [-1, 0], [1, 0]], ["dog", "car", "cat"], 1)', () => zeroShotClassify([1, 0], [[0, 1], [-1, 0], [1, 0]], ['dog', 'car', 'cat'], 1));
  expectEqual('the labels, in order', () => labelsOf(result), ['cat', 'dog', 'car'], 'the cosines are cat 1, dog 0, car −1, and the result lists the most probable label first');
  // logits 1, 0, −1: e¹ / (e¹ + e⁰ + e⁻¹) = 0.6652409557748219
  expectClose('the probability of "cat"', () => result[0].probability, 0.6652409557748219, 'softmax of logits 1, 0 and −1 gives 0.6652 to the first', 1e-12);
  const sum = result.reduce((total, entry) => total + entry.probability, 0);
  expectClose('the sum of the probabilities', () => sum, 1, 'the probabilities are a softmax over the labels', 1e-12);
});

test('zeroShotClassify: uses the logit scale it is given, e.g. CLIP\'s 100', () => {
  // image [0.6, 0.8]: cosines 0.6 ("cat") and 0.8 ("dog"); scale 100 → logits 60 and 80; p(cat) = 1 / (1 + e²⁰) = 2.0611536181902037e-9
  const result = run('zeroShotClassify([0.6, 0.8], [[1, 0], [0, 1]], ["cat", "dog"], 100)', () => zeroShotClassify([0.6, 0.8], [[1, 0], [0, 1]], ['cat', 'dog'], 100));
  expectEqual('the labels, in order', () => labelsOf(result), ['dog', 'cat'], 'the image is closer to "dog" (cosine 0.8) than to "cat" (0.6)');
  expectClose('the probability of "cat"', () => result[1].probability, 2.0611536181902037e-9, 'with scale 100 the logits are 60 and 80, and 1 / (1 + e²⁰) = 2.06e-9', 1e-15);
});

test('zeroShotClassify: embeddings are normalised, so their lengths do not matter', () => {
  const result = run('zeroShotClassify([5, 0], [[0, 3], [0.5, 0]], ["dog", "cat"], 1)', () => zeroShotClassify([5, 0], [[0, 3], [0.5, 0]], ['dog', 'cat'], 1));
  expectEqual('the labels, in order', () => labelsOf(result), ['cat', 'dog'], 'only directions count: "cat" has cosine 1 with the image, "dog" 0');
  expectClose('the probability of "cat"', () => result[0].probability, 0.7310585786300049, 'after normalising, the logits are 1 and 0 as in the first check', 1e-12);
});

test('zeroShotClassify: equal probabilities keep the order of the labels', () => {
  const result = run('zeroShotClassify([1, 1], [[1, 0], [0, 1]], ["cat", "dog"], 1)', () => zeroShotClassify([1, 1], [[1, 0], [0, 1]], ['cat', 'dog'], 1));
  expectEqual('the result', () => result, [{ label: 'cat', probability: 0.5 }, { label: 'dog', probability: 0.5 }], 'the image is exactly between the two labels, so they tie at 0.5 and keep their input order');
  const three = run('zeroShotClassify([0, 1], [[1, 0], [0, 1], [-1, 0]], ["b", "a", "c"], 2)', () => zeroShotClassify([0, 1], [[1, 0], [0, 1], [-1, 0]], ['b', 'a', 'c'], 2));
  expectEqual('the labels, in order', () => labelsOf(three), ['a', 'b', 'c'], '"a" wins; "b" and "c" tie (cosine 0 each) and keep their input order, b before c — input order, not alphabetical');
});

test('zeroShotClassify: probabilities that are exactly equal tie, even when the cosines differ', () => {
  // cosines 1, −1 and −0.98058; at scale 1000 the logits are 1000, −1000 and −980.58, and e^−2000 and e^−1980.58 are
  // both exactly 0 in float64: "b" and "c" tie at probability 0, so they keep their input order, b before c
  const what = 'zeroShotClassify([1, 0], [[1, 0], [-1, 0], [-1, 0.2]], ["a", "b", "c"], 1000)';
  const result = run(what, () => zeroShotClassify([1, 0], [[1, 0], [-1, 0], [-1, 0.2]], ['a', 'b', 'c'], 1000));
  expectEqual(`the labels of ${what}`, () => labelsOf(result), ['a', 'b', 'c'], '"b" (cosine −1) and "c" (cosine −0.98) both get probability exactly 0 at scale 1000, and the contract keeps labels whose computed probabilities are exactly equal in their input order. Sort by the probabilities, not by the cosines (see hint step 2 of 05)');
  expectEqual(`the probabilities of ${what}`, () => result.map((entry) => entry.probability), [1, 0, 0], 'e^(1000 × (−1 − 1)) and e^(1000 × (−0.98 − 1)) are too small for float64, so they are exactly 0');
});

test('zeroShotClassify: bad labels are rejected with ZeroShotInputError', () => {
  expectThrows('zeroShotClassify([1, 0], [[1, 0]], ["cat"], 1)', () => zeroShotClassify([1, 0], [[1, 0]], ['cat'], 1), ZeroShotInputError, 'choosing among one label is not a classification; give at least 2');
  expectThrows('zeroShotClassify(2 labels, 3 embeddings)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1], [1, 1]], ['cat', 'dog'], 1), ZeroShotInputError, 'every label needs exactly one embedding');
  expectThrows('zeroShotClassify(labels ["cat", "cat"])', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'cat'], 1), ZeroShotInputError, 'a repeated label makes the answer ambiguous');
  const distinct = run('zeroShotClassify(labels ["cat", "Cat"])', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'Cat'], 1));
  expectEqual('the labels of zeroShotClassify(labels ["cat", "Cat"])', () => labelsOf(distinct), ['cat', 'Cat'], 'the contract compares labels exactly, so "cat" and "Cat" are two different labels');
});

test('zeroShotClassify: bad embeddings and scales raise the errors of exercises 01 and 02', () => {
  expectThrows('zeroShotClassify([], [[], []], ["cat", "dog"], 1)', () => zeroShotClassify([], [[], []], ['cat', 'dog'], 1), VectorShapeError, 'an empty embedding has no direction (exercise 01’s error)');
  expectThrows('zeroShotClassify([1, 0], [[1, 0, 0], [0, 1, 0]], …)', () => zeroShotClassify([1, 0], [[1, 0, 0], [0, 1, 0]], ['cat', 'dog'], 1), VectorShapeError, 'a 2-number image embedding cannot be compared with 3-number text embeddings (exercise 01’s error)');
  expectThrows('zeroShotClassify([0, 0], …)', () => zeroShotClassify([0, 0], [[1, 0], [0, 1]], ['cat', 'dog'], 1), ZeroVectorError, 'the zero vector has no direction (exercise 01’s error)');
  expectThrows('zeroShotClassify(…, [[1, 0], [0, 0]], …)', () => zeroShotClassify([1, 0], [[1, 0], [0, 0]], ['cat', 'dog'], 1), ZeroVectorError, 'the zero vector has no direction (exercise 01’s error)');
  expectThrows('zeroShotClassify(…, logitScale -1)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'dog'], -1), LogitsInputError, 'a negative logit scale would make the least similar label win (exercise 02’s error)');
});

test('zeroShotClassify: runs on your own cosineSimilarity (01) and softmax (02)', () => {
  run('zeroShotClassify([1, 0], [[1, 0], [0, 1]], ["cat", "dog"], 1)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'dog'], 1));
  expectOwnEarlierExercises('05');
});
