// Exercise 04 · CLIP's symmetric contrastive loss, and its gradient by finite differences.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution modules imported below for the learner's, run in its own sandboxed process). Expected values are worked out by hand (with two pairs each
// cross-entropy is log(1 + e^(other − right)), evaluated with Python's math.log1p(math.exp(·))), or by the small
// float64 reference below (the loss and its exact gradient, written independently), never by the code under test.
import { expectOwnEarlierExercises } from './support/earlier';
import { expectClose, expectObject, expectThat, expectThrows, run, show } from './support/plain';
import { VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';
import { ContrastiveInputError, contrastiveLoss, lossGradient } from '../../solutions/04-contrastive-loss';

jest.mock('../../solutions/01-cosine-similarity', () =>

  require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
);

type Rows = number[][];
const unit = (v: readonly number[]) => {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / n);
};
const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, k) => s + x * b[k], 0);
const lse = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
/** The reference: loss and its exact gradient with respect to the (unnormalised) image embeddings. */
function reference(images: Rows, texts: Rows, scale: number): { loss: number; gradient: Rows } {
  const n = images.length;
  const u = images.map(unit);
  const t = texts.map(unit);
  const logits = u.map((a) => t.map((b) => scale * dot(a, b)));
  const rowLse = logits.map(lse);
  const colLse = logits[0].map((_, j) => lse(logits.map((row) => row[j])));
  let loss = 0;
  for (let i = 0; i < n; i++) loss += (rowLse[i] - logits[i][i] + colLse[i] - logits[i][i]) / (2 * n);
  const gradient = images.map((x, i) => {
    // d loss / d logit[i][j] = ((P_ij − δ_ij) + (Q_ij − δ_ij)) / (2N), P row softmax, Q column softmax
    const dU = new Array<number>(x.length).fill(0);
    for (let j = 0; j < n; j++) {
      const d = (Math.exp(logits[i][j] - rowLse[i]) + Math.exp(logits[i][j] - colLse[j]) - 2 * (i === j ? 1 : 0)) / (2 * n);
      for (let k = 0; k < x.length; k++) dU[k] += d * scale * t[j][k];
    }
    const length = Math.sqrt(dot(x, x));
    const along = dot(u[i], dU);
    return dU.map((g, k) => (g - along * u[i][k]) / length); // through the normalisation: (I − u uᵀ) / |x|
  });
  return { loss, gradient };
}

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
    'the logits are [[1, 0.6], [0, 0.8]]: image → text uses its rows, text → image its columns, and the loss is their mean (see hint step 1 of 04)',
  );
});

