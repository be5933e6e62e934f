// Exercise 04 · CLIP's symmetric contrastive loss, in plain TypeScript.
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Expected values are worked out by hand: with two pairs,
// each cross-entropy is log(1 + e^(other − right)), evaluated with Python's math.log1p(math.exp(·)).
import { expectClose, expectObject, expectThat, expectThrows } from './support/plain';
import { ContrastiveInputError, contrastiveLoss } from '../../solutions/04-contrastive-loss';

const expectLoss = (what: string, fn: () => { loss: number; imageToText: number; textToImage: number }, expected: { loss: number; imageToText: number; textToImage: number }, why: string, tolerance = 1e-9) => {
  const result = expectObject(what, fn, 'an object { loss, imageToText, textToImage }');
  for (const key of ['imageToText', 'textToImage', 'loss'] as const) {
    expectClose(`${what}.${key}`, () => result[key], expected[key], why, tolerance);
  }
};

test('contrastiveLoss: two perfect pairs at scale 1 give log(1 + 1/e) in both directions', () => {
  // logits [[1, 0], [0, 1]]: every row and column has cross-entropy log(e¹ + e⁰) − 1 = log(1 + e⁻¹) = 0.31326168751822286
  const v = 0.31326168751822286;
  expectLoss('contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1), { loss: v, imageToText: v, textToImage: v }, 'the logits are [[1, 0], [0, 1]], so every cross-entropy is log(1 + e⁻¹) = 0.3133');
});

test('contrastiveLoss: rows (image → text) and columns (text → image) are different directions', () => {
  // texts [1, 0] and [0.6, 0.8] (already unit length): logits [[1, 0.6], [0, 0.8]]
  // rows:    log(1 + e^(0.6 − 1)) and log(1 + e^(0 − 0.8)) → mean 0.44205795917386514
  // columns: log(1 + e^(0 − 1))   and log(1 + e^(0.6 − 0.8)) → mean 0.45570027844990735
  expectLoss(
    'contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 1)',
    () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 1),
    { imageToText: 0.44205795917386514, textToImage: 0.45570027844990735, loss: 0.44887911881188625 },
    'the logits are [[1, 0.6], [0, 0.8]]: image → text uses its rows, text → image its columns, and the loss is their mean',
  );
});

test('contrastiveLoss: the logit scale multiplies the similarities', () => {
  // scale 10: logits [[10, 6], [0, 8]]; rows log1p(e⁻⁴), log1p(e⁻⁸); columns log1p(e⁻¹⁰), log1p(e⁻²)
  expectLoss(
    'contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 10)',
    () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 10),
    { imageToText: 0.009242667145352754, textToImage: 0.06348670497109468, loss: 0.03636468605822372 },
    'scale 10 makes the logits [[10, 6], [0, 8]]',
  );
});

test('contrastiveLoss: embeddings are normalized first, so their lengths do not matter', () => {
  // the same directions as the test above, with lengths 3, 0.5, 7 and 10
  expectLoss(
    'contrastiveLoss([[3, 0], [0, 0.5]], [[7, 0], [6, 8]], 10)',
    () => contrastiveLoss([[3, 0], [0, 0.5]], [[7, 0], [6, 8]], 10),
    { imageToText: 0.009242667145352754, textToImage: 0.06348670497109468, loss: 0.03636468605822372 },
    'CLIP normalizes every embedding to length 1 before comparing, so only directions count',
  );
});

test('contrastiveLoss: stays finite with a large scale (use log-sum-exp)', () => {
  // swapped pairs at scale 1000: logits [[0, 1000], [1000, 0]]; each cross-entropy is log(1 + e¹⁰⁰⁰) − 0 = 1000
  expectLoss('contrastiveLoss([[1, 0], [0, 1]], [[0, 1], [1, 0]], 1000)', () => contrastiveLoss([[1, 0], [0, 1]], [[0, 1], [1, 0]], 1000), { loss: 1000, imageToText: 1000, textToImage: 1000 }, 'every right answer has logit 0 against a wrong one of 1000, so each cross-entropy is 1000; computing Math.exp(1000) directly gives Infinity', 1e-6);
  const matched = expectObject('contrastiveLoss(perfect pairs, scale 1000)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1000), 'an object { loss, imageToText, textToImage }');
  expectThat(Number.isFinite(matched.loss) && matched.loss >= 0 && matched.loss < 1e-12, `contrastiveLoss of perfect pairs at scale 1000 should be (almost) 0, since log(1 + e⁻¹⁰⁰⁰) ≈ 0; it is ${matched.loss}.`);
});

test('contrastiveLoss: a batch of one pair has loss 0', () => {
  // a 1×1 logits table: log(e^x) − x = 0 whatever x is
  expectLoss('contrastiveLoss([[1, 2]], [[-3, 1]], 100)', () => contrastiveLoss([[1, 2]], [[-3, 1]], 100), { loss: 0, imageToText: 0, textToImage: 0 }, 'with one pair there is no wrong answer to confuse it with', 1e-9);
});

test('contrastiveLoss: mismatched batches, bad embeddings and bad scales are rejected', () => {
  expectThrows('contrastiveLoss([], [], 1)', () => contrastiveLoss([], [], 1), ContrastiveInputError, 'an empty batch has no pairs to learn from');
  expectThrows('contrastiveLoss(2 images, 1 text, 1)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0]], 1), ContrastiveInputError, 'row i of the images pairs with row i of the texts, so both need the same number of rows');
  expectThrows('contrastiveLoss([[1, 0]], [[1, 0, 0]], 1)', () => contrastiveLoss([[1, 0]], [[1, 0, 0]], 1), ContrastiveInputError, 'a 2-number embedding cannot be compared with a 3-number one');
  expectThrows('contrastiveLoss([[0, 0]], [[1, 0]], 1)', () => contrastiveLoss([[0, 0]], [[1, 0]], 1), ContrastiveInputError, 'the zero vector cannot be normalized');
  expectThrows('contrastiveLoss([[1, NaN]], [[1, 0]], 1)', () => contrastiveLoss([[1, NaN]], [[1, 0]], 1), ContrastiveInputError, 'NaN is not an embedding value');
  expectThrows('contrastiveLoss([[1, 0]], [[1, 0]], 0)', () => contrastiveLoss([[1, 0]], [[1, 0]], 0), ContrastiveInputError, 'a logit scale of 0 makes every logit 0; it must be > 0');
});
