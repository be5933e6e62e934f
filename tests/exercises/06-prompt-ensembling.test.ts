// Exercise 06 · Prompt-template ensembling.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution modules imported below for the learner's, run in its own sandboxed process). Expected vectors are worked out by hand (shown in the
// comments), never by calling the code under test.
import { expectOwnEarlierExercises } from './support/earlier';
import { expectCloseArray, expectEqual, expectThat, expectThrows, run, show } from './support/plain';
import { VectorShapeError, ZeroVectorError } from '../../solutions/01-cosine-similarity';
import { EnsembleError, ensembleEmbedding, fillTemplates, PromptTemplateError } from '../../solutions/06-prompt-ensembling';

jest.mock('../../solutions/01-cosine-similarity', () =>

  require('./support/earlier').withCourseFallback('01-cosine-similarity', jest.requireActual('../../solutions/01-cosine-similarity')),
);

test('fillTemplates: one prompt per template, the label in place of {}', () => {
  expectEqual(
    'fillTemplates("cat", ["a photo of a {}.", "a drawing of a {}.", "{}"])',
    () => fillTemplates('cat', ['a photo of a {}.', 'a drawing of a {}.', '{}']),
    ['a photo of a cat.', 'a drawing of a cat.', 'cat'],
    'each template gets the label where its {} is, in the same order',
  );
  expectEqual('fillTemplates("golden retriever", ["{} on grass"])', () => fillTemplates('golden retriever', ['{} on grass']), ['golden retriever on grass'], 'a label may have several words');
});

test('fillTemplates: the label goes in character for character', () => {
  expectEqual('fillTemplates("$&", ["a photo of a {}."])', () => fillTemplates('$&', ['a photo of a {}.']), ['a photo of a $&.'], 'the contract puts the label in exactly as written; String.prototype.replace gives "$&" a special meaning (see hint step 2 of 06)');
  expectEqual('fillTemplates("R$1 coin", ["a {} on a table"])', () => fillTemplates('R$1 coin', ['a {} on a table']), ['a R$1 coin on a table'], '"$1" is part of this label, not a pattern');
  expectEqual('fillTemplates("{}", ["a {} sign"])', () => fillTemplates('{}', ['a {} sign']), ['a {} sign'], 'a label may itself contain "{}"');
  expectEqual('fillTemplates(" cat ", ["a {}."])', () => fillTemplates(' cat ', ['a {}.']), ['a  cat .'], 'the label is not trimmed');
});

test('fillTemplates: templates without exactly one {} and empty labels are rejected', () => {
  expectThrows('fillTemplates("cat", ["a photo"])', () => fillTemplates('cat', ['a photo']), PromptTemplateError, 'a template without {} would ignore the label');
  expectThrows('fillTemplates("cat", ["a {} and a {}"])', () => fillTemplates('cat', ['a {} and a {}']), PromptTemplateError, 'a template with two {} is ambiguous');
  expectThrows('fillTemplates("cat", [])', () => fillTemplates('cat', []), PromptTemplateError, 'no templates means no prompts to embed');
  expectThrows('fillTemplates("  ", ["a photo of a {}."])', () => fillTemplates('  ', ['a photo of a {}.']), PromptTemplateError, 'a label of only white space makes every prompt the same');
});

test('ensembleEmbedding: normalise each prompt, average, normalise again', () => {
  // [2, 0] → [1, 0] and [0, 1] → [0, 1]; mean [0.5, 0.5]; normalised [1/√2, 1/√2]
  expectCloseArray('ensembleEmbedding([[2, 0], [0, 1]])', () => ensembleEmbedding([[2, 0], [0, 1]]), [Math.SQRT1_2, Math.SQRT1_2], 'after normalising, both prompts count equally: averaging the raw vectors would give [0.894, 0.447], pulled towards the longer one', 1e-12);
  // [1, 0], [0, 1], [1, 0] → mean [2/3, 1/3] → normalised [2/√5, 1/√5]
  expectCloseArray('ensembleEmbedding([[1, 0], [0, 1], [1, 0]])', () => ensembleEmbedding([[1, 0], [0, 1], [1, 0]]), [2 / Math.sqrt(5), 1 / Math.sqrt(5)], 'the mean is [2/3, 1/3], of length √5/3', 1e-12);
});

test('ensembleEmbedding: one prompt gives its own direction, at length 1', () => {
  expectCloseArray('ensembleEmbedding([[3, 4]])', () => ensembleEmbedding([[3, 4]]), [0.6, 0.8], '[3, 4] has length 5', 1e-12);
  // both rows have length 3: mean [1/2, 1/2, 2/3], length √(1/4 + 1/4 + 4/9) = √34 / 6
  expectCloseArray('ensembleEmbedding([[1, 2, 2], [2, 1, 2]])', () => ensembleEmbedding([[1, 2, 2], [2, 1, 2]]), [3 / Math.sqrt(34), 3 / Math.sqrt(34), 4 / Math.sqrt(34)], 'the mean of the unit rows is [1/2, 1/2, 2/3], of length √34 / 6, and the result is scaled to length 1', 1e-12);
});

