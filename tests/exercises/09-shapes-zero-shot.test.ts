// Exercise 09 · Your zero-shot classifier meets a model: the shapes world, held-out pairs.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution modules imported below for the learner's, run in its own sandboxed process). Small cases are worked out with Python's math module; on the
// shapes world the expected predictions come from the small independent classifier below, never from the
// code under test. The images are rendered and embedded once, in beforeAll (support/shapes-world.ts).
import { expectOwnEarlierExercises } from './support/earlier';
import { expectClose, expectEqual, expectThat, expectThrows, run, show } from './support/plain';
import { EMBEDDING_TIMEOUT_MS, embedShapesWorld, type EmbeddedWorld } from './support/shapes-world';
import { VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';
import { LogitsInputError } from '../../solutions/02-softmax-topk';
import { accuracy, ClassifierInputError, classifyImages, confusionMatrix } from '../../solutions/09-shapes-zero-shot';
import { COLOURS, HELD_OUT_PAIRS, SHAPES, SIZES } from '../../lib/worlds/shapes';

jest.mock('../../solutions/01-cosine-similarity', () =>
  require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
);
jest.mock('../../solutions/02-softmax-topk', () =>
  require('./support/earlier').withCourseFallback('02-softmax-topk', jest.requireActual('../../solutions/02-softmax-topk')),
);

test('classifyImages: the most probable class of each image, with its probability', () => {
  // image 0 [1, 0]: cosines 1 and 0, scale 10 → 1 / (1 + e⁻¹⁰) = 0.9999546021312976
  // image 1 [0.2, 1]: cosines 0.196 and 0.981 → 0.9996083089525981 for class 1
  const result = run('classifyImages([[1, 0], [0.2, 1]], [[1, 0], [0, 1]], 10)', () => classifyImages([[1, 0], [0.2, 1]], [[1, 0], [0, 1]], 10));
  expectEqual('the classes of classifyImages(…)', () => result.map((r) => r.index), [0, 1], 'image 0 points along class 0 and image 1 mostly along class 1');
  expectClose('classifyImages(…)[0].score', () => result[0].score, 0.9999546021312976, 'the logits are 10 and 0, and 1 / (1 + e⁻¹⁰) = 0.99995', 1e-12);
  expectClose('classifyImages(…)[1].score', () => result[1].score, 0.9996083089525981, 'the cosines are 0.196 and 0.981 (after normalising), so the logits are 1.96 and 9.81', 1e-12);
});

test('classifyImages: ties go to the lowest class index, and lengths do not matter', () => {
  const tie = run('classifyImages([[1, 1]], [[3, 0], [0, 1], [-1, 0]], 5)', () => classifyImages([[1, 1]], [[3, 0], [0, 1], [-1, 0]], 5));
  expectEqual('classifyImages([[1, 1]], …)[0].index', () => tie[0].index, 0, 'classes 0 and 1 tie (cosine √½ each), and the lower index wins');
  const long = run('classifyImages([[3, 4]], [[10, 0], [0, 0.1]], 1)', () => classifyImages([[3, 4]], [[10, 0], [0, 0.1]], 1));
  expectEqual('classifyImages([[3, 4]], [[10, 0], [0, 0.1]], 1)[0].index', () => long[0].index, 1, 'the cosines are 0.6 and 0.8, so class 1 wins; a plain dot product (30 against 0.4) would pick the long class-0 embedding');
});

test('classifyImages: probabilities that are exactly equal tie, even when the cosines differ', () => {
  // cosines 0 and 1 at scale 1e-20: the logits differ by 1e-20, e^−1e-20 is exactly 1 in float64, so both get 0.5
  const what = 'classifyImages([[1, 0]], [[0, 1], [1, 0]], 1e-20)';
  const result = run(what, () => classifyImages([[1, 0]], [[0, 1], [1, 0]], 1e-20));
  expectEqual(`${what}[0]`, () => result[0], { index: 0, score: 0.5 }, 'class 1 has the higher cosine (1 against 0), but at scale 1e-20 the logits differ by 1e-20 and e^−1e-20 is exactly 1 in float64: both classes get probability exactly 0.5, they tie for the highest probability, and the lowest class index wins. Pick the class from the computed probabilities, not from the cosines (see hint step 2 of 09)');
});

test('classifyImages: bad inputs are rejected', () => {
  expectThrows('classifyImages([], [[1, 0], [0, 1]], 1)', () => classifyImages([], [[1, 0], [0, 1]], 1), ClassifierInputError, 'there are no images to classify');
  expectThrows('classifyImages([[1, 0]], [[1, 0]], 1)', () => classifyImages([[1, 0]], [[1, 0]], 1), ClassifierInputError, 'one class is no choice');
  expectThrows('classifyImages([[1, 0]], [[1, 0, 0], [0, 1, 0]], 1)', () => classifyImages([[1, 0]], [[1, 0, 0], [0, 1, 0]], 1), VectorShapeError, 'a 2-number image cannot be compared with 3-number classes (exercise 01’s error)');
  expectThrows('classifyImages([[0, 0]], [[1, 0], [0, 1]], 1)', () => classifyImages([[0, 0]], [[1, 0], [0, 1]], 1), ZeroVectorError, 'the zero vector has no direction (exercise 01’s error)');
  expectThrows('classifyImages([[1, 0]], [[1, 0], [0, 1]], 0)', () => classifyImages([[1, 0]], [[1, 0], [0, 1]], 0), LogitsInputError, 'a logit scale must be > 0 (exercise 02’s error)');
});

test('accuracy and confusionMatrix: counted by hand', () => {
  expectClose('accuracy([0, 1, 1, 2], [0, 1, 2, 2])', () => accuracy([0, 1, 1, 2], [0, 1, 2, 2]), 0.75, 'three of the four predictions equal the true class');
  expectEqual('confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3)', () => confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3), [[1, 0, 0], [0, 1, 0], [0, 1, 1]], 'row = true class, column = predicted: one class-2 image was taken for class 1');
  expectEqual('confusionMatrix([1], [1], 3)', () => confusionMatrix([1], [1], 3), [[0, 0, 0], [0, 1, 0], [0, 0, 0]], 'classes nobody predicted still get their row and column of zeros');
});

