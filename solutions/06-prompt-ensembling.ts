//! Reference solution. exercises/06-prompt-ensembling.ts is generated from this file: every
//! BEGIN SOLUTION … END SOLUTION block becomes a NotImplementedError (see lib/learner/stubs.ts).
/**
 * Exercise 06 · Prompt-template ensembling
 *
 * CLIP's zero-shot accuracy depends on the wording of the prompt. The CLIP paper's remedy: write several
 * templates ("a photo of a {}.", "a blurry photo of a {}.", "a drawing of a {}."), embed the label in
 * each, and use ONE embedding per label: normalize each prompt's embedding, average them, and normalize
 * the average. (Averaging unnormalized embeddings would let the longest vector dominate.)
 *
 * Your task: implement `fillTemplates` and `ensembleEmbedding`.
 *   - fillTemplates('cat', ['a photo of a {}.']) → ['a photo of a cat.']. Each template must contain
 *     "{}" exactly once.
 *   - ensembleEmbedding(promptEmbeddings) → normalize each row, take the mean row, normalize it.
 *   - Bad input: no templates, a template without "{}" or with it twice, an empty (or only-space)
 *     label → PromptTemplateError; no embeddings, rows of different lengths, a zero or non-finite row,
 *     or normalized rows that cancel out (their mean is the zero vector) → EnsembleError.
 *
 * Hints:
 * - fillTemplates: template.split('{}').length - 1 counts the "{}" in a template; template.replace('{}', label) fills it.
 * - ensembleEmbedding: normalize first: divide each row by its own length, Math.sqrt(Σ x²).
 * - ensembleEmbedding: add the unit rows component by component, divide by their count, and normalize
 *   that mean; if its length is 0, the prompts point in opposite directions: throw EnsembleError.
 *
 * Grade it: `npm run grade -- 06`. Stuck? `npm run grade -- --hint 06`.
 */

/** A label or template list that cannot make prompts. */
export class PromptTemplateError extends Error {
  override name = 'PromptTemplateError';
}

/** Prompt embeddings that cannot be ensembled. */
export class EnsembleError extends Error {
  override name = 'EnsembleError';
}

/**
 * One prompt per template, with the label in place of "{}".
 *
 * @example
 * fillTemplates('cat', ['a photo of a {}.', 'a drawing of a {}.']);
 * // ['a photo of a cat.', 'a drawing of a cat.']
 */
export function fillTemplates(label: string, templates: readonly string[]): string[] {
  // BEGIN SOLUTION
  if (label.trim().length === 0) {
    throw new PromptTemplateError('fillTemplates: the label is empty; pass the class name to put in the prompts.');
  }
  if (templates.length === 0) {
    throw new PromptTemplateError('fillTemplates: no templates; pass at least one, e.g. "a photo of a {}.".');
  }
  return templates.map((template, i) => {
    const slots = template.split('{}').length - 1;
    if (slots !== 1) {
      throw new PromptTemplateError(`fillTemplates: templates[${i}] ("${template}") has ${slots} "{}" slots; write exactly one where the label goes.`);
    }
    return template.replace('{}', label);
  });
  // END SOLUTION
}

/**
 * The ensembled embedding of a label: the normalized mean of its normalized prompt embeddings.
 *
 * @example
 * ensembleEmbedding([[2, 0], [0, 1]]);   // [0.7071, 0.7071]  (not [0.894, 0.447]: normalize first)
 */
export function ensembleEmbedding(promptEmbeddings: readonly (readonly number[])[]): number[] {
  // BEGIN SOLUTION
  if (promptEmbeddings.length === 0) {
    throw new EnsembleError('ensembleEmbedding: no prompt embeddings; pass at least one.');
  }
  const width = promptEmbeddings[0].length;
  if (width === 0) {
    throw new EnsembleError('ensembleEmbedding: promptEmbeddings[0] is empty; embeddings need at least one value.');
  }
  const sum = new Array<number>(width).fill(0);
  promptEmbeddings.forEach((row, i) => {
    if (row.length !== width) {
      throw new EnsembleError(`ensembleEmbedding: promptEmbeddings[${i}] has ${row.length} values but row 0 has ${width}; embed every prompt with the same model.`);
    }
    if (!row.every(Number.isFinite)) {
      throw new EnsembleError(`ensembleEmbedding: promptEmbeddings[${i}] holds a value that is not a finite number.`);
    }
    const norm = Math.sqrt(row.reduce((total, value) => total + value * value, 0));
    if (norm === 0) {
      throw new EnsembleError(`ensembleEmbedding: promptEmbeddings[${i}] is the zero vector, which has no direction.`);
    }
    for (let k = 0; k < width; k++) sum[k] += row[k] / norm;
  });
  const mean = sum.map((value) => value / promptEmbeddings.length);
  const meanNorm = Math.sqrt(mean.reduce((total, value) => total + value * value, 0));
  if (meanNorm === 0) {
    throw new EnsembleError('ensembleEmbedding: the normalized prompt embeddings cancel out (their mean is the zero vector); the prompts disagree completely.');
  }
  return mean.map((value) => value / meanNorm);
  // END SOLUTION
}