test('contrastiveLoss: the logit scale multiplies the similarities, and lengths do not matter', () => {
  // scale 10: logits [[10, 6], [0, 8]]; rows log1p(e⁻⁴), log1p(e⁻⁸); columns log1p(e⁻¹⁰), log1p(e⁻²)
  const expected = { imageToText: 0.009242667145352754, textToImage: 0.06348670497109468, loss: 0.03636468605822372 };
  expectLoss('contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 10)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0.6, 0.8]], 10), expected, 'scale 10 makes the logits [[10, 6], [0, 8]]');
  expectLoss('contrastiveLoss([[3, 0], [0, 0.5]], [[7, 0], [6, 8]], 10)', () => contrastiveLoss([[3, 0], [0, 0.5]], [[7, 0], [6, 8]], 10), expected, 'these rows point in the same directions as the images [[1, 0], [0, 1]] and the texts [[1, 0], [0.6, 0.8]], only with other lengths; every row is normalised first, so only the directions count and the loss is the same as for those');
});

test('contrastiveLoss: stays finite with a large scale', () => {
  // swapped pairs at scale 1000: logits [[0, 1000], [1000, 0]]; each cross-entropy is log(1 + e¹⁰⁰⁰) − 0 = 1000
  expectLoss('contrastiveLoss([[1, 0], [0, 1]], [[0, 1], [1, 0]], 1000)', () => contrastiveLoss([[1, 0], [0, 1]], [[0, 1], [1, 0]], 1000), { loss: 1000, imageToText: 1000, textToImage: 1000 }, 'every right answer has logit 0 against a wrong one of 1000, so each cross-entropy is 1000 (Math.exp(1000) is Infinity: see hint step 2 of 04)', 1e-6);
});

test('contrastiveLoss: a matched batch’s loss falls towards 0 as the logit scale grows (CLIP behaviour)', () => {
  // texts = images, not orthogonal: every image is closest to its own caption, so a larger scale makes each choice surer
  const batch = [[1, 0.2, 0], [0, 1, 0.3], [0.4, 0, 1]];
  let previous = Infinity;
  for (const scale of [1, 3, 10, 30, 100]) {
    const r = expectObject(`contrastiveLoss(matched batch, ${scale})`, () => contrastiveLoss(batch, batch, scale), 'an object { loss, imageToText, textToImage }');
    const expected = reference(batch, batch, scale).loss;
    expectThat(Math.abs(r.loss - expected) < 1e-9, `contrastiveLoss(matched batch, ${scale}).loss should be ${show(expected)}; it is ${show(r.loss)}.`);
    expectThat(r.loss < previous || (r.loss === 0 && previous === 0), `For a matched batch the loss must fall as the scale grows; at scale ${scale} it is ${show(r.loss)}, not below ${show(previous)}.`);
    previous = r.loss;
  }
  expectThat(previous >= 0 && previous < 1e-9, `At scale 100 a matched batch's loss should be about 0 (each right logit beats the others by ≥ 60); it is ${show(previous)}.`);
});

test('contrastiveLoss: unrelated pairs sit near ln N (CLIP behaviour)', () => {
  // every image the same, every caption the same: all N logits in a row are equal, so each cross-entropy is exactly ln N
  const same = [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]];
  const text = [[0, 1, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]];
  expectLoss('contrastiveLoss(4 identical images, 4 identical captions, 100)', () => contrastiveLoss(same, text, 100), { loss: Math.log(4), imageToText: Math.log(4), textToImage: Math.log(4) }, 'when nothing tells the pairs apart every guess is 1 in 4, and −ln(1/4) = ln 4 = 1.3863 at any scale');
  // 8 pseudo-random pairs in 256 dimensions: nearly perpendicular, so at scale 1 the loss is close to ln 8 = 2.0794
  let seed = 18;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
  const images = Array.from({ length: 8 }, () => Array.from({ length: 256 }, random));
  const texts = Array.from({ length: 8 }, () => Array.from({ length: 256 }, random));
  const r = expectObject('contrastiveLoss(8 random pairs, 256 dimensions, 1)', () => contrastiveLoss(images, texts, 1), 'an object { loss, imageToText, textToImage }');
  const expected = reference(images, texts, 1).loss;
  expectThat(Math.abs(r.loss - expected) < 1e-9 && Math.abs(r.loss - Math.log(8)) < 0.05, `For 8 unrelated pairs the loss should be ${show(expected)}, close to ln 8 = ${show(Math.log(8))}; it is ${show(r.loss)}.`);
});

test('contrastiveLoss: a batch of one pair has loss 0', () => {
  // a 1×1 logits table: log(e^x) − x = 0 whatever x is
  expectLoss('contrastiveLoss([[1, 2]], [[-3, 1]], 100)', () => contrastiveLoss([[1, 2]], [[-3, 1]], 100), { loss: 0, imageToText: 0, textToImage: 0 }, 'with one pair there is no wrong answer to confuse it with', 1e-9);
});