test('accuracy and confusionMatrix: bad inputs are rejected', () => {
  expectThrows('accuracy([], [])', () => accuracy([], []), ClassifierInputError, 'an accuracy over no predictions is 0 / 0');
  expectThrows('accuracy([0, 1], [0])', () => accuracy([0, 1], [0]), ClassifierInputError, 'every prediction needs its true class');
  expectThrows('accuracy([0.5], [0])', () => accuracy([0.5], [0]), ClassifierInputError, 'a class index is a whole number');
  expectThrows('confusionMatrix([0, 3], [0, 1], 3)', () => confusionMatrix([0, 3], [0, 1], 3), ClassifierInputError, 'there is no class 3 among 3 classes (0 to 2)');
  expectThrows('confusionMatrix([0], [0], 0)', () => confusionMatrix([0], [0], 0), ClassifierInputError, 'a table needs at least one class');
  expectThrows('confusionMatrix([0], [-1], 2)', () => confusionMatrix([0], [-1], 2), ClassifierInputError, 'a class index is ≥ 0');
});

describe('the mini-CLIP on the six colour/shape pairs it never saw in training', () => {
  // 48 images: every held-out pair × both sizes × 4 seeds
  const objects = HELD_OUT_PAIRS.flatMap((p) => SIZES.flatMap((size) => [0, 1, 2, 3].map(() => ({ ...p, size }))));
  let world: EmbeddedWorld;
  let shapeClasses: number[][];
  let colourClasses: number[][];
  beforeAll(async () => {
    world = await embedShapesWorld(objects, 900);
    shapeClasses = world.embedTexts(SHAPES.map((shape) => `a ${shape}`));
    colourClasses = world.embedTexts([...COLOURS]);
  }, EMBEDDING_TIMEOUT_MS);

  /** The reference classifier: argmax of the cosine (the softmax keeps the order), lowest index on a tie. */
  const reference = (classes: number[][]) => {
    const unit = (v: number[]) => {
      const length = Math.hypot(...v);
      return v.map((x) => x / length);
    };
    const c = classes.map(unit);
    return world.imageEmbeddings.map(unit).map((image) => {
      const s = c.map((v) => v.reduce((a, x, k) => a + x * image[k], 0));
      return s.indexOf(Math.max(...s));
    });
  };

  test('classifyImages and accuracy: name the shape and the colour of held-out pictures', () => {
    for (const [what, classes, truth, names] of [
      ['shape', shapeClasses, objects.map((o) => SHAPES.indexOf(o.shape)), SHAPES],
      ['colour', colourClasses, objects.map((o) => COLOURS.indexOf(o.colour)), COLOURS],
    ] as const) {
      const predictions = run(`classifyImages(48 held-out images, ${classes.length} ${what} prompts, ${world.logitScale.toFixed(1)})`, () => classifyImages(world.imageEmbeddings, classes, world.logitScale));
      const expected = reference(classes);
      const yours = predictions.map((p) => p.index);
      const wrong = yours.findIndex((p, i) => p !== expected[i]);
      expectThat(predictions.length === 48 && wrong < 0, `classifyImages should predict, for each of the 48 images, the ${what} whose prompt has the highest cosine with it; ${wrong >= 0 ? `image ${wrong} (a ${objects[wrong].size} ${objects[wrong].colour} ${objects[wrong].shape}) gets ${show(names[yours[wrong]])}, the nearest prompt is ${show(names[expected[wrong]])}` : `it returned ${predictions.length} predictions`}.`);
      const acc = run(`accuracy(your ${what} predictions, the true ${what}s)`, () => accuracy(yours, [...truth]));
      const expectedAccuracy = expected.filter((p, i) => p === truth[i]).length / 48;
      expectThat(acc === expectedAccuracy && acc >= 0.8, `accuracy(your ${what} predictions, the truth) should be ${show(expectedAccuracy)} — the model names the ${what} of pairs it never saw in training — but it is ${show(acc)}.`);
    }
  });

  test('confusionMatrix: every held-out image is counted once, in the row of its true colour', () => {
    const truth = objects.map((o) => COLOURS.indexOf(o.colour));
    const predicted = reference(colourClasses);
    const table = run('confusionMatrix(colour predictions, true colours, 6)', () => confusionMatrix(predicted, truth, 6));
    const expectedRows = COLOURS.map((_, t) => COLOURS.map((__, p) => predicted.filter((q, i) => truth[i] === t && q === p).length));
    expectEqual('confusionMatrix(colour predictions, true colours, 6)', () => table, expectedRows, 'entry [t][p] counts the images of true colour t predicted as colour p');
  });
});

test('classifyImages: runs on your own cosineSimilarity (01) and softmax (02)', () => {
  run('classifyImages([[1, 0]], [[1, 0], [0, 1]], 10)', () => classifyImages([[1, 0]], [[1, 0], [0, 1]], 10));
  expectOwnEarlierExercises('09');
});
