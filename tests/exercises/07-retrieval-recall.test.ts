// Exercise 07 · Text → image retrieval and recall@k.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution modules imported below for the learner's, run in its own sandboxed process). Rankings and recalls are worked out by hand (shown in the
// comments) or, on the shapes world, by the small independent ranking below — never by the code under test.
import { expectOwnEarlierExercises } from './support/earlier';
import { expectClose, expectEqual, expectThat, expectThrows, run, show } from './support/plain';
import { caption, EMBEDDING_TIMEOUT_MS, embedShapesWorld, everyObject, type EmbeddedWorld } from './support/shapes-world';
import { VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';
import { rankImages, recallAtK, RetrievalInputError } from '../../solutions/07-retrieval-recall';

jest.mock('../../solutions/01-cosine-similarity', () =>

  require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
);

// Four unit-length image embeddings; messages write them out (FOUR), since a learner never sees this file.
const IMAGES = [
  [1, 0], // 0
  [0.8, 0.6], // 1
  [0, 1], // 2
  [-1, 0], // 3
];
const FOUR = '[[1, 0], [0.8, 0.6], [0, 1], [-1, 0]]';

test('rankImages: images ranked by cosine similarity to the query, best first', () => {
  // query [0.6, 0.8]: cosines 0.6, 0.96, 0.8, −0.6 → order 1, 2, 0, 3
  expectEqual(`rankImages([0.6, 0.8], ${FOUR})`, () => rankImages([0.6, 0.8], IMAGES), [1, 2, 0, 3], 'the cosines with images 0–3 are 0.6, 0.96, 0.8 and −0.6');
  // query [1, 0]: cosines 1, 0.8, 0, −1 → 0, 1, 2, 3
  expectEqual(`rankImages([1, 0], ${FOUR})`, () => rankImages([1, 0], IMAGES), [0, 1, 2, 3], 'the cosines with images 0–3 are 1, 0.8, 0 and −1');
});

test('rankImages: uses cosine similarity, so image lengths do not matter', () => {
  // a long image 2 ([0, 10]) must not beat image 1 just because it is long: cosines 0.6, 0.96, 0.8, −0.6
  expectEqual('rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 10], [-1, 0]])', () => rankImages([0.6, 0.8], [[1, 0], [0.8, 0.6], [0, 10], [-1, 0]]), [1, 2, 0, 3], 'cosines are 0.6, 0.96, 0.8, −0.6; a plain dot product would put the long image 2 (dot 8) first');
});

test('rankImages: equal similarities keep the order of the images', () => {
  // query [0, −1]: cosines 0, −0.6, −1, 0 → images 0 and 3 tie at 0
  expectEqual(`rankImages([0, -1], ${FOUR})`, () => rankImages([0, -1], IMAGES), [0, 3, 1, 2], 'images 0 and 3 tie at cosine 0 (0 comes first), then image 1 (−0.6), then image 2 (−1)');
  const same = [[1, 1], [2, 0], [1, 1], [3, 3], [0, 1], [2, 2], [1, 1], [5, 5], [1, 1], [4, 4], [1, 1], [2, 2]];
  // every [t, t] has cosine exactly 1 with [1, 1]: images 0, 2, 3, 5, 6, 7, 8, 9, 10, 11 tie, then 1 and 4 tie at √½
  expectEqual('rankImages([1, 1], 12 images, ten of them along [1, 1])', () => rankImages([1, 1], same), [0, 2, 3, 5, 6, 7, 8, 9, 10, 11, 1, 4], 'the ten images along [1, 1] tie at cosine 1 and keep their index order, whatever the sort does (see hint step 3 of 07)');
});

test('recallAtK: the fraction of queries whose right image is in the top k', () => {
  // queries and their right images: [0.6, 0.8] → image 0 (ranked 3rd), [1, 0] → image 0 (1st), [0, −1] → image 3 (2nd)
  const queries = [[0.6, 0.8], [1, 0], [0, -1]];
  const relevant = [0, 0, 3];
  expectClose(`recallAtK([[0.6, 0.8], [1, 0], [0, -1]], ${FOUR}, [0, 0, 3], 1)`, () => recallAtK(queries, IMAGES, relevant, 1), 1 / 3, 'only the second query has its right image first', 1e-12);
  expectClose(`recallAtK([[0.6, 0.8], [1, 0], [0, -1]], ${FOUR}, [0, 0, 3], 2)`, () => recallAtK(queries, IMAGES, relevant, 2), 2 / 3, 'the right images rank 3rd, 1st and 2nd, so two of three are in the top 2', 1e-12);
  expectClose(`recallAtK([[0.6, 0.8], [1, 0], [0, -1]], ${FOUR}, [0, 0, 3], 3)`, () => recallAtK(queries, IMAGES, relevant, 3), 1, 'every right image ranks 3rd or better', 1e-12);
});

test('recallAtK: a perfect retriever has recall 1 at k = 1', () => {
  expectClose(`recallAtK(${FOUR}, ${FOUR}, [0, 1, 2, 3], 1)`, () => recallAtK(IMAGES, IMAGES, [0, 1, 2, 3], 1), 1, 'each query is identical to its own image, which has cosine 1 and ranks first');
});

test('rankImages and recallAtK: bad inputs are rejected', () => {
  expectThrows('rankImages([1, 0], [])', () => rankImages([1, 0], []), RetrievalInputError, 'there are no images to rank');
  expectThrows(`rankImages([1, 0, 0], ${FOUR})`, () => rankImages([1, 0, 0], IMAGES), VectorShapeError, 'a 3-number query cannot be compared with 2-number images (exercise 01’s error)');
  expectThrows(`rankImages([0, 0], ${FOUR})`, () => rankImages([0, 0], IMAGES), ZeroVectorError, 'the zero vector has no direction (exercise 01’s error)');
  expectThrows(`recallAtK([[1, 0], [0, 1]], ${FOUR}, [0], 1)`, () => recallAtK([[1, 0], [0, 1]], IMAGES, [0], 1), RetrievalInputError, 'every query needs its right image');
  expectThrows(`recallAtK([[1, 0]], ${FOUR}, [4], 1)`, () => recallAtK([[1, 0]], IMAGES, [4], 1), RetrievalInputError, 'there is no image 4 (indices run from 0 to 3)');
  expectThrows(`recallAtK([[1, 0]], ${FOUR}, [1.5], 1)`, () => recallAtK([[1, 0]], IMAGES, [1.5], 1), RetrievalInputError, 'an image index is a whole number');
  expectThrows(`recallAtK([[1, 0]], ${FOUR}, [0], 0)`, () => recallAtK([[1, 0]], IMAGES, [0], 0), RetrievalInputError, 'k = 0 looks at no results');
  expectThrows(`recallAtK([[1, 0]], ${FOUR}, [0], 5)`, () => recallAtK([[1, 0]], IMAGES, [0], 5), RetrievalInputError, 'there are only 4 images');
  expectThrows(`recallAtK([], ${FOUR}, [], 1)`, () => recallAtK([], IMAGES, [], 1), RetrievalInputError, 'a recall over no queries is 0 / 0');
  expectThrows('recallAtK([[1, 0]], [], [0], 1)', () => recallAtK([[1, 0]], [], [0], 1), RetrievalInputError, 'there are no images to retrieve');
});

test('recallAtK: every input is checked before any ranking', () => {
  // query 0 is the zero vector, but relevantImage[1] = 4 (or k = 5) is wrong too: the contract checks those first
  expectThrows(`recallAtK([[0, 0], [1, 0]], ${FOUR}, [0, 4], 1)`, () => recallAtK([[0, 0], [1, 0]], IMAGES, [0, 4], 1), RetrievalInputError, 'there is no image 4, and the contract checks every entry of relevantImage before any ranking, so this comes before the zero query\'s ZeroVectorError (exercise 01’s error, which ranking query 0 would throw)');
  expectThrows(`recallAtK([[0, 0]], ${FOUR}, [0], 5)`, () => recallAtK([[0, 0]], IMAGES, [0], 5), RetrievalInputError, 'there are only 4 images, and the contract checks k before any ranking, so this comes before the zero query\'s ZeroVectorError');
});

describe('on the shapes world, embedded by the course’s mini-CLIP', () => {
  // 48 images: every colour × shape × size once; queries are captions of the same 48 objects
  let world: EmbeddedWorld;
  let withSize: number[][];
  let withoutSize: number[][];
  beforeAll(async () => {
    world = await embedShapesWorld(everyObject(), 700);
    withSize = world.embedTexts(world.images.map((o) => caption(o)));
    withoutSize = world.embedTexts(world.images.map((o) => caption({ colour: o.colour, shape: o.shape })));
  }, EMBEDDING_TIMEOUT_MS);

  /** The reference recall@k: rank by cosine (ties by index) and count, written independently of the exercise. */
  const referenceRecall = (queries: number[][], k: number) => {
    const unit = (v: number[]) => {
      const length = Math.hypot(...v);
      return v.map((x) => x / length);
    };
    const images = world.imageEmbeddings.map(unit);
    let hits = 0;
    queries.forEach((q, i) => {
      const u = unit(q);
      const s = images.map((v) => v.reduce((a, x, j) => a + x * u[j], 0));
      if (s.filter((x, j) => x > s[i] || (x === s[i] && j < i)).length < k) hits++;
    });
    return hits / queries.length;
  };

  test('recallAtK: "a small red circle" finds its image first; "a red circle" fits two images, so recall@1 is about ½ (CLIP behaviour)', () => {
    const relevant = world.images.map((_, i) => i);
    const sized = run('recallAtK(48 sized captions, 48 images, …, 1)', () => recallAtK(withSize, world.imageEmbeddings, relevant, 1));
    expectThat(sized === referenceRecall(withSize, 1), `recallAtK(the 48 captions with a size, the 48 images, query i → image i, 1) should be ${show(referenceRecall(withSize, 1))}; it is ${show(sized)}.`);
    const previous: number[] = [];
    for (const k of [1, 2, 48]) {
      const r = run(`recallAtK(48 captions without size, 48 images, …, ${k})`, () => recallAtK(withoutSize, world.imageEmbeddings, relevant, k));
      const expected = referenceRecall(withoutSize, k);
      expectThat(r === expected, `recallAtK(the 48 captions without a size, the 48 images, query i → image i, ${k}) should be ${show(expected)}; it is ${show(r)}.`);
      expectThat(previous.every((p) => p <= r), `recall@k can only grow with k; yours went from ${show(previous[previous.length - 1])} to ${show(r)} at k = ${k}.`);
      previous.push(r);
    }
    expectThat(previous[0] <= 0.6 && previous[1] >= 0.9 && previous[2] === 1, `Without the size, each caption fits a small and a large image equally well: recall@1 should be about ½, recall@2 near 1, recall@48 exactly 1. Yours: ${previous.map(show).join(', ')}.`);
  });
});

test('rankImages and recallAtK: run on your own cosineSimilarity (exercise 01)', () => {
  run(`rankImages([0.6, 0.8], ${FOUR})`, () => rankImages([0.6, 0.8], IMAGES));
  expectOwnEarlierExercises('07');
});
