// Exercise 06 · Prompt-template ensembling.
// `npm test` runs these checks on solutions/; `npm run grade` runs them on exercises/ (jest.config.js maps
// the import below when EXERCISES_DIR is set). Expected values are worked out by hand (shown in the
// comments), never by calling the code under test.
import { expectCloseArray, expectEqual, expectThat, expectThrows, run } from './support/plain';
import { EnsembleError, ensembleEmbedding, fillTemplates, PromptTemplateError } from '../../solutions/06-prompt-ensembling';

test('fillTemplates: one prompt per template, the label in place of {}', () => {
  expectEqual(
    'fillTemplates("cat", ["a photo of a {}.", "a drawing of a {}.", "{}"])',
    () => fillTemplates('cat', ['a photo of a {}.', 'a drawing of a {}.', '{}']),
    ['a photo of a cat.', 'a drawing of a cat.', 'cat'],
    'each template gets the label where its {} is, in the same order',
  );
  expectEqual('fillTemplates("golden retriever", ["{} on grass"])', () => fillTemplates('golden retriever', ['{} on grass']), ['golden retriever on grass'], 'a label may have several words');
});

test('fillTemplates: templates without exactly one {} and empty labels are rejected', () => {
  expectThrows('fillTemplates("cat", ["a photo"])', () => fillTemplates('cat', ['a photo']), PromptTemplateError, 'a template without {} would ignore the label');
  expectThrows('fillTemplates("cat", ["a {} and a {}"])', () => fillTemplates('cat', ['a {} and a {}']), PromptTemplateError, 'a template with two {} is ambiguous');
  expectThrows('fillTemplates("cat", [])', () => fillTemplates('cat', []), PromptTemplateError, 'no templates means no prompts to embed');
  expectThrows('fillTemplates("  ", ["a photo of a {}."])', () => fillTemplates('  ', ['a photo of a {}.']), PromptTemplateError, 'an empty label makes every prompt the same');
});

test('ensembleEmbedding: normalize each prompt, average, normalize again', () => {
  // [2, 0] → [1, 0] and [0, 1] → [0, 1]; mean [0.5, 0.5]; normalized [1/√2, 1/√2]
  expectCloseArray('ensembleEmbedding([[2, 0], [0, 1]])', () => ensembleEmbedding([[2, 0], [0, 1]]), [Math.SQRT1_2, Math.SQRT1_2], 'after normalizing, both prompts count equally: averaging the raw vectors would give [0.894, 0.447], pulled towards the longer one', 1e-12);
  // [1, 0], [0, 1], [1, 0] → mean [2/3, 1/3] → normalized [2/√5, 1/√5]
  expectCloseArray('ensembleEmbedding([[1, 0], [0, 1], [1, 0]])', () => ensembleEmbedding([[1, 0], [0, 1], [1, 0]]), [2 / Math.sqrt(5), 1 / Math.sqrt(5)], 'the mean is [2/3, 1/3], of length √5/3', 1e-12);
});

test('ensembleEmbedding: one prompt gives its own direction, at length 1', () => {
  expectCloseArray('ensembleEmbedding([[3, 4]])', () => ensembleEmbedding([[3, 4]]), [0.6, 0.8], '[3, 4] has length 5', 1e-12);
  const result = run('ensembleEmbedding([[1, 2, 2], [2, 1, 2]])', () => ensembleEmbedding([[1, 2, 2], [2, 1, 2]]));
  const length = Math.hypot(...Array.from(result));
  expectThat(Math.abs(length - 1) < 1e-12, `ensembleEmbedding([[1, 2, 2], [2, 1, 2]]) should have length 1 (it is used like any CLIP text embedding); its length is ${length}.`);
  // both rows have length 3: mean [1/2, 1/2, 2/3], length √(1/4 + 1/4 + 4/9) = √34 / 6
  expectCloseArray('ensembleEmbedding([[1, 2, 2], [2, 1, 2]])', () => result, [3 / Math.sqrt(34), 3 / Math.sqrt(34), 4 / Math.sqrt(34)], 'the mean of the unit rows is [1/2, 1/2, 2/3], of length √34 / 6', 1e-12);
});

test('ensembleEmbedding: empty, ragged, zero and cancelling embeddings are rejected', () => {
  expectThrows('ensembleEmbedding([])', () => ensembleEmbedding([]), EnsembleError, 'there is nothing to average');
  expectThrows('ensembleEmbedding([[1, 0], [1, 0, 0]])', () => ensembleEmbedding([[1, 0], [1, 0, 0]]), EnsembleError, 'prompt embeddings from one model all have the same length');
  expectThrows('ensembleEmbedding([[1, 0], [0, 0]])', () => ensembleEmbedding([[1, 0], [0, 0]]), EnsembleError, 'the zero vector cannot be normalized');
  expectThrows('ensembleEmbedding([[1, 0], [-2, 0]])', () => ensembleEmbedding([[1, 0], [-2, 0]]), EnsembleError, 'the unit vectors [1, 0] and [−1, 0] average to the zero vector, which has no direction');
});
