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
import { NotImplementedError } from './not-implemented';

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
  throw new NotImplementedError('06-prompt-ensembling', 'fillTemplates');
}

/**
 * The ensembled embedding of a label: the normalized mean of its normalized prompt embeddings.
 *
 * @example
 * ensembleEmbedding([[2, 0], [0, 1]]);   // [0.7071, 0.7071]  (not [0.894, 0.447]: normalize first)
 */
export function ensembleEmbedding(promptEmbeddings: readonly (readonly number[])[]): number[] {
  throw new NotImplementedError('06-prompt-ensembling', 'ensembleEmbedding');
}