test('ensembleEmbedding: ensembling can change which label wins (CLIP behaviour)', () => {
  const image = [1, 1, 0];
  // label A: one long prompt right on target, two short ones far off; label B: three prompts near the target
  const a = [[10, 9, 0], [0, 0, 0.5], [0.05, 0, 0.5]];
  const b = [[1, 0.5, 0], [1, 1, 0.3], [0.9, 1, 0.2]];
  const cos = (u: readonly number[], v: readonly number[]) => u.reduce((s, x, k) => s + x * v[k], 0) / (Math.hypot(...u) * Math.hypot(...v));
  // with the first template alone A wins: cos 0.9986 against 0.9487
  expectThat(cos(image, a[0]) > cos(image, b[0]), 'fixture: with the first template alone, A should win');
  const ea = run('ensembleEmbedding(the prompts of A)', () => ensembleEmbedding(a));
  const eb = run('ensembleEmbedding(the prompts of B)', () => ensembleEmbedding(b));
  const [ca, cb] = [cos(image, ea), cos(image, eb)];
  // normalised first, A's two off-target prompts count as much as its on-target one: mean ≈ [0.281, 0.223, 0.665], cos ≈ 0.47
  expectThat(cb > ca && Math.abs(ca - 0.4714) < 0.01, `With ensembled embeddings B should now beat A (the image's cosine with A's ensemble is about 0.47, with B's about 0.99); yours give A ${show(ca)} and B ${show(cb)}. Each prompt must count equally, whatever the length of its raw embedding.`);
});

test('ensembleEmbedding: empty, ragged, zero and cancelling embeddings are rejected', () => {
  expectThrows('ensembleEmbedding([])', () => ensembleEmbedding([]), EnsembleError, 'there is nothing to average');
  expectThrows('ensembleEmbedding([[1, 0], [1, 0, 0]])', () => ensembleEmbedding([[1, 0], [1, 0, 0]]), EnsembleError, 'prompt embeddings from one model all have the same length');
  expectThrows('ensembleEmbedding([[1, 0], [0, 0]])', () => ensembleEmbedding([[1, 0], [0, 0]]), ZeroVectorError, 'the zero vector cannot be normalised (exercise 01’s error)');
  expectThrows('ensembleEmbedding([[1, 0], [NaN, 0]])', () => ensembleEmbedding([[1, 0], [NaN, 0]]), VectorShapeError, 'NaN is not a finite number (exercise 01’s error)');
  expectThrows('ensembleEmbedding([[1, 0], [-2, 0]])', () => ensembleEmbedding([[1, 0], [-2, 0]]), EnsembleError, 'the unit vectors [1, 0] and [−1, 0] average to the zero vector, which has no direction');
});

test('ensembleEmbedding: rows that cancel up to rounding are rejected too', () => {
  // three unit vectors 120° apart, as Math.cos and Math.sin give them: on paper their mean is 0; in float64 it has
  // length about 1e-16 (rounding dust, not a direction)
  const rows = [0, 1, 2].map((i) => [Math.cos((2 * Math.PI * i) / 3), Math.sin((2 * Math.PI * i) / 3)]);
  expectThrows(
    `ensembleEmbedding(${show(rows)})`,
    () => ensembleEmbedding(rows),
    EnsembleError,
    'these are three unit vectors 120° apart (cos and sin of 0°, 120° and 240°), which cancel: on paper their mean is the zero vector, and in float64 it is rounding dust of length about 1e-16, not a direction. The contract rejects a mean shorter than 1e-9, not only an exact 0 (see hint step 2 of 06)',
  );
  // the threshold itself: a mean of length 1e-10 is below it, one of length 1e-8 is not
  expectThrows('ensembleEmbedding([[1, 0], [-1, 2e-10]])', () => ensembleEmbedding([[1, 0], [-1, 2e-10]]), EnsembleError, 'the unit rows are [1, 0] and about [−1, 2e-10], so the mean is [0, 1e-10], whose length is below the contract\'s 1e-9');
  expectCloseArray('ensembleEmbedding([[1, 0], [-1, 2e-8]])', () => ensembleEmbedding([[1, 0], [-1, 2e-8]]), [0, 1], 'the mean is about [0, 1e-8]: short, but not below the contract\'s 1e-9, so it still has a direction', 1e-7);
});

test('ensembleEmbedding: leaves its input unchanged, and runs on your own l2Normalize (exercise 01)', () => {
  const rows = [[2, 0], [0, 1]];
  run('ensembleEmbedding([[2, 0], [0, 1]])', () => ensembleEmbedding(rows));
  expectThat(rows[0][0] === 2 && rows[1][1] === 1, `ensembleEmbedding changed its input to ${show(rows.map((r) => show(r)))}; the contract says it stays unchanged.`);
  expectOwnEarlierExercises('06');
});