test('contrastiveLoss: mismatched batches, bad embeddings and bad scales are rejected', () => {
  expectThrows('contrastiveLoss([[1, 0]], [[1, 0]], 0)', () => contrastiveLoss([[1, 0]], [[1, 0]], 0), ContrastiveInputError, 'a logit scale of 0 makes every logit 0; it must be > 0');
  expectThrows('contrastiveLoss([], [], 1)', () => contrastiveLoss([], [], 1), ContrastiveInputError, 'an empty batch has no pairs to learn from');
  expectThrows('contrastiveLoss(2 images, 1 text, 1)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0]], 1), ContrastiveInputError, 'row i of the images pairs with row i of the texts, so both need the same number of rows');
  expectThrows('contrastiveLoss([[1, 0]], [[1, 0, 0]], 1)', () => contrastiveLoss([[1, 0]], [[1, 0, 0]], 1), ContrastiveInputError, 'a 2-number embedding cannot be compared with a 3-number one');
  expectThrows('contrastiveLoss([[1, 0], [1, 0, 0]], [[1, 0], [0, 1]], 1)', () => contrastiveLoss([[1, 0], [1, 0, 0]], [[1, 0], [0, 1]], 1), ContrastiveInputError, 'imageEmbeddings[1] is longer than imageEmbeddings[0]');
  expectThrows('contrastiveLoss([[]], [[]], 1)', () => contrastiveLoss([[]], [[]], 1), VectorShapeError, 'an empty embedding has no direction; the contract passes l2Normalize’s VectorShapeError through');
  expectThrows('contrastiveLoss([[0, 0]], [[1, 0]], 1)', () => contrastiveLoss([[0, 0]], [[1, 0]], 1), ZeroVectorError, 'the zero vector cannot be normalised, and the contract passes l2Normalize’s ZeroVectorError through');
  expectThrows('contrastiveLoss([[1, 0]], [[1, NaN]], 1)', () => contrastiveLoss([[1, 0]], [[1, NaN]], 1), VectorShapeError, 'NaN is not an embedding value, and the contract passes l2Normalize’s VectorShapeError through');
});

const images = [[1, 0.3, -0.2], [0.1, 2, 0.4], [-0.5, 0.2, 1.5]];
const texts = [[0.9, 0.5, 0], [0.3, 1, -0.2], [0.2, -0.4, 1]];

test('lossGradient: agrees with the exact gradient', () => {
  const exact = reference(images, texts, 10).gradient;
  const g = run('lossGradient(images, texts, 10)', () => lossGradient(images, texts, 10));
  expectThat(Array.isArray(g) && g.length === 3 && g.every((row) => Array.isArray(row) && row.length === 3), `lossGradient(3 images of 3 numbers, …) should return 3 rows of 3 numbers (one per image entry); it returned ${show(g)}.`);
  for (let i = 0; i < 3; i++) {
    for (let k = 0; k < 3; k++) {
      expectThat(Math.abs(g[i][k] - exact[i][k]) < 1e-6, `lossGradient(…)[${i}][${k}] should be ${show(exact[i][k])} (the exact derivative of the loss with respect to imageEmbeddings[${i}][${k}]); it is ${show(g[i][k])}. Move only that one entry, by +step and −step (see hint step 2 of 04).`);
    }
  }
  const small = run('lossGradient([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1)', () => lossGradient([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1));
  // worked out in the module comment's example: d loss / d x₀₁ = (1/(e + 1) + 1/(e + 1)) / 4 = 0.13447071068499755
  expectThat(Math.abs(small[0][1] - 0.13447071068499755) < 1e-6 && Math.abs(small[0][0]) < 1e-6, `lossGradient([[1, 0], [0, 1]], same, 1)[0] should be [0, 0.13447]; it is ${show(small[0])}.`);
});

test('lossGradient: a step against the gradient pulls every matched pair together (CLIP behaviour)', () => {
  // captions that are well apart: each image's own caption pulls harder than the others push
  const apart = [[1, 0.1, 0], [0, 1, 0.1], [0.1, 0, 1]];
  const g = run('lossGradient(images, apart, 3)', () => lossGradient(images, apart, 3));
  const stepped = images.map((x, i) => x.map((v, k) => v - 0.05 * g[i][k]));
  for (let i = 0; i < 3; i++) {
    const before = dot(unit(images[i]), unit(apart[i]));
    const after = dot(unit(stepped[i]), unit(apart[i]));
    expectThat(after > before, `Moving image ${i} a little against your gradient should bring it closer to its own caption (cosine up from ${show(before)}); it went to ${show(after)}.`);
  }
  const lossBefore = reference(images, apart, 3).loss;
  const lossAfter = reference(stepped, apart, 3).loss;
  expectThat(lossAfter < lossBefore, `A small step against the gradient should lower the loss (${show(lossBefore)}); it became ${show(lossAfter)}.`);
  // the loss ignores lengths, so the gradient has no component along each embedding
  for (let i = 0; i < 3; i++) {
    const radial = dot(g[i], unit(images[i]));
    expectThat(Math.abs(radial) < 1e-6, `lossGradient(…)[${i}] should be perpendicular to imageEmbeddings[${i}] (the loss does not change when an embedding only gets longer); its component along it is ${show(radial)}.`);
  }
});

test('lossGradient: leaves its inputs unchanged, and rejects a bad step', () => {
  const copy = images.map((row) => [...row]);
  run('lossGradient(images, texts, 10)', () => lossGradient(copy, texts, 10));
  expectThat(copy.every((row, i) => row.every((v, k) => v === images[i][k])), `lossGradient changed imageEmbeddings to ${show(copy.map((r) => show(r)))}; move entries on a copy, or put each one back.`);
  expectThrows('lossGradient(images, texts, 10, 0)', () => lossGradient(images, texts, 10, 0), ContrastiveInputError, 'a step of 0 divides by 0');
  expectThrows('lossGradient(images, texts, 0)', () => lossGradient(images, texts, 0), ContrastiveInputError, 'lossGradient has the errors of contrastiveLoss too');
});

test('contrastiveLoss and lossGradient: run on your own l2Normalize (exercise 01)', () => {
  run('contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1)', () => contrastiveLoss([[1, 0], [0, 1]], [[1, 0], [0, 1]], 1));
  expectOwnEarlierExercises('04');
});
