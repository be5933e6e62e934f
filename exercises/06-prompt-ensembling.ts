/**
 * Exercise 06 · Prompt-template ensembling
 *
 * The concept. CLIP's zero-shot accuracy depends on the wording of the prompt. The CLIP paper's remedy: write
 * several templates ("a photo of a {}.", "a blurry photo of a {}.", "a drawing of a {}."), embed the label in
 * each, and use ONE embedding per label: the normalised mean of the normalised prompt embeddings. Every prompt
 * then counts equally, however long its raw embedding is — and the ensemble can rank labels differently from
 * any single template.
 *
 * Your task: implement `fillTemplates` and `ensembleEmbedding`. This file imports your `l2Normalize` from
 * exercise 01; while your 01 is unfinished the checks use the course's version instead, and say so.
 *
 * fillTemplates(label, templates) → string[]
 *   - One prompt per template, in the same order: the template with its "{}" replaced by the label, character
 *     for character — a label containing "$&", "$1" or "{}" appears in the prompt exactly as written, and the
 *     label is not trimmed.
 *   - Errors → PromptTemplateError: a label that is empty or only white space; an empty template list; a
 *     template that does not contain "{}" exactly once.
 *
 * ensembleEmbedding(promptEmbeddings) → number[]
 *   - Normalise every row, take the mean row (entry by entry), normalise that mean; the result has length 1.
 *   - When the normalised rows (nearly) cancel out — the mean's length is below 1e-9, which includes an exact 0
 *     and the rounding dust (around 1e-16) that cancellation leaves in float64 — there is no direction to return:
 *     EnsembleError.
 *   - Errors → EnsembleError: no rows; a row whose length differs from row 0's; cancelling rows (above). A zero
 *     or non-finite row → the errors of l2Normalize (exercise 01), unchanged. The input is not changed.
 *
 * Grade it: `npm run grade -- 06`. Hints, one step at a time: `npm run grade -- --hint 06`.
 */
import { NotImplementedError } from './not-implemented';
import { l2Normalize } from './01-cosine-similarity';

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
 * The ensembled embedding of a label: the normalised mean of its normalised prompt embeddings.
 *
 * @example
 * ensembleEmbedding([[2, 0], [0, 1]]);   // [0.7071, 0.7071]  (not [0.894, 0.447]: normalise first)
 */
export function ensembleEmbedding(promptEmbeddings: readonly (readonly number[])[]): number[] {
  throw new NotImplementedError('06-prompt-ensembling', 'ensembleEmbedding');
}
