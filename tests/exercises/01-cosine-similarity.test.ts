// Exercise 01 · L2 normalisation and cosine similarity.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution module imported below for the learner's, run in its own sandboxed process). Expected values are worked out by hand (shown in the
// comments) or with Python's math module, never by calling the code under test.
import { expectClose, expectCloseArray, expectThat, expectThrows, run } from './support/plain';
import { cosineSimilarity, l2Normalize, VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';

test('l2Normalize: [3, 4] becomes [0.6, 0.8]', () => {
  // |[3, 4]| = √(9 + 16) = 5
  expectCloseArray('l2Normalize([3, 4])', () => l2Normalize([3, 4]), [0.6, 0.8], 'its length is √(3² + 4²) = 5 and each entry is divided by 5', 1e-12);
});

test('l2Normalize: works in any dimension, with negative entries', () => {
  // |[1, -2, 2]| = √(1 + 4 + 4) = 3
  expectCloseArray('l2Normalize([1, -2, 2])', () => l2Normalize([1, -2, 2]), [1 / 3, -2 / 3, 2 / 3], 'its length is √(1 + 4 + 4) = 3', 1e-12);
  expectCloseArray('l2Normalize([-7])', () => l2Normalize([-7]), [-1], 'a one-number vector keeps only its sign', 1e-12);
});

test('l2Normalize: does not change its input', () => {
  const input = [3, 4];
  run('l2Normalize([3, 4])', () => l2Normalize(input));
  expectThat(input[0] === 3 && input[1] === 4, `l2Normalize(input) changed the caller's array to [${input.join(', ')}]; the contract says: return a NEW array and leave the input as it was.`);
});

test('l2Normalize: very small and very large entries still have a direction', () => {
  // 1e-200² underflows to 0 and 3e200² overflows to Infinity in float64, yet both vectors have a clear direction
  expectCloseArray('l2Normalize([1e-200, 0])', () => l2Normalize([1e-200, 0]), [1, 0], 'the vector points along the first axis; the contract says any vector with a non-zero entry has a direction (squaring 1e-200 gives 0 in float64: see hint step 2 of 01)', 1e-12);
  expectCloseArray('l2Normalize([3e200, 4e200])', () => l2Normalize([3e200, 4e200]), [0.6, 0.8], 'it points the same way as [3, 4] (squaring 3e200 gives Infinity in float64: see hint step 2 of 01)', 1e-12);
});

test('l2Normalize: the zero vector, an empty vector and non-numbers are rejected', () => {
  expectThrows('l2Normalize([0, 0, 0])', () => l2Normalize([0, 0, 0]), ZeroVectorError, 'the zero vector has no direction to keep');
  expectThrows('l2Normalize([])', () => l2Normalize([]), VectorShapeError, 'an empty vector has no direction to keep');
  expectThrows('l2Normalize([1, NaN])', () => l2Normalize([1, NaN]), VectorShapeError, 'NaN is not a finite number');
  expectThrows('l2Normalize([1, Infinity])', () => l2Normalize([1, Infinity]), VectorShapeError, 'Infinity is not a finite number');
});

test('cosineSimilarity: perpendicular, identical and opposite directions give 0, 1 and -1', () => {
  expectClose('cosineSimilarity([1, 0], [0, 1])', () => cosineSimilarity([1, 0], [0, 1]), 0, 'perpendicular vectors have cosine 0', 1e-12);
  expectClose('cosineSimilarity([1, 1], [1, 1])', () => cosineSimilarity([1, 1], [1, 1]), 1, 'a vector has cosine 1 with itself', 1e-12);
  expectClose('cosineSimilarity([1, 1], [-2, -2])', () => cosineSimilarity([1, 1], [-2, -2]), -1, 'opposite directions have cosine -1', 1e-12);
});

test('cosineSimilarity: [1, 2, 3] and [4, 5, 6] give 32 / √1078', () => {
  // dot = 4 + 10 + 18 = 32, |a| = √14, |b| = √77: 32 / √1078 = 0.9746318461970762 (Python: 32 / math.sqrt(14 * 77))
  expectClose('cosineSimilarity([1, 2, 3], [4, 5, 6])', () => cosineSimilarity([1, 2, 3], [4, 5, 6]), 0.9746318461970762, 'the dot product is 32 and the lengths are √14 and √77', 1e-12);
});

test('cosineSimilarity: ignores length, only direction counts', () => {
  // [3, 4] and [4, 3]: dot 24, lengths 5 and 5 → 0.96; scaling either vector changes nothing
  expectClose('cosineSimilarity([3, 4], [4, 3])', () => cosineSimilarity([3, 4], [4, 3]), 0.96, 'the dot product is 24 and both lengths are 5', 1e-12);
  expectClose('cosineSimilarity([30, 40], [0.4, 0.3])', () => cosineSimilarity([30, 40], [0.4, 0.3]), 0.96, 'scaling a vector does not change its direction, so the cosine stays 0.96', 1e-12);
});

test('cosineSimilarity: never leaves [-1, 1], even by a rounding error', () => {
  // In float64 the usual formulas give 1.0000000000000002 for this vector with itself (and -1.0000000000000002 with its opposite).
  const v = [0.1, 0.3, 0.6, 0.3];
  const minus = v.map((x) => -3 * x);
  const same = run('cosineSimilarity([0.1, 0.3, 0.6, 0.3], [0.1, 0.3, 0.6, 0.3])', () => cosineSimilarity(v, v));
  expectThat(typeof same === 'number' && same <= 1 && same > 1 - 1e-12, `cosineSimilarity([0.1, 0.3, 0.6, 0.3], itself) should be 1 and never above it (the contract: a number in [−1, 1]); it returned ${String(same)}. Rounding can push a computed cosine just past 1: see hint step 3 of 01.`);
  const opposite = run('cosineSimilarity([0.1, 0.3, 0.6, 0.3], [-0.3, -0.9, -1.8, -0.9])', () => cosineSimilarity(v, minus));
  expectThat(typeof opposite === 'number' && opposite >= -1 && opposite < -1 + 1e-12, `cosineSimilarity(v, −3·v) should be −1 and never below it; it returned ${String(opposite)}.`);
});

test('cosineSimilarity: different lengths and zero vectors are rejected', () => {
  expectThrows('cosineSimilarity([1, 2], [1, 2, 3])', () => cosineSimilarity([1, 2], [1, 2, 3]), VectorShapeError, 'a 2-number vector cannot be compared with a 3-number vector');
  expectThrows('cosineSimilarity([0, 0], [1, 1])', () => cosineSimilarity([0, 0], [1, 1]), ZeroVectorError, 'the zero vector has no direction, so its angle with anything is undefined');
  expectThrows('cosineSimilarity([1, 1], [0, 0])', () => cosineSimilarity([1, 1], [0, 0]), ZeroVectorError, 'the zero vector has no direction, so its angle with anything is undefined');
  expectThrows('cosineSimilarity([1, NaN], [1, 1])', () => cosineSimilarity([1, NaN], [1, 1]), VectorShapeError, 'NaN is not a finite number');
});
