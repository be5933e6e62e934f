// Exercise 05 · Zero-shot classification from embeddings.
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Expected values are worked out by hand: with two labels the
// softmax is the logistic function, p = 1 / (1 + e^(−(x₁ − x₂))), evaluated with Python's math module.
import { expectClose, expectEqual, expectThrows, run } from './support/plain';
import { zeroShotClassify, ZeroShotInputError } from '../../solutions/05-zero-shot';

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

test('zeroShotClassify: the default logit scale is 100, as CLIP\'s', () => {
  // image [0.6, 0.8]: cosines 0.6 ("cat") and 0.8 ("dog"); scale 100 → logits 60 and 80; p(cat) = 1 / (1 + e²⁰) = 2.0611536181902037e-9
  const result = run('zeroShotClassify([0.6, 0.8], [[1, 0], [0, 1]], ["cat", "dog"])', () => zeroShotClassify([0.6, 0.8], [[1, 0], [0, 1]], ['cat', 'dog']));
  expectEqual('the labels, in order', () => labelsOf(result), ['dog', 'cat'], 'the image is closer to "dog" (cosine 0.8) than to "cat" (0.6)');
  expectClose('the probability of "cat"', () => result[1].probability, 2.0611536181902037e-9, 'with the default scale 100 the logits are 60 and 80, and 1 / (1 + e²⁰) = 2.06e-9', 1e-15);
});

test('zeroShotClassify: embeddings are normalized, so their lengths do not matter', () => {
  const result = run('zeroShotClassify([5, 0], [[0, 3], [0.5, 0]], ["dog", "cat"], 1)', () => zeroShotClassify([5, 0], [[0, 3], [0.5, 0]], ['dog', 'cat'], 1));
  expectEqual('the labels, in order', () => labelsOf(result), ['cat', 'dog'], 'only directions count: "cat" has cosine 1 with the image, "dog" 0');
  expectClose('the probability of "cat"', () => result[0].probability, 0.7310585786300049, 'after normalizing, the logits are 1 and 0 as in the first test', 1e-12);
});

test('zeroShotClassify: equal probabilities keep the order of the labels', () => {
  const result = run('zeroShotClassify([1, 1], [[1, 0], [0, 1]], ["cat", "dog"], 1)', () => zeroShotClassify([1, 1], [[1, 0], [0, 1]], ['cat', 'dog'], 1));
  expectEqual('the result', () => result, [{ label: 'cat', probability: 0.5 }, { label: 'dog', probability: 0.5 }], 'the image is exactly between the two labels, so they tie at 0.5 and keep their input order');
});

test('zeroShotClassify: bad labels, embeddings and scales are rejected', () => {
  expectThrows('zeroShotClassify([1, 0], [[1, 0]], ["cat"])', () => zeroShotClassify([1, 0], [[1, 0]], ['cat']), ZeroShotInputError, 'choosing among one label is not a classification; give at least 2');
  expectThrows('zeroShotClassify(2 labels, 3 embeddings)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1], [1, 1]], ['cat', 'dog']), ZeroShotInputError, 'every label needs exactly one embedding');
  expectThrows('zeroShotClassify(labels ["cat", "cat"])', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'cat']), ZeroShotInputError, 'a repeated label makes the answer ambiguous');
  expectThrows('zeroShotClassify([1, 0], [[1, 0, 0], [0, 1, 0]], …)', () => zeroShotClassify([1, 0], [[1, 0, 0], [0, 1, 0]], ['cat', 'dog']), ZeroShotInputError, 'a 2-number image embedding cannot be compared with 3-number text embeddings');
  expectThrows('zeroShotClassify([0, 0], …)', () => zeroShotClassify([0, 0], [[1, 0], [0, 1]], ['cat', 'dog']), ZeroShotInputError, 'the zero vector has no direction');
  expectThrows('zeroShotClassify(…, [[1, 0], [0, 0]], …)', () => zeroShotClassify([1, 0], [[1, 0], [0, 0]], ['cat', 'dog']), ZeroShotInputError, 'the zero vector has no direction');
  expectThrows('zeroShotClassify(…, logitScale -1)', () => zeroShotClassify([1, 0], [[1, 0], [0, 1]], ['cat', 'dog'], -1), ZeroShotInputError, 'a negative logit scale would make the least similar label win');
});
