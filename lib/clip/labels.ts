/**
 * Candidate labels and prompt templates for zero-shot classification: validation (with typed errors),
 * CLIP's prompt ensembling ("a photo of a {}", "a drawing of a {}", …), and tokenization that truncates
 * like the Python reference (keep the end token; transformers.js 4.3.1's own truncation drops it).
 *
 * @example
 *   checkLabels(['cat', 'dog']);                       // ['cat', 'dog']
 *   checkLabels(['cat', 'Cat']);                       // throws ClipLabelError (same text after lower-casing)
 *   promptsFor(['cat'], ['a photo of a {}', 'a drawing of a {}']);
 *   // [['a photo of a cat', 'a drawing of a cat']]
 */
import { ClipLabelError } from './errors';

/** Whitespace-collapsed, lower-cased text: CLIP's (and BERT-uncased's) tokenizer gives such texts the same ids. */
function normalizedText(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Checks a label list and returns it unchanged. Throws `ClipLabelError` for: not an array, no labels, a label
 * that is not a string or is empty/blank, and duplicates (compared after trimming, collapsing spaces and
 * lower-casing, since the tokenizer lower-cases: "Cat" and "cat" would get the same embedding), unless
 * `allowDuplicates` (as `embedTexts` does: embedding a text twice is harmless).
 *
 * @example
 *   checkLabels(['a photo of a cat', '']);
 *   // ClipLabelError: label #1 is empty. …
 */
export function checkLabels(labels: unknown, what = 'labels', options: { allowDuplicates?: boolean } = {}): string[] {
  if (!Array.isArray(labels)) {
    throw new ClipLabelError(
      `${what} must be an array of strings, got ${labels === null ? 'null' : typeof labels}. Fix: pass e.g. ['a photo of a cat', 'a photo of a dog'].`,
    );
  }
  if (labels.length === 0) {
    throw new ClipLabelError(
      `${what} is empty: zero-shot classification needs at least one candidate label (two or more to be meaningful). Fix: pass e.g. ['a photo of a cat', 'a photo of a dog'].`,
    );
  }
  const seen = new Map<string, number>();
  labels.forEach((label, i) => {
    if (typeof label !== 'string') {
      throw new ClipLabelError(
        `${what}[${i}] is ${label === null ? 'null' : typeof label} (${JSON.stringify(label)}), not a string. Fix: pass text labels only.`,
      );
    }
    if (label.trim() === '') {
      throw new ClipLabelError(
        `${what}[${i}] is empty${label.length ? ' (only whitespace)' : ''}: an empty prompt embeds to a meaningless vector. Fix: remove it or give it text.`,
      );
    }
    const key = normalizedText(label);
    const first = seen.get(key);
    if (first !== undefined && !options.allowDuplicates) {
      throw new ClipLabelError(
        `${what}[${i}] ${JSON.stringify(label)} duplicates ${what}[${first}] ${JSON.stringify(labels[first])} (the tokenizer lower-cases and ignores extra spaces, so both get the same embedding and would split the probability). Fix: remove one of them.`,
      );
    }
    seen.set(key, i);
  });
  return labels as string[];
}

/**
 * Checks prompt templates: a non-empty array of distinct strings that each contain `{}` exactly once.
 *
 * @example
 *   checkTemplates(['a photo of a {}', 'a sketch']);
 *   // ClipLabelError: templates[1] "a sketch" has no "{}" placeholder …
 */
export function checkTemplates(templates: unknown): string[] {
  if (!Array.isArray(templates) || templates.length === 0) {
    throw new ClipLabelError(
      'templates must be a non-empty array of strings with a "{}" placeholder, e.g. ["a photo of a {}", "a drawing of a {}"]. Fix: pass such an array, or leave templates out to use the labels as prompts.',
    );
  }
  const seen = new Set<string>();
  templates.forEach((t, i) => {
    if (typeof t !== 'string') {
      throw new ClipLabelError(
        `templates[${i}] is ${typeof t}, not a string. Fix: pass strings like "a photo of a {}".`,
      );
    }
    const count = t.split('{}').length - 1;
    if (count !== 1) {
      throw new ClipLabelError(
        `templates[${i}] ${JSON.stringify(t)} has ${count === 0 ? 'no' : count} "{}" placeholder${count === 1 ? '' : 's'}; it needs exactly one, where the label goes. Fix: write it like "a photo of a {}".`,
      );
    }
    const key = normalizedText(t);
    if (seen.has(key)) {
      throw new ClipLabelError(
        `templates[${i}] ${JSON.stringify(t)} is a duplicate; it would count twice in the ensemble mean. Fix: remove it.`,
      );
    }
    seen.add(key);
  });
  return templates as string[];
}

/**
 * The prompts of each label: the label itself, or one prompt per template with `{}` replaced by the label.
 *
 * @example
 *   promptsFor(['cat', 'dog'], ['a photo of a {}', 'a drawing of a {}']);
 *   // [['a photo of a cat', 'a drawing of a cat'], ['a photo of a dog', 'a drawing of a dog']]
 */
export function promptsFor(labels: string[], templates?: string[]): string[][] {
  if (!templates) return labels.map((l) => [l]);
  return labels.map((l) => templates.map((t) => t.replace('{}', l)));
}

/** The part of a tokenizer that `encodeTruncated` uses (transformers.js `PreTrainedTokenizer` has it). */
export interface EncodingTokenizer {
  encode(text: string): number[];
  all_special_ids: number[];
}

/**
 * Token ids of `text` with the tokenizer's special tokens, cut to at most `maxLength` ids the way the Python
 * reference does: the start token, the first `maxLength - 2` text tokens, the end token. Returns whether it cut.
 * (transformers.js 4.3.1's `truncation: true` keeps the first 77 ids and loses the end token, the position
 * CLIP reads its text embedding from.)
 *
 * @example
 *   encodeTruncated(clipTokenizer, 'a photo of a cat', 77);
 *   // { ids: [49406, 320, 1125, 539, 320, 2368, 49407], originalLength: 7, truncated: false }
 */
export function encodeTruncated(
  tokenizer: EncodingTokenizer,
  text: string,
  maxLength: number,
): { ids: number[]; originalLength: number; truncated: boolean } {
  const ids = tokenizer.encode(text);
  if (ids.length <= maxLength) return { ids, originalLength: ids.length, truncated: false };
  const last = ids[ids.length - 1];
  const endsWithSpecial = tokenizer.all_special_ids.includes(last);
  const cut = endsWithSpecial ? [...ids.slice(0, maxLength - 1), last] : ids.slice(0, maxLength);
  return { ids: cut, originalLength: ids.length, truncated: true };
}
