// Exercise 07 · Text → image retrieval and recall@k.
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Expected rankings are worked out by hand from the cosines
// listed in the comments, never by calling the code under test.
import { expectClose, expectEqual, expectThrows } from './support/plain';
import { rankImages, recallAtK, RetrievalInputError } from '../../solutions/07-retrieval-recall';

// Four unit-length image embeddings.
const IMAGES = [
  [1, 0], // 0
  [0.8, 0.6], // 1
  [0, 1], // 2
  [-1, 0], // 3
];

test('rankImages: images ranked by cosine similarity to the query, best first', () => {
  // query [0.6, 0.8]: cosines 0.6, 0.96, 0.8, −0.6 → order 1, 2, 0, 3
  expectEqual('rankImages([0.6, 0.8], IMAGES)', () => rankImages([0.6, 0.8], IMAGES), [1, 2, 0, 3], 'the cosines with images 0–3 are 0.6, 0.96, 0.8 and −0.6');
  // query [1, 0]: cosines 1, 0.8, 0, −1 → 0, 1, 2, 3
  expectEqual('rankImages([1, 0], IMAGES)', () => rankImages([1, 0], IMAGES), [0, 1, 2, 3], 'the cosines with images 0–3 are 1, 0.8, 0 and −1');
});

test('rankImages: uses cosine similarity, so image lengths do not matter', () => {
  // a long image 2 ([0, 10]) must not beat image 1 just because it is long: cosines 0.6, 0.96, 0.8, −0.6
  expectEqual('rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 10], [-1, 0]])', () => rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 10], [-1, 0]]), [1, 2, 0, 3], 'cosines are 0.6, 0.96, 0.8, −0.6; a plain dot product would put the long image 2 (dot 8) first');
});

test('rankImages: equal similarities keep the order of the images', () => {
  // query [0, −1]: cosines 0, −0.6, −1, 0 → images 0 and 3 tie at 0
  expectEqual('rankImages([0, -1], IMAGES)', () => rankImages([0, -1], IMAGES), [0, 3, 1, 2], 'images 0 and 3 tie at cosine 0 (0 comes first), then image 1 (−0.6), then image 2 (−1)');
});

test('recallAtK: the fraction of queries whose right image is in the top k', () => {
  // queries and their right images: [0.6, 0.8] → image 0 (ranked 3rd), [1, 0] → image 0 (1st), [0, −1] → image 3 (2nd)
  const queries = [[0.6, 0.8], [1, 0], [0, -1]];
  const relevant = [0, 0, 3];
  expectClose('recallAtK(queries, IMAGES, [0, 0, 3], 1)', () => recallAtK(queries, IMAGES, relevant, 1), 1 / 3, 'only the second query has its right image first', 1e-12);
  expectClose('recallAtK(queries, IMAGES, [0, 0, 3], 2)', () => recallAtK(queries, IMAGES, relevant, 2), 2 / 3, 'the right images rank 3rd, 1st and 2nd, so two of three are in the top 2', 1e-12);
  expectClose('recallAtK(queries, IMAGES, [0, 0, 3], 3)', () => recallAtK(queries, IMAGES, relevant, 3), 1, 'every right image ranks 3rd or better', 1e-12);
});

test('recallAtK: a perfect retriever has recall 1 at k = 1', () => {
  expectClose('recallAtK(IMAGES, IMAGES, [0, 1, 2, 3], 1)', () => recallAtK(IMAGES, IMAGES, [0, 1, 2, 3], 1), 1, 'each query is identical to its own image, which has cosine 1 and ranks first');
});

test('rankImages and recallAtK: bad inputs are rejected', () => {
  expectThrows('rankImages([1, 0], [])', () => rankImages([1, 0], []), RetrievalInputError, 'there are no images to rank');
  expectThrows('rankImages([1, 0, 0], IMAGES)', () => rankImages([1, 0, 0], IMAGES), RetrievalInputError, 'a 3-number query cannot be compared with 2-number images');
  expectThrows('rankImages([0, 0], IMAGES)', () => rankImages([0, 0], IMAGES), RetrievalInputError, 'the zero vector has no direction');
  expectThrows('recallAtK(2 queries, IMAGES, [0], 1)', () => recallAtK([[1, 0], [0, 1]], IMAGES, [0], 1), RetrievalInputError, 'every query needs its right image');
  expectThrows('recallAtK([[1, 0]], IMAGES, [4], 1)', () => recallAtK([[1, 0]], IMAGES, [4], 1), RetrievalInputError, 'there is no image 4 (indices run from 0 to 3)');
  expectThrows('recallAtK([[1, 0]], IMAGES, [0], 0)', () => recallAtK([[1, 0]], IMAGES, [0], 0), RetrievalInputError, 'k = 0 looks at no results');
  expectThrows('recallAtK([[1, 0]], IMAGES, [0], 5)', () => recallAtK([[1, 0]], IMAGES, [0], 5), RetrievalInputError, 'there are only 4 images');
  expectThrows('recallAtK([], IMAGES, [], 1)', () => recallAtK([], IMAGES, [], 1), RetrievalInputError, 'a recall over no queries is 0 / 0');
});
